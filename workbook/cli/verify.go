package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/ppworkbook/workbook/content"
	"github.com/ppworkbook/workbook/internal/atomicfile"
	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/sandbox"
	"github.com/ppworkbook/workbook/workbook/term"
	"github.com/ppworkbook/workbook/workbook/verify"
)

const verifyUsage = `Usage: workbook verify [flags] [PATH...]

Runs every Go program of the lessons and checks it against what its document
expects. PATH is a Markdown file (whatever its name) or a directory (searched
recursively for *.md, *.markdown and *.mdx); with no PATH, the lessons built
into the workbook are verified.
Flags and paths may come in any order; the global flags (--color, --lessons,
--sandbox, --dir) may also come before "verify".

Flags:
  -j N            run N programs at once (default: 4 per CPU; most programs wait)
  --run REGEXP    only the programs whose name matches REGEXP
  --engine E      auto, yaegi, compiled or both, unless a program names its own (default auto)
  --timeout D     timeout of programs that set none (default 10s)
  --count N       run each program N times; all N runs must pass (default 1)
  --list          list the programs without running them
  --json          print one JSON report on stdout (with --list: the programs)
  --junit FILE    also write a JUnit XML report to FILE
  --shard K/N     only the K-th of N parts (1-based), for CI matrices
  --color WHEN    auto, always or never (default auto: on for a terminal, off with NO_COLOR)
  --lessons DIR   with no PATH: the documents of DIR instead of the built-in lessons
` + sandboxUsage + `  -h, --help      show this help

Exit status: 0 when nothing failed, 1 when a program failed, 2 for usage
errors and documents that cannot be read.
`

// verifyShortUsage follows a usage error.
const verifyShortUsage = "usage: workbook verify [flags] [PATH...]  (run `workbook verify -h` for the flags)\n"

// verifyFlags are the parsed flags of workbook verify.
type verifyFlags struct {
	jobs    int
	run     string
	engine  string
	timeout time.Duration
	list    bool
	json    bool
	junit   string
	shard   string
	count   int
	paths   []string
	given   []string // the flags set on the command line
	// Globals: --color WHEN, --lessons DIR (the documents to verify
	// when no PATH is given), --sandbox POLICY and --dir, the learner's
	// work directory, accepted like every command accepts it and not
	// used by verify.
	learn.Globals
}

// commandLine is the run settings the command line gives: only those set
// explicitly, so that a program's document can set the others.
func (f *verifyFlags) commandLine() lessons.CommandLine {
	var cl lessons.CommandLine
	if slices.Contains(f.given, "engine") {
		cl.Engine = f.engine
	}
	if slices.Contains(f.given, "timeout") {
		cl.Timeout = f.timeout
	}
	return cl
}

// parseVerify parses verify's arguments; g are the global flags given
// before the command, which those after it override.
func parseVerify(args []string, g learn.Globals) (*verifyFlags, error) {
	f := &verifyFlags{Globals: g}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&f.jobs, "j", verify.DefaultJobs(), "")
	fs.StringVar(&f.run, "run", "", "")
	// The defaults are shown in the usage; a setting not given on the
	// command line comes from the program, its document or the built-in
	// default (lessons.Resolve), see commandLine.
	fs.StringVar(&f.engine, "engine", lessons.DefaultEngine, "")
	fs.DurationVar(&f.timeout, "timeout", lessons.DefaultTimeout, "")
	fs.BoolVar(&f.list, "list", false, "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.junit, "junit", "", "")
	fs.StringVar(&f.shard, "shard", "", "")
	f.Globals.Register(fs)
	fs.IntVar(&f.count, "count", 1, "")
	// Flags may come after paths: parse, take a path, parse again.
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			f.paths = append(f.paths, args[1:]...)
			break
		}
		f.paths = append(f.paths, args[0])
		args = args[1:]
	}
	fs.Visit(func(fl *flag.Flag) { f.given = append(f.given, fl.Name) })
	switch f.engine {
	case engine.Auto, engine.Yaegi, engine.Compiled, engine.Both:
	default:
		return nil, fmt.Errorf("bad --engine %q: want auto, yaegi, compiled or both", f.engine)
	}
	if _, err := term.Colour(f.Color, false, false); err != nil {
		return nil, err
	}
	if _, err := sandbox.ParsePolicy(f.Sandbox); err != nil {
		return nil, err
	}
	if f.jobs < 1 {
		return nil, fmt.Errorf("bad -j %d: want at least 1", f.jobs)
	}
	if f.count < 1 {
		return nil, fmt.Errorf("bad --count %d: want at least 1", f.count)
	}
	if f.timeout <= 0 {
		return nil, fmt.Errorf("bad --timeout %v: want a positive duration", f.timeout)
	}
	return f, nil
}

// colour decides, once, whether output to w is coloured (see term.Colour).
func colour(when string, w io.Writer, env Env) bool {
	on, _ := term.Colour(when, env.IsTerminal(w), term.NoColor(env.Getenv))
	return on
}

func verifyCmd(ctx context.Context, g learn.Globals, args []string, env Env, stdout, stderr io.Writer) int {
	f, err := parseVerify(args, g)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, verifyUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "workbook verify: %v\n%s", err, verifyShortUsage)
		return 2
	}
	sel := verify.Selection{}
	if f.run != "" {
		re, err := regexp.Compile(f.run)
		if err != nil {
			fmt.Fprintf(stderr, "workbook verify: bad --run: %v\n%s", err, verifyShortUsage)
			return 2
		}
		sel.Run = re
	}
	if f.shard != "" {
		if sel.Shard, sel.Shards, err = verify.ParseShard(f.shard); err != nil {
			fmt.Fprintf(stderr, "workbook verify: %v\n%s", err, verifyShortUsage)
			return 2
		}
	}

	// The sandbox's shared set-up is made while the documents load
	// (not for a list: it runs nothing).
	if !f.list {
		defer sandbox.Prepare()()
	}

	var docs []*lessons.Document
	switch {
	case len(f.paths) == 0 && f.Lessons != "":
		docs, err = lessons.LoadPaths([]string{f.Lessons})
	case len(f.paths) == 0:
		docs, err = lessons.LoadFS(content.FS())
	default:
		docs, err = lessons.LoadPaths(f.paths)
	}
	if err != nil {
		printLoadErrors(stderr, err)
		return 2
	}
	items := verify.Select(docs, sel)
	cl := f.commandLine()

	if f.list {
		if f.json {
			if err := verify.WriteListJSON(stdout, items, cl.Engine); err != nil {
				fmt.Fprintf(stderr, "workbook verify: %v\n", err)
				return 2
			}
			return 0
		}
		verify.WriteList(stdout, items, cl.Engine)
		return 0
	}

	useColour := colour(f.Color, stdout, env)
	pal := term.NewPalette(useColour)
	box, ok := sandboxSetup("verify", f.Sandbox, env, stderr)
	if !ok {
		return 2
	}
	cacheMax, err := engine.ParseCacheMax(env.Getenv(engine.CacheMaxEnv))
	if err != nil {
		fmt.Fprintf(stderr, "workbook verify: $%s: %v\n", engine.CacheMaxEnv, err)
		return 2
	}
	runner, err := engine.New(engine.Options{Warm: min(f.jobs, childRuns(items, cl.Engine)*f.count), Sandbox: box,
		CacheMax: cacheMax, Offline: offline(items)})
	if err != nil {
		fmt.Fprintf(stderr, "workbook verify: %v\n", err)
		return 2
	}
	defer runner.Close()

	opts := verify.Options{Engine: cl.Engine, Timeout: cl.Timeout, Jobs: f.jobs, Colour: useColour, Count: f.count,
		OnDisk: len(f.paths) > 0 || f.Lessons != ""}

	// The duration history only orders the work: without it (no cache
	// directory, a corrupt file) verify runs the same, in another order.
	// When every run starts at once there is nothing to order, and a small
	// verify (a watch loop, a single page) skips reading and writing it.
	if path, err := historyPath(env); err == nil && len(items)*f.count > f.jobs {
		opts.History, _ = verify.OpenHistory(path)
	}
	var report func(verify.Result)
	var progress *verify.Progress
	switch {
	case f.json:
		// Nothing while running: the JSON report comes at the end.
	case env.IsTerminal(stdout):
		progress = verify.NewProgress(stdout, len(items), pal)
		report = progress.Result
	default:
		report = func(r verify.Result) { verify.WriteLine(stdout, r, pal) }
	}
	results := verify.Run(ctx, runner, items, opts, report)
	if progress != nil {
		progress.Done()
	}
	counts := verify.Count(results)
	_ = opts.History.Save() // best effort, as above

	status := 0
	if counts.Failed > 0 {
		status = 1
	}
	summaryTo := stdout
	if f.json {
		if err := verify.WriteJSON(stdout, results); err != nil {
			fmt.Fprintf(stderr, "workbook verify: %v\n", err)
			status = 2
		}
		summaryTo = stderr
	}
	if env.Getenv("GITHUB_ACTIONS") == "true" {
		verify.WriteAnnotations(summaryTo, results)
	}
	if f.junit != "" {
		if err := writeJUnit(f.junit, results); err != nil {
			fmt.Fprintf(stderr, "workbook verify: %v\n", err)
			status = 2
		}
	}
	if s := verify.SkipSummary(results); s != "" {
		fmt.Fprintln(summaryTo, s)
	}
	fmt.Fprintln(summaryTo, counts)
	if ctx.Err() != nil && status == 0 {
		status = 1
	}
	return status
}

// historyPath is verify's duration history under the user cache directory
// of env (os.UserCacheDir's rules: $XDG_CACHE_HOME, else $HOME/.cache).
func historyPath(env Env) (string, error) {
	dir := env.Getenv("XDG_CACHE_HOME")
	if dir == "" {
		home := env.Getenv("HOME")
		if home == "" {
			return "", errors.New("neither $XDG_CACHE_HOME nor $HOME is set")
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, filepath.FromSlash(verify.HistoryFile)), nil
}

// printLoadErrors prints every document problem on its own line; they read
// "file.md:line: message".
func printLoadErrors(w io.Writer, err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var le *lessons.Error
		if errors.As(e, &le) {
			fmt.Fprintln(w, le.Error())
			continue
		}
		fmt.Fprintf(w, "workbook verify: %v\n", e)
	}
}

// writeJUnit writes the JUnit report atomically.
func writeJUnit(path string, results []verify.Result) error {
	var b bytes.Buffer
	if err := verify.WriteJUnit(&b, results); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("JUnit report: %w", err)
	}
	return nil
}

// childRuns is how many of the items' runs may need a pre-started sandbox
// child (see engine.NeedsChild), with the command line's engine cl.
// offline reports whether every program of items is offline
// (engine.Offline): the sandbox children then need no network namespace.
func offline(items []verify.Item) bool {
	for _, it := range items {
		if it.Program.Mode != lessons.ModeSkip && !engine.Offline(it.Program) {
			return false
		}
	}
	return true
}

func childRuns(items []verify.Item, cl string) int {
	n := 0
	for _, it := range items {
		if engine.NeedsChild(it.Settings(verify.Options{Engine: cl})) {
			n++
		}
	}
	return n
}
