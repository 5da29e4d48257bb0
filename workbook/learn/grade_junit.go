package learn

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML in the shape CI servers read (Jenkins, GitLab, GitHub test
// reporters): one testsuite per student, one testcase per exercise.
type gradeJUnit struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Suites   []gradeJUnitSuit `xml:"testsuite"`
}

type gradeJUnitSuit struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Properties []gradeJUnitProp `xml:"properties>property"`
	Cases      []gradeJUnitCase `xml:"testcase"`
}

type gradeJUnitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type gradeJUnitCase struct {
	Classname string          `xml:"classname,attr"`
	Name      string          `xml:"name,attr"`
	Failure   *gradeJUnitText `xml:"failure,omitempty"`
	Error     *gradeJUnitText `xml:"error,omitempty"`
}

type gradeJUnitText struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeGradesJUnit writes the report as JUnit XML: a testsuite per student
// (named after the student, with their points and the total as
// properties), a testcase per exercise (classname the student, name the
// exercise id). A failing program is a failure whose type is the kind of
// failure and whose text is the reason; a missing program is a failure of
// type "missing"; a program that could not be checked is an error.
func writeGradesJUnit(w io.Writer, rep gradeReport) error {
	all := gradeJUnit{Name: "workbook grade"}
	for _, s := range rep.Students {
		suite := gradeJUnitSuit{
			Name: s.Student,
			Properties: []gradeJUnitProp{
				{Name: "dir", Value: s.Dir},
				{Name: "points", Value: fmt.Sprint(s.Points)},
				{Name: "total", Value: fmt.Sprint(s.Total)},
			},
		}
		for _, r := range s.Results {
			c := gradeJUnitCase{Classname: s.Student, Name: r.Exercise}
			msg := strings.SplitN(r.Reason, "\n", 2)[0]
			switch r.Status {
			case statusFail:
				c.Failure = &gradeJUnitText{Message: msg, Type: r.Failure, Text: r.Reason}
				suite.Failures++
			case statusMissing:
				c.Failure = &gradeJUnitText{Message: msg, Type: string(statusMissing), Text: r.Reason}
				suite.Failures++
			case statusError:
				c.Error = &gradeJUnitText{Message: msg, Type: string(statusError), Text: r.Reason}
				suite.Errors++
			}
			suite.Tests++
			suite.Cases = append(suite.Cases, c)
		}
		all.Tests += suite.Tests
		all.Failures += suite.Failures
		all.Errors += suite.Errors
		all.Suites = append(all.Suites, suite)
	}
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
