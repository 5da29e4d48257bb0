package lessons

import (
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"unicode"
)

// Load reads and parses the document at name in fsys. A file larger than
// MaxSize is rejected without being read in full.
func Load(fsys fs.FS, name string) (*Document, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxSize {
		return nil, errTooLarge(name)
	}
	data, err := readCapped(name, f)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// LoadFile reads and parses the document at path on disk. A file larger
// than MaxSize is rejected without being read in full.
func LoadFile(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxSize {
		return nil, errTooLarge(path)
	}
	data, err := readCapped(path, f)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a Markdown document; file names it in errors and source maps.
// Problems with the document are returned as *Error.
func Parse(file string, data []byte) (*Document, error) {
	if err := checkBytes(file, data); err != nil {
		return nil, err
	}
	doc := &Document{File: file}
	fm, fmSize, err := splitFrontMatter(file, data)
	if err != nil {
		return nil, err
	}
	// goldmark sees the document with its front matter blanked out, so
	// that offsets and line numbers stay those of the file.
	md := data
	if fm != nil {
		md = make([]byte, len(data))
		copy(md, data)
		for i := 0; i < fmSize; i++ {
			if md[i] != '\n' {
				md[i] = ' '
			}
		}
		if doc.Defaults, err = fm.defaults(file, data[:fmSize]); err != nil {
			return nil, err
		}
		doc.Title, doc.Weight = fm.Title, fm.Weight
	}
	s := newScanner(file)
	t := newText(md, 1)
	if err := s.walk(t, false); err != nil {
		return nil, err
	}
	sort.SliceStable(s.fences, func(i, j int) bool { return s.fences[i].Line < s.fences[j].Line })
	doc.Sections = sections(s.sections, t.lastLine())
	if doc.Title == "" {
		for _, sec := range doc.Sections {
			if sec.Level == 1 {
				doc.Title = sec.Title
				break
			}
		}
	}
	for _, f := range s.fences {
		if f.kind == kindShell {
			doc.Shell = append(doc.Shell, f.Block)
		}
	}
	b := &builder{file: file, fences: s.fences, sections: doc.Sections, lastLine: t.lastLine(), defaults: doc.Defaults}
	for _, step := range []func() error{b.group, b.settle, b.attach, b.transcriptExits} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := b.finish(doc); err != nil {
		return nil, err
	}
	if err := setPoints(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// sections fills in where each section ends and its GitHub anchor.
func sections(secs []Section, last int) []Section {
	seen := map[string]int{}
	for i := range secs {
		secs[i].End = last
		for j := i + 1; j < len(secs); j++ {
			if secs[j].Level <= secs[i].Level {
				secs[i].End = secs[j].Line - 1
				break
			}
		}
		slug := Slug(secs[i].Title)
		if n, ok := seen[slug]; ok {
			seen[slug] = n + 1
			slug = fmt.Sprintf("%s-%d", slug, n+1)
		} else {
			seen[slug] = 0
		}
		secs[i].Slug = slug
	}
	return secs
}

// Slug returns GitHub's anchor for a heading: lower case, punctuation
// dropped, spaces turned into hyphens. (GitHub adds -1, -2, ... to repeated
// anchors; Document.Sections carries those.)
func Slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
