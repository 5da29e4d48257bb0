package sandbox

import (
	"os"
	"strings"
)

// Predict says which protections the runs of this workbook process get,
// from its privileges and the kernel's settings, before any run: the
// line the workbook prints once (Report.Line), and what --sandbox strict
// refuses. Each run's Result says what it actually had.
func Predict() Report {
	iso := os.Getenv(envIsolation)
	switch {
	case iso == "pgroup":
		return pgroupReport("WORKBOOK_SANDBOX_ISOLATION=pgroup")
	case iso != "user+pid+mount" && DirectStart():
		if _, missing := templates.get(); len(missing) > 0 {
			return Report{Active: activeOf(true, missing, nil), Missing: missing}
		}
		return Report{Active: allProtections}
	case userNamespaces():
		return Report{Active: allProtections}
	}
	return pgroupReport("no privilege to create namespaces, no user namespaces")
}

// pgroupReport is the report of runs in a process group only.
func pgroupReport(why string) Report {
	r := Report{Missing: missingOf(nil, why)}
	if landlockABI() > 0 {
		r.Active = append(r.Active, ProtLandlock)
	} else {
		r.Missing = append(r.Missing, ProtLandlock+" (not offered by this kernel)")
	}
	return r
}

// userNamespaces reports whether an unprivileged process may create user
// namespaces here, as far as the kernel's settings say.
func userNamespaces() bool {
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	if n := read("/proc/sys/user/max_user_namespaces"); n == "0" {
		return false
	}
	if read("/proc/sys/kernel/unprivileged_userns_clone") == "0" {
		return false
	}
	return read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") != "1"
}
