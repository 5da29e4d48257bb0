package lessons

import (
	"strconv"
	"time"
)

// Document is one Markdown file after loading: its metadata, its sections,
// the Go programs assembled from its code blocks, and its shell blocks.
type Document struct {
	// File is the path the document was loaded from, as given by the caller
	// (a path inside the fs.FS, or a path on disk). Every error and every
	// source-map entry uses it.
	File string
	// Title comes from front matter (title) or, failing that, the first
	// level-1 heading.
	Title string
	// Weight orders lessons (front matter weight); 0 when absent.
	Weight int
	// Sections lists the document's headings in order.
	Sections []Section
	// Programs are the runnable Go programs, in order of their first
	// visible block.
	Programs []*Program
	// Exercises are the document's exercises, in order of appearance.
	Exercises []*Exercise
	// Shell holds the shell blocks (bash, sh, shell, console), which are
	// recorded but never run.
	Shell []Block
	// Defaults are the page-wide defaults from front matter.
	Defaults Defaults
	// Markdown is the document as read.
	Markdown []byte
}

// Section is one heading of a document.
type Section struct {
	Level int    // 1 for "#", 2 for "##", ...
	Title string // heading text
	Slug  string // GitHub-style anchor
	Line  int    // 1-based line of the heading
	End   int    // 1-based last line of the section (before the next heading of the same or a higher level)
}

// Block is one fenced code block as written in the Markdown.
type Block struct {
	File     string            // document path
	Line     int               // 1-based line of the opening fence
	BodyLine int               // 1-based line of the first line of the body
	Lang     string            // first word of the info string ("go", "bash", "text", ...)
	Attrs    map[string]string // attribute group {key="value" ...}; values as strings
	Hidden   bool              // inside a <!-- workbook --> comment: compiled and run, never shown
	Code     string            // body text, always ending in "\n" unless empty
}

// Mode says what running a program means.
type Mode int

// The modes a program can have.
const (
	ModeRun         Mode = iota // build, run, check expectations (the default)
	ModeCompile                 // build only
	ModeCompileFail             // the build must fail
	ModeSkip                    // neither build nor run
)

// String returns the mode's name as written in the lesson format.
func (m Mode) String() string {
	switch m {
	case ModeCompile:
		return "compile"
	case ModeCompileFail:
		return "compile-fail"
	case ModeSkip:
		return "skip"
	}
	return "run"
}

// Match is how an expected output is compared with the actual output.
type Match string

// The matching modes.
const (
	MatchExact     Match = "exact"     // equal, ignoring trailing newlines at the very end
	MatchGo        Match = "go"        // Go example semantics: strings.TrimSpace on both sides
	MatchUnordered Match = "unordered" // the same lines in any order (Go example "Unordered output" semantics when from a comment)
	MatchWildcard  Match = "wildcard"  // "..." matches any text within a line; a line that is only "..." matches any number of lines
	MatchRegexp    Match = "regexp"    // each expected line is an RE2 regexp matching a whole output line
	MatchContains  Match = "contains"  // every expected line appears in the output, in this order
)

// Output is an expected output stream.
type Output struct {
	Text  string
	Match Match
	// Unordered, when true with MatchWildcard or MatchRegexp, lets the
	// lines match in any order.
	Unordered bool
	File      string // where the expectation is written
	Line      int    // 1-based line of the fence or the comment
}

// Expect is everything a document says a program must do.
type Expect struct {
	Stdout *Output // nil: stdout is not checked
	Stderr *Output // nil: stderr is not checked
	// Exit is the expected exit status (0 unless the document says
	// otherwise). ExitAny accepts any status, ExitNonZero any but 0.
	Exit int
	// CompileError, for ModeCompileFail, is an optional regexp the build
	// error must match.
	CompileError string
	// Until means the program runs until stopped: it passes as soon as
	// the expected stdout has appeared, and is then stopped.
	Until bool
	// Fails, when not nil, is the failure the document shows for the
	// program (a compiler error, a panic, a deadlock, a failing test run
	// in a fence after it, or prose saying it does not compile): the
	// program passes when it fails that way, and fails when it does not.
	Fails *ShownFailure
	// Requires lists what the program must use, each entry a list of
	// alternatives separated by "|": package-level names
	// ("exec.CommandContext", "os/exec.Command") and methods or fields of
	// a type ("exec.Cmd.StdinPipe", "(*os/exec.Cmd).StdinPipe"), matched
	// by meaning (see the lesson format). Used by exercises.
	Requires []string
	// Cases are the runs of an exercise's check with inputs of their own
	// (see Case); Harness, when not nil, replaces the learner's main in
	// those runs.
	Cases   []*Case
	Harness *Harness
}

// FailKind is the kind of failure a document shows.
type FailKind string

// The kinds of shown failures.
const (
	FailsBuild    FailKind = "build"    // a compile error
	FailsPanic    FailKind = "panic"    // a panic
	FailsDeadlock FailKind = "deadlock" // fatal error: all goroutines are asleep - deadlock!
	FailsFatal    FailKind = "fatal"    // another fatal error of the runtime
	FailsTest     FailKind = "test"     // a failing go test run (--- FAIL)
)

// ShownFailure is a failure the document shows for a program.
type ShownFailure struct {
	Kind FailKind
	// Messages are the messages shown (compiler messages without their
	// position, the panic's message, the failing tests' names); empty
	// when only the prose says it (any failure of Kind matches).
	Messages []string
	File     string
	Line     int // the fence or the paragraph that shows it
}

// Special values of Expect.Exit.
const (
	ExitAny     = -1
	ExitNonZero = -2
)

// Program is one runnable Go program assembled from one or more blocks.
type Program struct {
	File string // document path
	// Line is the opening-fence line of the program's first visible block
	// (of its first block when all are hidden).
	Line int
	// Name is the program's name: given by the author or inferred from
	// the heading of its section; unique within a document.
	Name   string
	Blocks []Block // the blocks stitched into it, in order
	// Source is the assembled program: package clause, imports, code,
	// with //line directives mapping every line back to the Markdown.
	Source string
	// Map maps lines of Source back to the Markdown.
	Map SourceMap

	Mode Mode
	// Engine and Timeout are the program's own attributes ("" and 0 when
	// it sets none: the front matter's defaults stay in
	// Document.Defaults). Resolve gives the settings a run uses.
	Engine  string        // "auto", "yaegi", "compiled" or "both"; "" when not set
	Timeout time.Duration // 0 when not set
	Stdin   *string       // nil: no input (/dev/null)
	Expect  Expect
	// Exercise, when not empty, names the exercise this program belongs to;
	// Role says which part it is.
	Exercise string
	Role     Role
	// SkipReason says why a program in ModeSkip is not built: "skip=true"
	// when the author said so, else what makes an inferred program
	// impossible to complete (a signature without a body, an elision,
	// a name no snippet declares, a module the workbook cannot fetch).
	SkipReason string
	// Note, for a program that is built but not run although nothing
	// says mode="compile" (a server, helpers without main, a package
	// that is not main), says why in one line ("a server: built, not
	// run").
	Note string
	// Package is the package clause of a whole file that is not main
	// ("shapes"): the program is built (and vetted) as a package, never
	// executed; "" for main.
	Package string
	// Tests, when not empty, is a test file (package Package, or main,
	// or Package_test) holding Test, Benchmark or Example functions the
	// page shows: the program runs with go test.
	Tests string
	// TestsMap maps the lines of Tests back to the Markdown.
	TestsMap SourceMap
	// ImportPath is the package's import path, as the tests import it
	// ("example.com/shapes" in a shapes_test file); "" for a default.
	ImportPath string
	// BuildExcuse, when not empty, is why a failure to build is the
	// inference's and not the document's: code elided with a "// ..."
	// comment. Such a program that does not build is skipped with this
	// reason instead of failing.
	BuildExcuse string
	// Inferred is true for a program inference made (no program= or
	// exercise= on its blocks).
	Inferred bool
}

// Role is the part a program plays in an exercise.
type Role string

// The roles.
const (
	RoleExample  Role = ""         // an ordinary example
	RoleStarter  Role = "starter"  // the exercise as shipped: must fail its check
	RoleSolution Role = "solution" // the reference solution: must pass
)

// Exercise is a task for the learner: a starter program they edit, a check,
// progressive hints and a reference solution.
type Exercise struct {
	Name     string   // unique within the document
	Title    string   // the heading the exercise sits under
	File     string   // document path
	Line     int      // opening fence of the starter
	Starter  *Program // what the learner starts from
	Solution *Program // the reference solution (nil if none)
	Hints    []string // from nudge to nearly the answer
	Points   int      // what passing it is worth: points=N, 1 when absent
}

// Defaults are page-wide settings from front matter.
type Defaults struct {
	Engine  string
	Timeout time.Duration
	Match   Match
}

// SourceMap maps lines of an assembled program to Markdown lines.
type SourceMap struct {
	// Lines[i] is the Markdown position of line i+1 of Source; a zero
	// Line means the line is synthetic (package clause, imports, added
	// func main).
	Lines []Pos
}

// Pos is a position in a Markdown document.
type Pos struct {
	File string
	Line int
}

// String formats the position as "file.md:line" ("file.md" for line 0), the
// form every report uses.
func (p Pos) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// Lookup returns the Markdown position of 1-based line n of the assembled
// source, and false when the line is synthetic or out of range.
func (m SourceMap) Lookup(n int) (Pos, bool) {
	if n < 1 || n > len(m.Lines) || m.Lines[n-1].Line == 0 {
		return Pos{}, false
	}
	return m.Lines[n-1], true
}
