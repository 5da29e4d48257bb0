package lessons

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
)

// splitInfo splits a fence's info string into its language and its
// attribute group, parsed by goldmark exactly as Hugo parses it. attrs is
// nil when there is no group.
func splitInfo(info []byte) (lang string, attrs map[string]string, scalar map[string]bool, err error) {
	end := bytes.IndexAny(info, " \t{")
	if end < 0 {
		end = len(info)
	}
	lang = strings.ToLower(string(info[:end]))
	open := bytes.IndexByte(info, '{')
	if open < 0 {
		return lang, nil, nil, nil
	}
	if open == 0 {
		// Hugo only reads a group that follows a language.
		return lang, nil, nil, fmt.Errorf("attribute group %s without a language before it (Hugo ignores it): write the language first, as in go {...}", info)
	}
	group := info[open:]
	parsed, ok := parser.ParseAttributes(gmtext.NewReader(group))
	if !ok {
		return lang, nil, nil, fmt.Errorf("malformed attribute group %s (want key=\"value\" pairs: double-quoted strings, numbers or true/false)", group)
	}
	attrs = make(map[string]string, len(parsed))
	scalar = make(map[string]bool, len(parsed))
	for _, a := range parsed {
		v, ok := attrValue(a.Value)
		attrs[string(a.Name)] = v
		scalar[string(a.Name)] = ok
	}
	return lang, attrs, scalar, nil
}

// attrValue renders a value from goldmark's attribute parser as a string;
// false when it is not a scalar (an array or a nested group).
func attrValue(v any) (string, bool) {
	switch v := v.(type) {
	case []byte:
		return string(v), true
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case nil:
		return "", true
	}
	return fmt.Sprint(v), false
}

func validEngine(s string) bool {
	switch s {
	case "auto", "yaegi", "compiled", "both":
		return true
	}
	return false
}

// parseMatch parses a match attribute: a mode, or "unordered" followed by
// wildcard or regexp.
func parseMatch(s string) (Match, bool, error) {
	f := strings.Fields(s)
	bad := fmt.Errorf("bad match %q (want exact, unordered, wildcard, regexp, contains, \"unordered wildcard\" or \"unordered regexp\")", s)
	switch len(f) {
	case 1:
		switch m := Match(f[0]); m {
		case MatchExact, MatchGo, MatchUnordered, MatchWildcard, MatchRegexp, MatchContains:
			return m, false, nil
		}
	case 2:
		if f[0] == "unordered" && (f[1] == string(MatchWildcard) || f[1] == string(MatchRegexp)) {
			return Match(f[1]), true, nil
		}
	}
	return "", false, bad
}

// parseBool parses a boolean attribute.
func parseBool(key, v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("bad value for %s: %q (want true or false)", key, v)
}

// parseExit parses an exit attribute.
func parseExit(v string) (int, error) {
	switch v {
	case "any":
		return ExitAny, nil
	case "nonzero":
		return ExitNonZero, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("bad value for exit: %q (want 0 to 255, \"nonzero\" or \"any\")", v)
	}
	return n, nil
}

// requiredName matches one alternative of a requires entry:
// exec.CommandContext, os/exec.Command, exec.Cmd.StdinPipe,
// (*os/exec.Cmd).StdinPipe.
var requiredName = sync.OnceValue(func() *regexp.Regexp {
	const id = `[\pL_][\pL\pN_]*`
	const pkg = `[\pL\pN_.\-]+(?:/[\pL\pN_.\-]+)*`
	return regexp.MustCompile(`^(?:\(\*` + pkg + `\.` + id + `\)\.` + id + `|` + pkg + `\.` + id + `(?:\.` + id + `)?)$`)
})
