package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
)

// SkipKind is the kind of reason a program was not run, for the summary
// of skips ("skipped: 41 fragments, 6 servers, 3 other modules").
func SkipKind(why string) string {
	switch {
	case why == "skip=true":
		return "skip=true"
	case strings.Contains(why, "is not Go"):
		return "not Go"
	case strings.Contains(why, "which is neither in the standard library"):
		return "other modules"
	case strings.Contains(why, "a server"), strings.Contains(why, "waits for a signal"):
		return "servers"
	case strings.Contains(why, "cgo"), strings.Contains(why, "C compiler"):
		return "cgo"
	case strings.Contains(why, "built only for"):
		return "other platforms"
	case strings.HasPrefix(why, "declarations without main"):
		return "declarations"
	case strings.HasPrefix(why, "package "):
		return "packages"
	case strings.HasPrefix(why, "incomplete"):
		return "incomplete"
	case strings.Contains(why, "the snippet at line"):
		return "fragments"
	}
	return "other"
}

// SkipSummary is the line that sums up what was not run, by reason:
// "skipped: 41 fragments, 3 other modules; built, not run: 6 servers"
// ("" when everything ran).
func SkipSummary(results []Result) string {
	skipped, built := map[string]int{}, map[string]int{}
	for _, r := range results {
		switch {
		case r.Status == Skip:
			skipped[SkipKind(r.SkipWhy())]++
		case r.Item.Program.Mode == lessons.ModeCompile && r.Item.Program.Note != "":
			built[SkipKind(r.Item.Program.Note)]++
		}
	}
	var parts []string
	if s := kinds(skipped); s != "" {
		parts = append(parts, "skipped: "+s)
	}
	if s := kinds(built); s != "" {
		parts = append(parts, "built, not run: "+s)
	}
	return strings.Join(parts, "; ")
}

// kinds writes counts by kind, the most frequent first.
func kinds(n map[string]int) string {
	var names []string
	for k := range n {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if n[names[i]] != n[names[j]] {
			return n[names[i]] > n[names[j]]
		}
		return names[i] < names[j]
	})
	var out []string
	for _, k := range names {
		name := k
		if n[k] == 1 && strings.HasSuffix(k, "s") {
			name = strings.TrimSuffix(k, "s")
		}
		out = append(out, fmt.Sprintf("%d %s", n[k], name))
	}
	return strings.Join(out, ", ")
}
