package lessons

import (
	"fmt"
	"strconv"
)

// MaxPoints bounds points=N, so that a typo (points=10000) is caught.
const MaxPoints = 1000

// setPoints gives every exercise of doc its points: the points=N attribute
// of any block of its starter or solution (blocks that give one must agree),
// 1 when none does.
func setPoints(doc *Document) error {
	for _, p := range doc.Programs {
		for _, b := range p.Blocks {
			if _, ok := b.Attrs["points"]; ok && b.Attrs["exercise"] == "" {
				return &Error{File: b.File, Line: b.Line, Msg: "points=N needs exercise=\"NAME\": only an exercise is worth points"}
			}
		}
	}
	for _, e := range doc.Exercises {
		e.Points = 1
		var from *Block
		for _, p := range []*Program{e.Starter, e.Solution} {
			if p == nil {
				continue
			}
			for i := range p.Blocks {
				b := &p.Blocks[i]
				v, ok := b.Attrs["points"]
				if !ok || b.Attrs["exercise"] != e.Name {
					continue
				}
				n, err := parsePoints(v)
				if err != nil {
					return &Error{File: b.File, Line: b.Line, Msg: err.Error()}
				}
				if from != nil && n != e.Points {
					return &Error{File: b.File, Line: b.Line, Msg: fmt.Sprintf("conflicting attributes: points=%d here, points=%d at line %d (exercise %s)", n, e.Points, from.Line, e.Name)}
				}
				e.Points, from = n, b
			}
		}
	}
	return nil
}

// parsePoints parses the value of points=N: a whole number from 0 to
// MaxPoints (0 makes an exercise practice only).
func parsePoints(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > MaxPoints {
		return 0, fmt.Errorf("bad value for points: %q (want a whole number from 0 to %d)", v, MaxPoints)
	}
	return n, nil
}
