package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// frontMatter is what the workbook reads from a document's front matter.
type frontMatter struct {
	Title  string `toml:"title" yaml:"title"`
	Weight int    `toml:"weight" yaml:"weight"`
	Params struct {
		Workbook *fmDefaults `toml:"workbook" yaml:"workbook"`
	} `toml:"params" yaml:"params"`
	Workbook *fmDefaults `toml:"workbook" yaml:"workbook"`
}

// fmDefaults is the [params.workbook] (or [workbook]) table.
type fmDefaults struct {
	Engine  string `toml:"engine" yaml:"engine"`
	Timeout string `toml:"timeout" yaml:"timeout"`
	Match   string `toml:"match" yaml:"match"`
}

// decodeLine finds the line number the decoders put in their messages, and
// the message after it.
var decodeLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:toml|yaml): line (\d+)(?: \([^)]*\))?: (.*)$|line (\d+): (.*)$`)
})

// lineMessage splits a decoder's message into a document line (1 when it
// names none) and the rest of the message.
func lineMessage(msg string) (int, string) {
	m := decodeLine().FindStringSubmatch(msg)
	if m == nil {
		return 1, strings.TrimPrefix(strings.TrimPrefix(msg, "toml: "), "yaml: ")
	}
	n, text := m[1], m[2]
	if n == "" {
		n, text = m[3], m[4]
	}
	line, err := strconv.Atoi(n)
	if err != nil {
		return 1, text
	}
	return 1 + line, text
}

// splitFrontMatter finds front matter at the top of data. It returns the
// decoded front matter (nil when there is none) and the number of bytes it
// occupies, delimiters included.
func splitFrontMatter(file string, data []byte) (*frontMatter, int, error) {
	var delim string
	switch {
	case hasDelimLine(data, "+++"):
		delim = "+++"
	case hasDelimLine(data, "---"):
		delim = "---"
	default:
		return nil, 0, nil
	}
	t := newText(data, 1)
	end := -1
	for i := 1; ; i++ {
		l, ok := t.lineAt(i)
		if !ok {
			break
		}
		if string(bytes.TrimRight(l, " \t")) == delim {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, 0, &Error{File: file, Line: 1, Msg: fmt.Sprintf("front matter opened with %s is never closed", delim)}
	}
	body := data[t.starts[1]:t.starts[end]]
	if end == 1 {
		body = nil
	}
	size := len(data)
	if end+1 < len(t.starts) {
		size = t.starts[end+1]
	}
	fm := &frontMatter{}
	if delim == "+++" {
		if _, err := toml.Decode(string(body), fm); err != nil {
			line, msg := lineMessage(err.Error())
			var perr toml.ParseError
			if errors.As(err, &perr) {
				msg = perr.Message
				if perr.Position.Line > 0 {
					line = 1 + perr.Position.Line
				}
			}
			return nil, 0, &Error{File: file, Line: line, Msg: "malformed TOML front matter: " + msg}
		}
	} else {
		if err := yaml.Unmarshal(body, fm); err != nil {
			line, msg := lineMessage(err.Error())
			return nil, 0, &Error{File: file, Line: line, Msg: "malformed YAML front matter: " + msg}
		}
	}
	return fm, size, nil
}

// hasDelimLine reports whether data's first line is delim.
func hasDelimLine(data []byte, delim string) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	return string(bytes.TrimRight(first, " \t\r")) == delim
}

// defaults validates the workbook table of the front matter. fmText is the
// front matter itself, used to point errors at the offending key.
func (fm *frontMatter) defaults(file string, fmText []byte) (Defaults, error) {
	var d Defaults
	w := fm.Params.Workbook
	if w == nil {
		w = fm.Workbook
	}
	if w == nil {
		return d, nil
	}
	keyErr := func(key, msg string) error {
		return &Error{File: file, Line: keyLine(fmText, key), Msg: "front matter: " + msg}
	}
	if w.Engine != "" {
		if !validEngine(w.Engine) {
			return d, keyErr("engine", fmt.Sprintf("bad engine %q (want auto, yaegi, compiled or both)", w.Engine))
		}
		d.Engine = w.Engine
	}
	if w.Timeout != "" {
		t, err := parseTimeout(w.Timeout)
		if err != nil {
			return d, keyErr("timeout", err.Error())
		}
		d.Timeout = t
	}
	if w.Match != "" {
		m, _, err := parseMatch(w.Match)
		if err != nil {
			return d, keyErr("match", err.Error())
		}
		d.Match = m
	}
	return d, nil
}

// keyLine returns the line of the first line of fmText that sets key, or 1.
func keyLine(fmText []byte, key string) int {
	t := newText(fmText, 1)
	for i := range t.starts {
		l, _ := t.lineAt(i)
		s := strings.TrimSpace(string(l))
		if rest, ok := strings.CutPrefix(s, key); ok {
			rest = strings.TrimSpace(rest)
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ":") {
				return t.first + i
			}
		}
	}
	return 1
}

// parseTimeout parses a positive Go duration.
func parseTimeout(s string) (time.Duration, error) {
	t, err := time.ParseDuration(s)
	if err != nil || t <= 0 {
		return 0, fmt.Errorf("bad value for timeout: %q (want a positive Go duration such as \"5s\")", s)
	}
	return t, nil
}
