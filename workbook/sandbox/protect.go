package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The protections a run can have, as Result.Protections, Report and the
// visible line name them (docs/sandbox.md has the table of what each one
// stops and what happens without it).
const (
	ProtPIDs         = "own processes"     // PID namespace: no other process visible, none survives the run
	ProtPrivateTmp   = "private /tmp"      // a tmpfs of the run's own on /tmp
	ProtReadOnly     = "read-only system"  // everything read-only but the run directory and /tmp
	ProtHidden       = "hidden homes"      // /root, /home, $HOME, the workbook's cache and Spec.Hide hidden
	ProtNetwork      = "no network"        // own network namespace, loopback only
	ProtProc         = "private /proc"     // a /proc of the run's PID namespace only
	ProtDevices      = "no devices"        // a /dev with null, zero, full, random, urandom and tty only
	ProtCapabilities = "no privileges"     // no capabilities, no_new_privs
	ProtLandlock     = "landlock"          // without namespaces: Landlock limits writes and hides the homes
	ProtDocDir       = "document's folder" // not a protection: the document's folder under the run's working directory
)

// allProtections are the protections of a fully isolated run, in the
// order the visible line gives them.
var allProtections = []string{ProtPIDs, ProtPrivateTmp, ProtReadOnly, ProtHidden, ProtNetwork,
	ProtProc, ProtDevices, ProtCapabilities}

// envPolicy, in the workbook's environment, set to "strict", makes every
// missing protection a hard failure (as --sandbox strict does).
const envPolicy = "WORKBOOK_SANDBOX"

// Report says which protections runs get here and which they lack.
type Report struct {
	Active  []string
	Missing []string // "protection (why)"
}

// Full reports whether no protection is missing.
func (r Report) Full() bool { return len(r.Missing) == 0 }

// Line is the one line the workbook prints about the sandbox.
func (r Report) Line() string {
	if r.Full() {
		return "sandbox: " + strings.Join(r.Active, ", ")
	}
	active := "none"
	if len(r.Active) > 0 {
		active = strings.Join(r.Active, ", ")
	}
	return fmt.Sprintf("sandbox: active: %s; NOT active: %s", active, strings.Join(r.Missing, ", "))
}

// StrictFromEnv reports whether the environment asks for a strict
// sandbox (WORKBOOK_SANDBOX=strict).
func StrictFromEnv(getenv func(string) string) bool {
	return getenv(envPolicy) == "strict"
}

// ParsePolicy checks the value of a --sandbox flag: "strict" (every
// missing protection is a hard failure) or "best-effort" (the default:
// missing protections are said once, and the runs go on).
func ParsePolicy(v string) (strict bool, err error) {
	switch v {
	case "strict":
		return true, nil
	case "", "best-effort":
		return false, nil
	}
	return false, fmt.Errorf("--sandbox %q: want strict or best-effort", v)
}

// ErrNotStrict is the error of a run that lacks a protection while the
// spec asked for all of them (Spec.Strict).
var ErrNotStrict = errors.New("sandbox: --sandbox strict: a protection is missing")

// DefaultHidden returns the directories hidden from every run: the homes
// (/root, /home and the invoking user's $HOME wherever it is) and the
// workbook's own cache (binaries, durations) and configuration.
func DefaultHidden() []string {
	hide := []string{"/root", "/home"}
	if home := os.Getenv("HOME"); home != "" && filepath.IsAbs(home) && filepath.Clean(home) != "/" {
		hide = append(hide, filepath.Clean(home))
	}
	if cache, err := os.UserCacheDir(); err == nil && filepath.IsAbs(cache) {
		hide = append(hide, filepath.Join(cache, "ppworkbook"))
	}
	if config, err := os.UserConfigDir(); err == nil && filepath.IsAbs(config) {
		hide = append(hide, filepath.Join(config, "ppworkbook"))
	}
	return outermost(hide)
}

// outermost returns the directories of dirs that lie in no other of
// them, in their order: hiding those hides the rest (one mount each).
func outermost(dirs []string) []string {
	var out []string
	for i, d := range dirs {
		inner := false
		for j, o := range dirs {
			if i != j && within(d, o) && (d != o || j < i) {
				inner = true
				break
			}
		}
		if !inner {
			out = append(out, d)
		}
	}
	return out
}

// runtimeDirs are hidden from every run that has a mount namespace: they
// hold the sockets of the machine's services (a database, D-Bus, a
// container daemon), which a read-only mount does not stop a program from
// connecting to.
var runtimeDirs = []string{"/run", "/var/run"}

// missingOf returns the protections of allProtections not in active.
func missingOf(active []string, why string) []string {
	var missing []string
	for _, p := range allProtections {
		found := false
		for _, a := range active {
			found = found || a == p
		}
		if !found {
			missing = append(missing, p+" ("+why+")")
		}
	}
	return missing
}

// within reports whether path is dir or lies under it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// hidden reports whether path lies in one of the directories of hide.
func hidden(path string, hide []string) bool {
	for _, h := range hide {
		if h != "" && within(path, h) {
			return true
		}
	}
	return false
}

// lackOf turns the error of a protection that could not be set up
// ("protection: why") into an entry of Result.Missing ("protection (why)").
func lackOf(err error) string {
	prot, why, ok := strings.Cut(err.Error(), ": ")
	if !ok {
		return err.Error()
	}
	return prot + " (" + why + ")"
}

// nameOf returns the protection an entry of Result.Missing is about.
func nameOf(missing string) string {
	name, _, _ := strings.Cut(missing, " (")
	return name
}

// protectionsMissing returns the entries of missing that are about
// protections (not about the document's folder, which is a service).
func protectionsMissing(missing []string) []string {
	var out []string
	for _, m := range missing {
		if nameOf(m) != ProtDocDir {
			out = append(out, m)
		}
	}
	return out
}

// strictError is the error of a strict run that lacks the protections
// of missing.
func strictError(missing []string) error {
	return fmt.Errorf("%w: %s", ErrNotStrict, strings.Join(missing, ", "))
}

// activeOf returns the protections of a run: those of allProtections
// that it does not lack when it has namespaces, and haves.
func activeOf(namespaces bool, missing, haves []string) []string {
	var active []string
	if namespaces {
		lacking := map[string]bool{}
		for _, m := range missing {
			lacking[nameOf(m)] = true
		}
		for _, p := range allProtections {
			if !lacking[p] {
				active = append(active, p)
			}
		}
	}
	return append(active, haves...)
}
