package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
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
	return load(name, f)
}

// LoadFile reads and parses the document at path on disk. A file larger
// than MaxSize is rejected without being read in full.
func LoadFile(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return load(path, f)
}

// load reads and parses the open file f, named name, and closes it: the
// one place every document is read, with the one size check before
// reading.
func load(name string, f fs.File) (*Document, error) {
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

// IsMarkdown reports whether a file found in a directory is a document:
// its name ends in .md, .markdown or .mdx. (A file named on the command
// line is a document whatever its name.)
func IsMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown" || ext == ".mdx"
}

// LoadFS loads every document of fsys (see IsMarkdown), recursively, in
// lexical order. Every document that cannot be read is reported: the error
// joins one error per document (*Error for problems in a document).
func LoadFS(fsys fs.FS) ([]*Document, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && IsMarkdown(name) {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing documents: %w", err)
	}
	return LoadAll(fsys, names)
}

// LoadAll loads the documents names of fsys, in that order. Every document
// that cannot be read is reported: the error joins one error per document.
func LoadAll(fsys fs.FS, names []string) ([]*Document, error) {
	var docs []*Document
	var errs []error
	for _, name := range names {
		doc, err := Load(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, doc)
	}
	return docs, errors.Join(errs...)
}

// LoadPaths loads documents from disk: each path is a document (whatever
// its name) or a directory searched recursively for documents (see
// IsMarkdown). Documents are named by their path as given (joined with
// the directory's). As LoadAll, it reports every document that cannot be
// read; a path that does not exist stops it.
func LoadPaths(paths []string) ([]*Document, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: %w", p, pe.Err)
			}
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && IsMarkdown(name) {
				found = append(found, name)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	var docs []*Document
	var errs []error
	for _, file := range files {
		doc, err := LoadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, doc)
	}
	return docs, errors.Join(errs...)
}

// Parse parses a Markdown document; file names it in errors and source maps.
// Problems with the document are returned as *Error.
func Parse(file string, data []byte) (*Document, error) {
	if err := checkBytes(file, data); err != nil {
		return nil, err
	}
	doc := &Document{File: file, Markdown: data}
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
	b := &builder{file: file, fences: s.fences, paras: s.paras, sections: doc.Sections, lastLine: t.lastLine(), defaults: doc.Defaults}
	for _, step := range []func() error{b.group, b.settle, b.shownFailures, b.attach, b.transcriptExits} {
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
