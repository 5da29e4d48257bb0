package cli

import (
	"fmt"
	"io"

	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// sandboxUsage is the help line of --sandbox, shared by the commands that
// run programs.
const sandboxUsage = "  --sandbox P     strict: fail when a protection of the sandbox is missing; best-effort (default) says so once\n"

// sandboxSetup applies the sandbox policy of a command that runs
// programs: --sandbox (policy) or WORKBOOK_SANDBOX=strict. It prints, once
// on stderr, the line saying which protections are missing, if any, and
// returns the engine's sandbox settings; ok is false when a strict policy
// finds a protection missing (the command then exits with status 2).
func sandboxSetup(cmd, policy string, env Env, stderr io.Writer) (box engine.Sandbox, ok bool) {
	strict, err := sandbox.ParsePolicy(policy)
	if err != nil {
		fmt.Fprintf(stderr, "workbook %s: %v\n", cmd, err)
		return box, false
	}
	strict = strict || sandbox.StrictFromEnv(env.Getenv)
	report := sandbox.Predict()
	if !report.Full() {
		fmt.Fprintln(stderr, report.Line())
		if strict {
			fmt.Fprintf(stderr, "workbook %s: --sandbox strict: refusing to run programs without every protection\n", cmd)
			return box, false
		}
	}
	return engine.Sandbox{Strict: strict}, true
}
