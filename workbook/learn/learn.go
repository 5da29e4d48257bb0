// Package learn is the learner's side of the workbook: reading lessons,
// running examples, doing exercises with hints, progress and watch mode,
// and the teacher's side: grading a class's work directories.
package learn

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/ppworkbook/workbook/content"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/progress"
	"github.com/ppworkbook/workbook/workbook/sandbox"
	"github.com/ppworkbook/workbook/workbook/term"
)

// DefaultWorkDir is the learner's work directory, relative to the current
// directory, when neither --dir nor $WORKBOOK_DIR names one. It is not
// "workbook": run from the workbook's own repository, that is a source
// directory.
const DefaultWorkDir = "workbook-exercises"

// Title is the name of the embedded workbook.
const Title = "The Processes & Pipes workbook"

// Main runs a learner command (args without the program name; empty args
// means the default overview) and returns the exit status: 0 success, 1 a
// check failed or the command could not do its work, 2 a usage error.
// Everything it takes from the process comes through sys. With no
// command, when standard input and output are terminals and sys.UI is
// set, the interactive interface runs instead of the plain overview
// (--color never and NO_COLOR turn its colours off).
func Main(ctx context.Context, args []string, sys System) int {
	prog := invokedAs(sys.Executable, sys.Getenv)
	env := environment{
		Stdin:         sys.Stdin,
		Stdout:        asInvoked(sys.Stdout, prog),
		Stderr:        asInvoked(sys.Stderr, prog),
		Prog:          prog,
		WorkDir:       sys.Getenv("WORKBOOK_DIR"),
		LessonsDir:    sys.Getenv("WORKBOOK_LESSONS"),
		NoColor:       term.NoColor(sys.Getenv),
		CacheMax:      sys.Getenv(engine.CacheMaxEnv),
		SandboxStrict: sandbox.StrictFromEnv(sys.Getenv),
		Terminal:      sys.IsTerminal(sys.Stdout),
		Interactive:   sys.IsTerminal(sys.Stdin),
		Width:         terminalWidth(sys.Stdout, sys.Getenv),
		RawStdout:     sys.Stdout,
		Editor:        editorFrom(sys.Getenv),
		Now:           time.Now,
		UI:            sys.UI,
	}
	return run(ctx, env, args)
}

// System is what the learner's commands take from the process they run
// in: the standard streams, the environment and the terminal check. The
// command line fills it once (package cli).
type System struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	IsTerminal     func(any) bool
	// Executable is the running binary's path ("" when unknown): started
	// through `go run`, the commands suggested read "go run . COMMAND".
	Executable string
	// UI, when not nil, is the interactive interface (package tui).
	UI UI
}

// environment is everything a command takes from outside: Main fills it from
// the process, tests fill it themselves.
type environment struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	WorkDir        string // $WORKBOOK_DIR
	LessonsDir     string // $WORKBOOK_LESSONS
	NoColor        bool   // the environment asks for no colour (term.NoColor)
	CacheMax       string // $WORKBOOK_CACHE_MAX: the compiled-program cache's cap
	SandboxStrict  bool   // $WORKBOOK_SANDBOX=strict: a missing protection fails the run (--sandbox overrides it)
	Terminal       bool   // stdout is a terminal: colour by default
	Interactive    bool   // stdin is a terminal: questions may be asked
	Width          int    // columns for reading lessons
	Editor         string // $VISUAL, else $EDITOR: the learner's editor command
	Now            func() time.Time
	// Location is the time zone times are shown in; time.Local when nil.
	Location *time.Location
	// Lessons, when not nil, replaces the embedded lessons (tests).
	Lessons fs.FS
	// Checker, when not nil, replaces the real engines (tests).
	Checker Checker
	// Debounce, when not zero, replaces watch's quiet time (tests).
	Debounce time.Duration
	// Prog is how the learner runs the workbook ("workbook", "go run ."):
	// the commands it suggests are written that way.
	Prog string
	// RawStdout is the standard output itself (the interactive
	// interface draws on it); Stdout when nil.
	RawStdout io.Writer
	// UI, when not nil, runs with no command on a terminal.
	UI UI
}

// terminalWidth is the width lessons are laid out for: the terminal's (or
// $COLUMNS), at most 100 columns; 80 when unknown.
func terminalWidth(stdout io.Writer, getenv func(string) string) int {
	if n, ok := windowWidth(stdout); ok {
		return min(n, 100)
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return min(n, 100)
	}
	return 80
}

// usageErr is a mistake in the command line (exit status 2).
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

func isUsage(err error) bool {
	var u *usageErr
	return errors.As(err, &u)
}

// errSilent is returned when the command has already said why it failed
// (a failed check): exit status 1 and nothing more printed.
var errSilent = errors.New("failed")

// app is one command's context: the parsed global flags and what they lead to.
type app struct {
	env     environment
	ctx     context.Context
	p       palette
	colour  bool
	lessons string // --lessons
	dir     workDir
	cat     *catalog
	store   progress.Store
	// cmd is the command's name ("" for the interactive workbook), as
	// the sandbox's refusal names it.
	cmd string
	// strict: a missing protection of the sandbox is a hard failure
	// (--sandbox, else $WORKBOOK_SANDBOX).
	strict bool
	// sandboxOnce makes the sandbox's line and refusal come once per
	// command, however many checkers it starts.
	sandboxOnce sync.Once
	sandboxErr  error
}

// command is one learner command.
type command struct {
	name  string
	args  string // synopsis of the arguments
	short string
	flags func(fs *flag.FlagSet, o *cmdOpts)
	run   func(a *app, o *cmdOpts, args []string) error
}

// cmdOpts holds every command's own flags.
type cmdOpts struct {
	all, yes, verbose bool
	jsonOut, csvOut   string
	jobs              int
	grading           gradeOpts
	checkJSON         bool
	title             string
}

func commands() []command {
	return []command{
		{name: "overview", short: "the workbook, your progress and what to do next (the default)", run: cmdOverview},
		{name: "list", short: "lessons and their exercises with status", run: cmdList},
		{name: "read", args: "LESSON", short: "read a lesson (by number or name)", run: cmdRead},
		{name: "run", args: "LESSON [PROGRAM]", short: "run a lesson's examples and check them", run: cmdRun},
		{name: "try", args: "LESSON PROGRAM", short: "copy an example into the playground and run it on every save", run: cmdTry},
		{name: "init", short: "write the exercises into the work directory (never overwrites)", run: cmdInit},
		{name: "check", args: "[EXERCISE]", short: "check your program (default: the first exercise not done)", run: cmdCheck,
			flags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.all, "all", false, "check every exercise")
				fs.BoolVar(&o.checkJSON, "json", false, "print the results as JSON (for CI); progress is left unchanged")
			}},
		{name: "hint", args: "[EXERCISE]", short: "show the next hint", run: cmdHint,
			flags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.all, "all", false, "show every hint")
			}},
		{name: "solution", args: "EXERCISE", short: "show the reference solution (once the exercise is done)", run: cmdSolution},
		{name: "reset", args: "EXERCISE", short: "restore the starter (your file is kept as a backup)", run: cmdReset,
			flags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.yes, "yes", false, "do not ask for confirmation")
			}},
		{name: "watch", short: "re-check the current exercise on every save", run: cmdWatch},
		{name: "progress", short: "exercises done and hints used", run: cmdProgress},
		{name: "grade", args: "STUDENT_DIR...", short: "teacher: check every student's work and export the grades", run: cmdGrade,
			flags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.StringVar(&o.jsonOut, "json", "", "write the grades as JSON to `FILE` (- for standard output)")
				fs.StringVar(&o.csvOut, "csv", "", "write the grades as CSV to `FILE` (- for standard output)")
				fs.IntVar(&o.jobs, "jobs", 0, "how many programs to check at once (default: the number of CPUs)")
				fs.BoolVar(&o.verbose, "v", false, "print the reason of every failure")
				o.grading.register(fs)
			}},
		newCommand(),
		classroomCommand(),
	}
}

// Globals are the global flags, accepted before a command's name and after
// it, by every command: the command line (package cli) reads them with
// Register too. Sandbox is the sandbox policy of the commands that run
// programs ("" when not given: $WORKBOOK_SANDBOX decides).
type Globals struct {
	Lessons, Dir, Color, Sandbox string
}

// Register adds the global flags to fs, with g's values as defaults.
func (g *Globals) Register(fs *flag.FlagSet) {
	fs.StringVar(&g.Lessons, "lessons", g.Lessons, "use the lessons in `DIR` instead of the built-in ones (default $WORKBOOK_LESSONS)")
	fs.StringVar(&g.Dir, "dir", g.Dir, "your work directory `DIR` (default ./"+DefaultWorkDir+", or $WORKBOOK_DIR)")
	fs.StringVar(&g.Color, "color", g.Color, "colour: auto, always or never")
	fs.StringVar(&g.Sandbox, "sandbox", g.Sandbox, SandboxUsage)
}

// parseInterspersed parses flags anywhere among the arguments and returns
// the others; everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if consumed := len(args) - len(left); consumed > 0 && args[consumed-1] == "--" {
			return append(rest, left...), nil
		}
		if len(left) == 0 {
			return rest, nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

func run(ctx context.Context, env environment, args []string) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	g := Globals{Color: "auto", Lessons: env.LessonsDir}
	top := flag.NewFlagSet("workbook", flag.ContinueOnError)
	top.SetOutput(env.Stderr)
	top.Usage = func() {
		fmt.Fprint(env.Stderr, "usage: workbook [--dir DIR] [--lessons DIR] [--color WHEN] [--sandbox POLICY] [COMMAND] [ARGS]  (run `workbook help`)\n")
	}
	g.Register(top)
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	args = top.Args()
	if len(args) == 0 && env.UI != nil && env.Terminal && env.Interactive {
		return runUI(ctx, env, g)
	}
	name := "overview"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		return help(env.Stdout, env.Stderr, args)
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = &c
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "workbook: unknown command %q (run `workbook help`)\n", name)
		return 2
	}
	var o cmdOpts
	flags := flag.NewFlagSet("workbook "+cmd.name, flag.ContinueOnError)
	flags.SetOutput(env.Stderr)
	g.Register(flags)
	if cmd.flags != nil {
		cmd.flags(flags, &o)
	}
	flags.Usage = func() {} // the flag package has printed the error; see below
	rest, err := parseInterspersed(flags, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return help(env.Stdout, env.Stderr, []string{cmd.name})
		}
		fmt.Fprintf(env.Stderr, "usage: %s  (run `workbook help %s` for the flags)\n", strings.TrimSpace("workbook "+cmd.name+" [flags] "+cmd.args), cmd.name)
		return 2
	}
	a, err := newApp(ctx, env, g)
	if err != nil {
		fmt.Fprintf(env.Stderr, "workbook: %v\n", err)
		if isUsage(err) {
			return 2
		}
		return 1
	}
	a.cmd = cmd.name
	err = cmd.run(a, &o, rest)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errSilent):
		return 1
	case errors.Is(err, ErrSandboxRefused):
		return 2 // SandboxSetup has said why
	case isUsage(err):
		fmt.Fprintf(env.Stderr, "workbook %s: %v\nusage: workbook %s %s\n", cmd.name, err, cmd.name, cmd.args)
		return 2
	}
	fmt.Fprintf(env.Stderr, "workbook %s: %v\n", cmd.name, err)
	return 1
}

// help prints the learner's commands, or one command's usage.
func help(stdout, stderr io.Writer, args []string) int {
	if len(args) > 0 && args[0] != "learn" {
		for _, c := range commands() {
			if c.name != args[0] {
				continue
			}
			var o cmdOpts
			g := Globals{Color: "auto"}
			flags := flag.NewFlagSet("workbook "+c.name, flag.ContinueOnError)
			flags.SetOutput(stdout)
			g.Register(flags)
			if c.flags != nil {
				c.flags(flags, &o)
			}
			fmt.Fprintf(stdout, "usage: workbook %s [flags] %s\n\n%s.\n\nflags:\n", c.name, c.args, upperFirst(c.short))
			flags.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "workbook help: unknown command %q\n", args[0])
		return 2
	}
	fmt.Fprint(stdout, "Learner commands (flags --dir DIR, --lessons DIR, --color WHEN and --sandbox POLICY work with all of them):\n\n")
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		name := c.name
		if name == "overview" {
			name = ""
		}
		fmt.Fprintf(tw, "  workbook %s %s\t%s\n", name, c.args, c.short)
	}
	tw.Flush()
	fmt.Fprint(stdout, "\nThe work directory is ./"+DefaultWorkDir+" unless --dir or $WORKBOOK_DIR says otherwise;\nthe lessons are the built-in ones unless --lessons or $WORKBOOK_LESSONS says otherwise.\n\"workbook help COMMAND\" shows a command's flags.\n")
	return 0
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// usageError returns a usage error.
func usageError(format string, args ...any) error {
	return &usageErr{msg: fmt.Sprintf(format, args...)}
}

func newApp(ctx context.Context, env environment, g Globals) (*app, error) {
	a := &app{env: env, ctx: ctx, lessons: g.Lessons}
	colour, err := term.Colour(g.Color, env.Terminal, env.NoColor)
	if err != nil {
		return nil, usageError("--color must be auto, always or never, not %q", g.Color)
	}
	a.colour = colour
	a.p = newPalette(a.colour)
	if a.strict, err = SandboxStrict(g.Sandbox, env.SandboxStrict); err != nil {
		return nil, usageError("%v", err)
	}
	dir := g.Dir
	if dir == "" {
		dir = env.WorkDir
	}
	if dir == "" {
		dir = DefaultWorkDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	a.dir = workDir{Dir: abs, Prog: env.Prog}
	a.store = progress.Store{Dir: abs, Now: env.Now}
	fsys, title := env.Lessons, Title
	switch {
	case g.Lessons != "":
		fi, err := os.Stat(g.Lessons)
		if err != nil {
			return nil, fmt.Errorf("--lessons: %w", err)
		}
		if !fi.IsDir() {
			return nil, usageError("--lessons %s is not a directory", g.Lessons)
		}
		fsys = os.DirFS(g.Lessons)
		title = filepath.Base(filepath.Clean(g.Lessons))
		if abs, err := filepath.Abs(g.Lessons); err == nil {
			title = filepath.Base(abs)
		}
	case fsys == nil:
		fsys = content.FS()
	}
	cat, err := loadCatalog(fsys, title)
	if err != nil {
		return nil, fmt.Errorf("loading the lessons: %w", err)
	}
	a.cat = cat
	return a, nil
}

// out prints to standard output.
func (a *app) out(format string, args ...any) { fmt.Fprintf(a.env.Stdout, format, args...) }

// raw is standard output as it is, without the rewriting of suggested
// commands for `go run` (see asInvoked): for a program's own output and for
// machine-readable reports (JSON, CSV, JUnit, workflows), which must reach
// the reader byte for byte.
func (a *app) raw() io.Writer {
	if a.env.RawStdout != nil {
		return a.env.RawStdout
	}
	return a.env.Stdout
}

// warn prints a warning to standard error.
func (a *app) warn(format string, args ...any) {
	fmt.Fprintf(a.env.Stderr, "workbook: "+format+"\n", args...)
}

// loadProgress loads the progress file, reporting (not failing on) a
// corrupt one.
func (a *app) loadProgress() (*progress.State, error) {
	s, err := a.store.Load()
	var ce *progress.CorruptError
	if errors.As(err, &ce) {
		a.warn("%v", err)
		return s, nil
	}
	return s, err
}

// updateProgress changes the progress file.
func (a *app) updateProgress(fn func(*progress.State) error) (*progress.State, error) {
	s, err := a.store.Update(fn)
	var ce *progress.CorruptError
	if errors.As(err, &ce) {
		a.warn("%v", err)
		return s, nil
	}
	return s, err
}

// checker returns the Checker to use and a function releasing it. The
// directories of hide are hidden from every program it runs (grading: the
// students' directories), on top of the sandbox's defaults.
func (a *app) checker(hide ...string) (Checker, func(), error) {
	if a.env.Checker != nil {
		return a.env.Checker, func() {}, nil
	}
	if err := a.sandboxReady(); err != nil {
		return nil, nil, err
	}
	c, err := newEngineChecker(a.colour, a.env.CacheMax, engine.Sandbox{Hide: hide, Strict: a.strict})
	if err != nil {
		return nil, nil, err
	}
	return c, func() { c.Close() }, nil
}

// sandboxReady is the sandbox's set-up of a command that runs programs,
// done once before the first program (SandboxSetup): the line saying
// which protections are missing here, and ErrSandboxRefused when a strict
// policy finds one missing. A test's Checker runs nothing: no set-up.
func (a *app) sandboxReady() error {
	if a.env.Checker != nil {
		return nil
	}
	a.sandboxOnce.Do(func() { a.sandboxErr = SandboxSetup(a.cmd, a.strict, a.env.Stderr) })
	return a.sandboxErr
}

// rel returns path relative to the current directory when that is shorter.
func rel(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	r, err := filepath.Rel(wd, path)
	if err != nil || strings.HasPrefix(r, "..") {
		return path
	}
	return r
}

// editorFrom is the learner's editor command: $VISUAL, else $EDITOR.
func editorFrom(getenv func(string) string) string {
	if v := getenv("VISUAL"); v != "" {
		return v
	}
	return getenv("EDITOR")
}
