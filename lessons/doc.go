// Package lessons turns a lesson written in Markdown into the Go programs it
// teaches, with the expectations to check them against.
//
// The format is specified in docs/lesson-format.md, the single reference
// for what a lesson may contain; this package changes together with it.
// Parse reads a document from memory, Load from an fs.FS and LoadFile from
// disk; LoadFS, LoadAll and LoadPaths load many. Every document is read
// through them, with one size check (MaxSize) before reading. Problems with a document are reported as *Error values printing
// "file.md:line: message".
package lessons

//go:generate go run ./internal/genindex -o index_gen.go
