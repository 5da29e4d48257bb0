package verify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/term"
)

// ansi matches the colour escapes that check puts in Detail.
var ansi = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\x1b\\[[0-9;]*m") })

// plain removes colour escapes.
func plain(s string) string { return ansi().ReplaceAllString(s, "") }

func ms(d time.Duration) int64 { return d.Milliseconds() }

// WriteLine writes one finished program as plain lines:
//
//	PASS file.md:LINE name (engine, 12ms)
//	FAIL file.md:LINE name (engine, 12ms)
//	    reason
//	    detail...
//	SKIP file.md:LINE name
func WriteLine(w io.Writer, r Result, pal term.Palette) {
	p := r.Item.Program
	where := fmt.Sprintf("%s:%d %s", p.File, p.Line, p.Name)
	switch r.Status {
	case Skip:
		if why := r.SkipWhy(); why != "skip=true" {
			where += " " + pal.Dim(fmt.Sprintf("(%s)", why))
		}
		fmt.Fprintf(w, "%s %s\n", pal.Yellow("SKIP"), where)
		return
	case Pass:
		note := ""
		if p.Mode == lessons.ModeCompile && p.Note != "" {
			note = ": " + p.Note
		}
		if r.Summary != "" {
			note = ": " + r.Summary
		}
		fmt.Fprintf(w, "%s %s %s\n", pal.Green("PASS"), where, pal.Dim(fmt.Sprintf("(%s, %dms%s)", r.engineLabel(), ms(r.Duration), note)))
		for _, n := range r.Notes() {
			fmt.Fprint(w, indent("note: "+n))
		}
		return
	}
	fmt.Fprintf(w, "%s %s %s\n", pal.Red("FAIL"), where, pal.Dim(fmt.Sprintf("(%s, %dms)", r.engineLabel(), ms(r.Duration))))
	fmt.Fprint(w, indent(r.Reason()))
	if r.Detail != "" {
		fmt.Fprint(w, indent(r.Detail))
	}
}

func (r Result) engineLabel() string {
	if r.Engine == "" {
		return "no engine"
	}
	return r.Engine
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}

// Progress is the live display on a terminal: failures are printed as they
// happen, above a single line that is rewritten with the count so far.
type Progress struct {
	w                   io.Writer
	pal                 term.Palette
	total, done, failed int
	passed, skipped     int
	last                string
}

// NewProgress returns a live display for total programs, writing to w.
func NewProgress(w io.Writer, total int, pal term.Palette) *Progress {
	pr := &Progress{w: w, pal: pal, total: total}
	pr.status()
	return pr
}

const clearLine = "\r\x1b[K"

// Result records one finished program.
func (pr *Progress) Result(r Result) {
	pr.done++
	switch r.Status {
	case Fail:
		pr.failed++
		fmt.Fprint(pr.w, clearLine)
		WriteLine(pr.w, r, pr.pal)
	case Pass:
		pr.passed++
	case Skip:
		pr.skipped++
	}
	pr.last = r.Item.Program.Name
	pr.status()
}

func (pr *Progress) status() {
	line := fmt.Sprintf("[%d/%d] %d passed, %d failed, %d skipped", pr.done, pr.total, pr.passed, pr.failed, pr.skipped)
	if pr.last != "" {
		line += " · " + pr.last
	}
	if r := []rune(line); len(r) > 100 {
		line = string(r[:100])
	}
	fmt.Fprint(pr.w, clearLine+line)
}

// Done clears the progress line.
func (pr *Progress) Done() { fmt.Fprint(pr.w, clearLine) }

// jsonReport is the shape of verify --json.
type jsonReport struct {
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Skipped  int           `json:"skipped"`
	Programs []jsonProgram `json:"programs"`
}

type jsonProgram struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Name       string `json:"name"`
	Engine     string `json:"engine"`
	Status     Status `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Failure    string `json:"failure,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Detail     string `json:"detail,omitempty"`
	Runs       int    `json:"runs,omitempty"`
	FailedRuns int    `json:"failed_runs,omitempty"`
	// YaegiDisagreed: how yaegi's run differed from the compiled one
	// whose verdict stands; OutputCut: which output was cut at the cap.
	YaegiDisagreed string `json:"yaegi_disagreed,omitempty"`
	OutputCut      string `json:"output_cut,omitempty"`
}

// WriteJSON writes the results as one JSON object:
// {"passed":N,"failed":N,"skipped":N,"programs":[...]}.
func WriteJSON(w io.Writer, results []Result) error {
	c := Count(results)
	rep := jsonReport{Passed: c.Passed, Failed: c.Failed, Skipped: c.Skipped, Programs: []jsonProgram{}}
	for _, r := range results {
		p := r.Item.Program
		rep.Programs = append(rep.Programs, jsonProgram{
			File: p.File, Line: p.Line, Name: p.Name, Engine: r.Engine, Status: r.Status,
			DurationMS: ms(r.Duration), Failure: string(r.Failure), Reason: r.Reason(), Detail: plain(r.Detail),
			Runs: r.Runs, FailedRuns: r.FailedRuns,
			YaegiDisagreed: r.YaegiDisagreed, OutputCut: r.OutputCut,
		})
	}
	return writeJSON(w, rep)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

type listProgram struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Name     string `json:"name"`
	Blocks   []int  `json:"blocks"`
	Source   string `json:"source"`
	Mode     string `json:"mode"`
	Engine   string `json:"engine"`
	Exercise string `json:"exercise,omitempty"`
	Role     string `json:"role,omitempty"`
}

// WriteList writes one line per program: "file.md:LINE name (mode, engine)",
// the engine as settled by Item.Settings with the command line's engine
// (cl, "" when not given).
func WriteList(w io.Writer, items []Item, cl string) {
	for _, it := range items {
		p := it.Program
		fmt.Fprintf(w, "%s:%d %s (%s, %s)\n", p.File, p.Line, p.Name, p.Mode, it.Settings(Options{Engine: cl}).Engine)
	}
}

// WriteListJSON writes {"programs":[{"file","line","name","blocks","source",
// "mode","engine"},...]}; blocks are the opening-fence lines of the blocks.
func WriteListJSON(w io.Writer, items []Item, cl string) error {
	out := struct {
		Programs []listProgram `json:"programs"`
	}{Programs: []listProgram{}}
	for _, it := range items {
		p := it.Program
		lp := listProgram{File: p.File, Line: p.Line, Name: p.Name, Blocks: []int{}, Source: p.Source,
			Mode: p.Mode.String(), Engine: it.Settings(Options{Engine: cl}).Engine, Exercise: p.Exercise, Role: string(p.Role)}
		for _, b := range p.Blocks {
			lp.Blocks = append(lp.Blocks, b.Line)
		}
		out.Programs = append(out.Programs, lp)
	}
	return writeJSON(w, out)
}

// JUnit XML, in the shape CI servers read (Jenkins, GitLab, GitHub test
// reporters): one testsuite per file, one testcase per program.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	// SystemOut carries, for a passing program, what its verdict notes
	// (output cut at the cap, yaegi disagreed).
	SystemOut string        `xml:"system-out,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the results as JUnit XML: one testcase per program
// (classname the file, name the program), failures carrying file.md:line and
// the reason, skipped programs marked skipped.
func WriteJUnit(w io.Writer, results []Result) error {
	all := junitSuites{Name: "workbook verify"}
	var total time.Duration
	index := map[string]int{}
	for _, r := range results {
		p := r.Item.Program
		i, ok := index[p.File]
		if !ok {
			i = len(all.Suites)
			index[p.File] = i
			all.Suites = append(all.Suites, junitSuite{Name: p.File})
		}
		s := &all.Suites[i]
		c := junitCase{Classname: p.File, Name: p.Name, Time: seconds(r.Duration)}
		switch r.Status {
		case Fail:
			text := r.Reason()
			if d := plain(r.Detail); d != "" {
				text += "\n\n" + d
			}
			c.Failure = &junitMessage{Message: r.Reason(), Type: string(r.Failure), Text: text}
			s.Failures++
			all.Failures++
		case Pass:
			if notes := r.Notes(); len(notes) > 0 {
				c.SystemOut = strings.Join(notes, "\n")
			}
		case Skip:
			c.Skipped = &junitMessage{Message: r.Reason()}
			s.Skipped++
			all.Skipped++
		}
		s.Tests++
		all.Tests++
		s.Cases = append(s.Cases, c)
		total += r.Duration
	}
	for i := range all.Suites {
		var d time.Duration
		for _, r := range results {
			if r.Item.Program.File == all.Suites[i].Name {
				d += r.Duration
			}
		}
		all.Suites[i].Time = seconds(d)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing JUnit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("writing JUnit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteAnnotations writes one GitHub Actions workflow command per failure,
// at the failure's position:
//
//	::error file=PATH,line=N,title=TITLE::MESSAGE
//
// escaped as GitHub requires (% CR LF in the message; also : and , in
// properties).
func WriteAnnotations(w io.Writer, results []Result) {
	for _, r := range results {
		if r.Status == Pass {
			writePassAnnotations(w, r)
		}
		if r.Status != Fail {
			continue
		}
		p := r.Item.Program
		msg := r.Reason()
		if d := plain(r.Detail); d != "" {
			msg += "\n\n" + d
		}
		// The annotation sits where the failure is (a compile error's
		// line, a panicking frame), else on the program.
		at := r.Pos
		if at.File == "" {
			at = lessons.Pos{File: p.File, Line: p.Line}
		}
		title := fmt.Sprintf("%s failed (%s)", p.Name, r.Failure)
		fmt.Fprintf(w, "::error file=%s,line=%d,title=%s::%s\n", escapeProperty(at.File), at.Line, escapeProperty(title), escapeData(msg))
	}
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// writePassAnnotations writes, for a passing program, a warning when its
// output was cut at the cap and a notice when yaegi disagreed with the
// compiled engine whose verdict stands.
func writePassAnnotations(w io.Writer, r Result) {
	p := r.Item.Program
	if r.OutputCut != "" {
		title := fmt.Sprintf("%s passed, output cut", p.Name)
		fmt.Fprintf(w, "::warning file=%s,line=%d,title=%s::%s\n", escapeProperty(p.File), p.Line, escapeProperty(title), escapeData(r.Reason()))
	}
	if r.YaegiDisagreed != "" {
		title := fmt.Sprintf("%s passed, yaegi disagreed", p.Name)
		fmt.Fprintf(w, "::notice file=%s,line=%d,title=%s::%s\n", escapeProperty(p.File), p.Line, escapeProperty(title), escapeData(r.Reason()))
	}
}

// Notes are what a passing program's report line adds: the output cut at
// the cap, and yaegi's disagreement with the compiled verdict.
func (r Result) Notes() []string {
	var notes []string
	if r.OutputCut != "" {
		notes = append(notes, r.OutputCut+" (the rest was discarded)")
	}
	if r.YaegiDisagreed != "" {
		notes = append(notes, "yaegi disagreed ("+r.YaegiDisagreed+"), the compiled verdict stands")
	}
	return notes
}
