package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Case is one run of an exercise's check with inputs of its own: the
// learner's program (or the exercise's harness, when it has one) runs with
// these arguments, environment, standard input and files in its working
// directory, and must print what the case expects and exit with its
// status. It is written as a case fence (see the lesson format).
type Case struct {
	Name  string
	File  string // document path
	Line  int    // opening fence of the case
	Args  []string
	Env   []string // KEY=VALUE, sorted by key
	Stdin *string  // nil: no input (/dev/null)
	// Files maps slash-separated relative paths to their contents,
	// written into the working directory before the program starts.
	Files  map[string]string
	Stdout *Output // nil: not checked
	Stderr *Output // nil: not checked
	Exit   int     // as Expect.Exit
	// OwnMain runs the learner's own main even when the exercise has a
	// harness (harness = false in the case).
	OwnMain bool
}

// Harness is hidden code that drives the learner's functions: its
// declarations replace the learner's main (and any declaration of the same
// name) in the runs of the exercise's cases.
type Harness struct {
	File string
	Line int // opening fence of the first harness block
	// Source is a complete Go file: package clause, imports, then the
	// harness's code under //line directives naming the document.
	Source string
}

// caseBody is the TOML body of a case fence.
type caseBody struct {
	Name   string            `toml:"name"`
	Args   []string          `toml:"args"`
	Env    map[string]string `toml:"env"`
	Stdin  *string           `toml:"stdin"`
	Files  map[string]string `toml:"files"`
	Stdout *string           `toml:"stdout"`
	Stderr *string           `toml:"stderr"`
	Match  string            `toml:"match"`
	Exit   any               `toml:"exit"`
	// Harness, when false, runs the learner's own main in an exercise
	// that has a harness.
	Harness *bool `toml:"harness"`
}

// parseCase reads a case fence. n is the case's number within its
// exercise (1-based), which names a case without a name.
func (b *builder) parseCase(f *fence, n int) (*Case, error) {
	var body caseBody
	md, err := toml.Decode(f.Code, &body)
	if err != nil {
		line := f.Line
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = f.BodyLine + pe.Position.Line - 1
			return nil, b.errorf(line, "case: %s", pe.Message)
		}
		return nil, b.errorf(line, "case: %v", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, b.errorf(f.Line, "case: unknown key %q (want name, args, env, stdin, files, stdout, stderr, match, exit or harness)", und[0].String())
	}
	c := &Case{Name: body.Name, File: b.file, Line: f.Line, Args: body.Args, Stdin: body.Stdin, Files: body.Files}
	c.OwnMain = body.Harness != nil && !*body.Harness
	if c.Name == "" {
		c.Name = fmt.Sprintf("case %d", n)
	}
	for k, v := range body.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return nil, b.errorf(f.Line, "case %q: bad environment variable name %q", c.Name, k)
		}
		c.Env = append(c.Env, k+"="+v)
	}
	sort.Strings(c.Env)
	for name := range body.Files {
		clean := path.Clean(name)
		if name == "" || path.IsAbs(name) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, b.errorf(f.Line, "case %q: file %q must be a relative path inside the working directory", c.Name, name)
		}
	}
	match, unordered := b.defaults.Match, false
	if body.Match != "" {
		if match, unordered, err = parseMatch(body.Match); err != nil {
			return nil, b.errorf(f.Line, "case %q: %v", c.Name, err)
		}
	}
	if match == "" {
		match = MatchExact
	}
	if body.Stdout != nil {
		c.Stdout = &Output{Text: *body.Stdout, Match: match, Unordered: unordered, File: b.file, Line: f.Line}
	}
	if body.Stderr != nil {
		c.Stderr = &Output{Text: *body.Stderr, Match: match, Unordered: unordered, File: b.file, Line: f.Line}
	}
	switch e := body.Exit.(type) {
	case nil:
	case int64:
		if c.Exit, err = parseExit(strconv.FormatInt(e, 10)); err != nil {
			return nil, b.errorf(f.Line, "case %q: %v", c.Name, err)
		}
	case string:
		if c.Exit, err = parseExit(e); err != nil {
			return nil, b.errorf(f.Line, "case %q: %v", c.Name, err)
		}
	default:
		return nil, b.errorf(f.Line, "case %q: bad value for exit: %v (want 0 to 255, \"nonzero\" or \"any\")", c.Name, e)
	}
	if c.Stdout == nil && c.Stderr == nil && body.Exit == nil {
		return nil, b.errorf(f.Line, "case %q expects nothing: give it stdout, stderr or exit", c.Name)
	}
	return c, nil
}

// harnessFor assembles the harness blocks of an exercise into a complete
// Go file: the packages its code uses are imported as for any program.
func (b *builder) harnessFor(blocks []*fence) (*Harness, error) {
	var code strings.Builder
	var pieces []piece
	for _, f := range blocks {
		imports, rest := splitImports(f.Code)
		code.WriteString(imports)
		pieces = append(pieces, piece{line: f.BodyLine + strings.Count(imports, "\n"), text: rest, code: true})
	}
	body, _ := render(b.file, pieces)
	src := pkgMain + code.String() + body
	fset := token.NewFileSet()
	// resolveImports needs the names resolved (no SkipObjectResolution).
	f, err := parser.ParseFile(fset, b.file, src, 0)
	if err != nil {
		return nil, b.errorf(blocks[0].Line, "the harness of exercise %q does not parse: %v", blocks[0].exercise, err)
	}
	var added bytes.Buffer
	if paths := resolveImports(f); len(paths) > 0 {
		added.WriteString("import (\n")
		for _, p := range paths {
			added.WriteString("\t" + strconv.Quote(p) + "\n")
		}
		added.WriteString(")\n")
	}
	return &Harness{File: b.file, Line: blocks[0].Line, Source: pkgMain + added.String() + code.String() + body}, nil
}

// classifyHarness validates harness= on a Go block.
func (f *fence) classifyHarness() error {
	v, ok := f.Attrs["harness"]
	if !ok {
		return nil
	}
	h, err := parseBool("harness", v)
	if err != nil {
		return err
	}
	switch {
	case h && f.exercise == "":
		return fmt.Errorf("harness=true needs exercise=\"NAME\"")
	case h && f.solution:
		return fmt.Errorf("conflicting attributes: harness=true and solution=true on the same block")
	}
	f.harness = h
	return nil
}

// attachCase adds the case fence f to the check of exercise ex (pb is the
// program the fence was attached to).
func (b *builder) attachCase(f *fence, pb *progBuilder, ex *exBuilder) error {
	if ex == nil {
		if f.program == "" && f.exercise == "" && pb == nil {
			return b.errorf(f.Line, "case fence with no exercise above it")
		}
		return b.errorf(f.Line, "case fence for program %q, which is not part of an exercise", pb.name)
	}
	ex.cases++
	c, err := b.parseCase(f, ex.cases)
	if err != nil {
		return err
	}
	t := ex.starter.target
	for _, old := range t.expect.Cases {
		if old.Name == c.Name {
			return b.errorf(f.Line, "exercise %q has two cases named %q (the first is at line %d)", ex.name, c.Name, old.Line)
		}
	}
	t.expect.Cases = append(t.expect.Cases, c)
	return nil
}

// harnesses assembles the harness of every exercise that has one.
func (b *builder) harnesses() error {
	for _, ex := range b.exercises {
		if len(ex.harness) == 0 {
			continue
		}
		uses := false
		for _, c := range ex.starter.target.expect.Cases {
			uses = uses || !c.OwnMain
		}
		if !uses {
			return b.errorf(ex.harness[0].Line, "exercise %q has a harness but no case fence to run it", ex.name)
		}
		h, err := b.harnessFor(ex.harness)
		if err != nil {
			return err
		}
		ex.starter.target.expect.Harness = h
	}
	return nil
}
