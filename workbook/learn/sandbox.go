package learn

import (
	"errors"
	"fmt"
	"io"

	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// SandboxUsage is the help of the global flag --sandbox.
const SandboxUsage = "sandbox `POLICY` of the commands that run programs: strict fails when a protection is missing, best-effort (the default) says so once (default $WORKBOOK_SANDBOX)"

// ErrSandboxRefused is the error of a command that refused to run programs
// because a strict sandbox policy found a protection missing (exit status
// 2); SandboxSetup has already said so on stderr.
var ErrSandboxRefused = errors.New("--sandbox strict: refusing to run programs without every protection")

// SandboxStrict decides the sandbox policy of a command from its --sandbox
// flag (policy, "" when not given) and whether the environment asks for a
// strict one (envStrict, sandbox.StrictFromEnv): the flag, when given,
// overrides $WORKBOOK_SANDBOX. A policy other than strict or best-effort
// is an error.
func SandboxStrict(policy string, envStrict bool) (strict bool, err error) {
	strict, err = sandbox.ParsePolicy(policy)
	if err != nil || policy != "" {
		return strict, err
	}
	return envStrict, nil
}

// SandboxSetup is what every command that runs programs does once, before
// running any: it prints on stderr the one line saying which protections
// of the sandbox are missing here, if any, and, when strict, refuses
// (ErrSandboxRefused, after a line naming cmd) to go on without them.
func SandboxSetup(cmd string, strict bool, stderr io.Writer) error {
	report := sandbox.Predict()
	if report.Full() {
		return nil
	}
	fmt.Fprintln(stderr, report.Line())
	if strict {
		name := "workbook"
		if cmd != "" {
			name += " " + cmd
		}
		fmt.Fprintf(stderr, "%s: %v\n", name, ErrSandboxRefused)
		return ErrSandboxRefused
	}
	return nil
}
