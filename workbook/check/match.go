package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
)

// Matching is done line by line. A matcher compares the expected text of an
// output fence (or comment) with what the program printed, and, when they
// differ, says which expected line could not be matched (0 when no single
// line is to blame).

// mismatch describes why an output did not match.
type mismatch struct {
	Line int    // 1-based expected line that failed, 0 when not one line
	Why  string // short explanation, may be empty
}

// lines splits text into lines without their "\n"; an empty text has no
// lines. A final line without "\n" counts as a line.
func lines(text string) []string {
	if text == "" {
		return nil
	}
	text = strings.TrimSuffix(text, "\n")
	return strings.Split(text, "\n")
}

// trimFinalNewlines removes the trailing newlines at the very end of text
// (the exact mode's only normalization).
func trimFinalNewlines(text string) string {
	return strings.TrimRight(text, "\n")
}

// sortLines is Go's testing/example.go sortLines: split on "\n", sort, join.
func sortLines(output string) string {
	ls := strings.Split(output, "\n")
	slices.Sort(ls)
	return strings.Join(ls, "\n")
}

// fromComment reports whether the expectation o was written as a Go
// comment (// Output: or // Unordered output:) inside one of p's blocks,
// rather than as an output fence. Comments use Go's example semantics.
func fromComment(p *lessons.Program, o *lessons.Output) bool {
	if o.Match == lessons.MatchGo {
		return true
	}
	for _, b := range p.Blocks {
		if b.File != "" && o.File != "" && b.File != o.File {
			continue
		}
		n := strings.Count(b.Code, "\n")
		if o.Line >= b.BodyLine && o.Line < b.BodyLine+n {
			return true
		}
	}
	return false
}

// match compares actual with the expectation o of program p. It returns
// nil when they match.
func match(p *lessons.Program, o *lessons.Output, actual string) (*mismatch, error) {
	switch o.Match {
	case lessons.MatchGo:
		if strings.TrimSpace(actual) == strings.TrimSpace(o.Text) {
			return nil, nil
		}
		return &mismatch{}, nil
	case lessons.MatchUnordered:
		if fromComment(p, o) {
			got, want := strings.TrimSpace(actual), strings.TrimSpace(o.Text)
			if sortLines(got) == sortLines(want) {
				return nil, nil
			}
			return &mismatch{Why: "the lines differ (in any order)"}, nil
		}
		got := lines(trimFinalNewlines(actual))
		want := lines(trimFinalNewlines(o.Text))
		slices.Sort(got)
		slices.Sort(want)
		if slices.Equal(got, want) {
			return nil, nil
		}
		return &mismatch{Why: "the lines differ (in any order)"}, nil
	case lessons.MatchWildcard, lessons.MatchRegexp:
		lm, err := lineMatcher(o.Match)
		if err != nil {
			return nil, err
		}
		want := lines(trimFinalNewlines(o.Text))
		got := lines(trimFinalNewlines(actual))
		if o.Unordered {
			return matchUnordered(want, got, lm, false)
		}
		return matchOrdered(want, got, lm, o.Match == lessons.MatchWildcard, false)
	case lessons.MatchContains:
		return matchContains(lines(trimFinalNewlines(o.Text)), lines(trimFinalNewlines(actual))), nil
	default: // exact, and "" as exact
		if trimFinalNewlines(actual) == trimFinalNewlines(o.Text) {
			return nil, nil
		}
		return &mismatch{}, nil
	}
}

// lineFunc reports whether one actual line matches one expected line.
type lineFunc func(want, got string) (bool, error)

func lineMatcher(m lessons.Match) (lineFunc, error) {
	if m == lessons.MatchRegexp {
		return regexpLine, nil
	}
	return wildcardLine, nil
}

// wildcardLine matches got against want, where "..." in want matches any
// run of characters within the line.
func wildcardLine(want, got string) (bool, error) {
	parts := strings.Split(want, "...")
	if len(parts) == 1 {
		return want == got, nil
	}
	if !strings.HasPrefix(got, parts[0]) {
		return false, nil
	}
	got = got[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(got, part)
		if i < 0 {
			return false, nil
		}
		got = got[i+len(part):]
	}
	return strings.HasSuffix(got, last), nil
}

// regexpLine matches got against the RE2 regexp want, anchored at both ends.
func regexpLine(want, got string) (bool, error) {
	re, err := regexp.Compile(`^(?:` + want + `)$`)
	if err != nil {
		return false, fmt.Errorf("bad regexp %q: %w", want, err)
	}
	return re.MatchString(got), nil
}

// isEllipsis reports whether an expected wildcard line is only "...", which
// matches any number of lines.
func isEllipsis(line string) bool { return strings.TrimSpace(line) == "..." }

// matchOrdered matches the expected lines want against got in order. With
// ellipsis, a line that is only "..." matches zero or more lines. With
// prefix, got may have more lines after the match.
func matchOrdered(want, got []string, lm lineFunc, ellipsis, prefix bool) (*mismatch, error) {
	// memo[i][j]: 0 unknown, 1 match, 2 no match.
	memo := make([][]int8, len(want)+1)
	for i := range memo {
		memo[i] = make([]int8, len(got)+1)
	}
	best := 0 // the furthest expected line reached, for the report
	var rec func(i, j int) (bool, error)
	rec = func(i, j int) (bool, error) {
		if i > best {
			best = i
		}
		if memo[i][j] != 0 {
			return memo[i][j] == 1, nil
		}
		ok, err := func() (bool, error) {
			if i == len(want) {
				return prefix || j == len(got), nil
			}
			if ellipsis && isEllipsis(want[i]) {
				if ok, err := rec(i+1, j); ok || err != nil {
					return ok, err
				}
				if j == len(got) {
					return false, nil
				}
				return rec(i, j+1)
			}
			if j == len(got) {
				return false, nil
			}
			ok, err := lm(want[i], got[j])
			if !ok || err != nil {
				return false, err
			}
			return rec(i+1, j+1)
		}()
		if err != nil {
			return false, err
		}
		memo[i][j] = 2
		if ok {
			memo[i][j] = 1
		}
		return ok, nil
	}
	ok, err := rec(0, 0)
	if err != nil || ok {
		return nil, err
	}
	if best < len(want) {
		return &mismatch{Line: best + 1, Why: fmt.Sprintf("no output line matches expected line %d: %q", best+1, want[best])}, nil
	}
	return &mismatch{Why: "the output has more lines than expected"}, nil
}

// matchUnordered matches each expected line with a distinct actual line. A
// line that is only "..." allows extra actual lines; without one (and
// without partial) the numbers of lines must be equal.
func matchUnordered(want, got []string, lm lineFunc, partial bool) (*mismatch, error) {
	var pats []int
	for i, w := range want {
		if isEllipsis(w) {
			partial = true
			continue
		}
		pats = append(pats, i)
	}
	// Bipartite matching by augmenting paths: owner[j] is the expected
	// line holding actual line j.
	owner := make([]int, len(got))
	for j := range owner {
		owner[j] = -1
	}
	cache := map[[2]int]bool{}
	var firstErr error
	fits := func(i, j int) bool {
		k := [2]int{i, j}
		if v, ok := cache[k]; ok {
			return v
		}
		ok, err := lm(want[i], got[j])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		cache[k] = ok
		return ok
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for j := range got {
			if seen[j] || !fits(i, j) {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || try(owner[j], seen) {
				owner[j] = i
				return true
			}
		}
		return false
	}
	for _, i := range pats {
		if !try(i, make([]bool, len(got))) {
			if firstErr != nil {
				return nil, firstErr
			}
			return &mismatch{Line: i + 1, Why: fmt.Sprintf("no output line matches expected line %d: %q", i+1, want[i])}, nil
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if !partial && len(got) != len(pats) {
		return &mismatch{Why: fmt.Sprintf("expected %d lines, got %d", len(pats), len(got))}, nil
	}
	return nil, nil
}

// matchContains reports whether every expected line appears, in order,
// within the actual lines (as a substring of a line), with anything
// between. Empty expected lines are ignored.
func matchContains(want, got []string) *mismatch {
	j := 0
	for i, w := range want {
		if w == "" {
			continue
		}
		for j < len(got) && !strings.Contains(got[j], w) {
			j++
		}
		if j == len(got) {
			return &mismatch{Line: i + 1, Why: fmt.Sprintf("expected line %d does not appear (in order): %q", i+1, w)}
		}
		j++
	}
	return nil
}

// seenMatch reports whether the expected output o has appeared in actual,
// the stdout of a runs-until-stopped program so far. Only complete lines
// count, unless final is true (the program has ended). Exact, Go and
// wildcard/regexp expectations must match the first lines of the output;
// contains and unordered ones look at all the lines so far.
func seenMatch(o *lessons.Output, actual string, final bool) bool {
	if !final {
		i := strings.LastIndexByte(actual, '\n')
		actual = actual[:i+1]
	}
	got := lines(actual)
	var want []string
	switch o.Match {
	case lessons.MatchGo:
		want = lines(strings.TrimSpace(o.Text))
		got = lines(strings.TrimLeft(actual, " \t\r\n"))
		for k := range want {
			want[k] = strings.TrimSpace(want[k])
		}
		for k := range got {
			got[k] = strings.TrimSpace(got[k])
		}
		m, _ := matchOrdered(want, got, exactLine, false, true)
		return m == nil
	case lessons.MatchUnordered:
		m, _ := matchUnordered(lines(trimFinalNewlines(o.Text)), got, exactLine, true)
		return m == nil
	case lessons.MatchWildcard, lessons.MatchRegexp:
		lm, _ := lineMatcher(o.Match)
		want = lines(trimFinalNewlines(o.Text))
		if o.Unordered {
			m, err := matchUnordered(want, got, lm, true)
			return err == nil && m == nil
		}
		m, err := matchOrdered(want, got, lm, o.Match == lessons.MatchWildcard, true)
		return err == nil && m == nil
	case lessons.MatchContains:
		return matchContains(lines(trimFinalNewlines(o.Text)), got) == nil
	default:
		m, _ := matchOrdered(lines(trimFinalNewlines(o.Text)), got, exactLine, false, true)
		return m == nil
	}
}

func exactLine(want, got string) (bool, error) { return want == got, nil }
