// Package cli implements the workbook's command line: it dispatches verify,
// help and version itself and hands every other command (and no command at
// all) to the learner's side, package learn.
package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/term"
	"github.com/ppworkbook/workbook/workbook/tui"
)

// Main runs the workbook with args (without the program name) and returns
// the process exit status. It is the one place that reads the process's
// environment and asks whether a stream is a terminal: every command gets
// them from here.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := Env{Getenv: os.Getenv, IsTerminal: term.IsTerminal}
	if exe, err := os.Executable(); err == nil {
		env.Executable = exe
	}
	return run(ctx, args, env, stdin, stdout, stderr)
}

// Env is what the command line reads from its surroundings, so tests can
// set it.
type Env struct {
	Getenv     func(string) string
	IsTerminal func(x any) bool
	// Executable is the running binary ("" when unknown): started through
	// `go run`, suggested commands read "go run . COMMAND".
	Executable string
}

// command splits args into the global flags before the command, the
// command's name and its arguments. ok is false when args do not start
// with global flags and a name (an unknown flag, say): the learner's side
// then reports the problem.
func command(args []string) (g learn.Globals, name string, rest []string, ok bool) {
	g.Color = "auto"
	fs := flag.NewFlagSet("workbook", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.Register(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		return g, "", nil, false
	}
	if n := len(args) - fs.NArg(); n > 0 && args[n-1] == "--" {
		return g, "", nil, false
	}
	return g, fs.Arg(0), fs.Args()[1:], true
}

func run(ctx context.Context, args []string, env Env, stdin io.Reader, stdout, stderr io.Writer) int {
	sys := learn.System{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: env.Getenv, IsTerminal: env.IsTerminal,
		// No command on a terminal: the interactive workbook.
		Executable: env.Executable, UI: tui.Run}
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			return helpCmd(ctx, args[1:], sys)
		case "--version":
			fmt.Fprintln(stdout, "workbook", version())
			return 0
		}
	}
	g, name, rest, ok := command(args)
	if ok {
		switch name {
		case "verify":
			return verifyCmd(ctx, g, rest, env, stdout, stderr)
		case "cache":
			return cacheCmd(rest, env, stdout, stderr)
		case "help":
			return helpCmd(ctx, rest, sys)
		case "version":
			fmt.Fprintln(stdout, "workbook", version())
			return 0
		}
	}
	// The learner's commands read the global flags, wherever they are,
	// themselves.
	return learn.Main(ctx, args, sys)
}

func helpCmd(ctx context.Context, args []string, sys learn.System) int {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			fmt.Fprint(sys.Stdout, verifyUsage)
			return 0
		case "cache":
			fmt.Fprint(sys.Stdout, cacheUsage)
			return 0
		case "version", "help":
		default:
			// The learner's commands document themselves.
			return learn.Main(ctx, append([]string{"help"}, args...), sys)
		}
	}
	fmt.Fprint(sys.Stdout, generalUsage)
	var learner bytes.Buffer
	out := sys
	out.Stdout = &learner
	if status := learn.Main(ctx, []string{"help"}, out); status != 0 {
		return status
	}
	fmt.Fprintf(sys.Stdout, "\n%s", learner.String())
	fmt.Fprint(sys.Stdout, checkingUsage)
	return 0
}

const generalUsage = `workbook: the Processes & Pipes workbook. Lessons on how Go runs processes
and connects them with pipes, whose every example is run and checked.

Usage: workbook [--dir DIR] [--lessons DIR] [--color WHEN] [--sandbox POLICY] [COMMAND] [ARGS]
`

const checkingUsage = `
Checking documents and the workbook itself:

  workbook verify [flags] [PATH...]  run every Go program of Markdown documents and check its output
                                     (the built-in lessons without PATH; "workbook help verify")
  workbook cache [clean]             where compiled programs are cached and their size; clean empties it
  workbook help [COMMAND]            this help, or a command's flags
  workbook version                   print the version
`

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
