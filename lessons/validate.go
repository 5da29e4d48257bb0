package lessons

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxSize is the largest document the loader accepts, in bytes.
const MaxSize = 8 << 20

func errTooLarge(file string) *Error {
	return &Error{File: file, Msg: fmt.Sprintf("file is larger than %d MiB", MaxSize>>20)}
}

// readCapped reads r to the end, failing with an *Error once more than
// MaxSize bytes have come: it never holds more than MaxSize+1 bytes.
func readCapped(file string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	if len(data) > MaxSize {
		return nil, errTooLarge(file)
	}
	return data, nil
}

// checkBytes rejects documents that are too large, binary or not UTF-8.
func checkBytes(file string, data []byte) error {
	if len(data) > MaxSize {
		return errTooLarge(file)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &Error{File: file, Line: lineOf(data, i), Msg: "binary data (NUL byte) in a Markdown document"}
	}
	if utf8.Valid(data) {
		return nil
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return &Error{File: file, Line: lineOf(data, i), Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x)", data[i])}
		}
		i += size
	}
	return nil
}

// lineOf returns the 1-based line of offset off in data.
func lineOf(data []byte, off int) int {
	return bytes.Count(data[:off], []byte("\n")) + 1
}
