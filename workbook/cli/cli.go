// Package cli implements the workbook's command line: it dispatches verify,
// help and version itself and hands every other command (and no command at
// all) to the learner's side, package learn.
package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/ppworkbook/workbook/workbook/learn"
)

// Main runs the workbook with args (without the program name) and returns
// the process exit status.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := Env{Getenv: os.Getenv, IsTerminal: isTerminal}
	return run(ctx, args, env, stdin, stdout, stderr)
}

// Env is what the command line reads from its surroundings, so tests can
// set it.
type Env struct {
	Getenv     func(string) string
	IsTerminal func(w io.Writer) bool
}

func run(ctx context.Context, args []string, env Env, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return verifyCmd(ctx, args[1:], env, stdout, stderr)
		case "cache":
			return cacheCmd(args[1:], env, stdout, stderr)
		case "help", "-h", "-help", "--help":
			return helpCmd(ctx, args[1:], env, stdin, stdout, stderr)
		case "version", "--version":
			fmt.Fprintln(stdout, "workbook", version())
			return 0
		}
	}
	return learn.Main(ctx, args, stdin, stdout, stderr)
}

func helpCmd(ctx context.Context, args []string, env Env, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			fmt.Fprint(stdout, verifyUsage)
			return 0
		case "cache":
			fmt.Fprint(stdout, cacheUsage)
			return 0
		case "version", "help":
		default:
			// The learner's commands document themselves.
			return learn.Main(ctx, append([]string{"help"}, args...), stdin, stdout, stderr)
		}
	}
	fmt.Fprint(stdout, generalUsage)
	var learner bytes.Buffer
	if status := learn.Main(ctx, []string{"help"}, stdin, &learner, stderr); status != 0 {
		return status
	}
	fmt.Fprintf(stdout, "\n%s", learner.String())
	fmt.Fprint(stdout, checkingUsage)
	return 0
}

const generalUsage = `workbook: the Processes & Pipes workbook. Lessons on how Go runs processes
and connects them with pipes, whose every example is run and checked.

Usage: workbook [--dir DIR] [--lessons DIR] [--color WHEN] [COMMAND] [ARGS]
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
