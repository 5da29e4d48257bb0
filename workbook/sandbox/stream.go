package sandbox

import (
	"bytes"
	"io"
)

// tailSize is how much of the end of stderr is kept, even beyond
// MaxOutput, to recognise the messages of a limit being hit.
const tailSize = 8 << 10

// stream captures one output stream of a run: at most max bytes are kept
// (and forwarded live); the rest is read and discarded.
type stream struct {
	max       int64
	buf       bytes.Buffer
	truncated bool
	live      io.Writer
	seen      func([]byte) bool
	stop      func()
	tail      []byte
}

// copy reads r until it fails.
func (s *stream) copy(r io.Reader) {
	b := make([]byte, 32<<10)
	for {
		n, err := r.Read(b)
		if n > 0 {
			s.add(b[:n])
		}
		if err != nil {
			return
		}
	}
}

func (s *stream) add(b []byte) {
	s.tail = append(s.tail, b...)
	if len(s.tail) > tailSize {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-tailSize:]...)
	}
	keep := b
	if room := s.max - int64(s.buf.Len()); int64(len(b)) > room {
		keep = b[:room]
		s.truncated = true
	}
	if len(keep) == 0 {
		return
	}
	s.buf.Write(keep)
	if s.live != nil {
		s.live.Write(keep)
	}
	if s.seen != nil && s.seen(s.buf.Bytes()) {
		s.stop()
	}
}
