// Package cli implements the workbook's command line: it dispatches verify,
// help and version itself and hands every other command (and no command at
// all) to the learner's side, package learn.
package cli

import (
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
		case "version", "help":
		default:
			// The learner's commands document themselves.
			return learn.Main(ctx, append([]string{"help"}, args...), stdin, stdout, stderr)
		}
	}
	fmt.Fprint(stdout, generalUsage)
	return 0
}

const generalUsage = `workbook: the Processes & Pipes workbook

Usage:
  workbook                 start (or continue) the lessons
  workbook COMMAND [ARGS]  run a learner command (see "workbook help learn")
  workbook verify [PATH]   prove that every program of the lessons still works
  workbook help [COMMAND]  show help
  workbook version         print the version
`

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
