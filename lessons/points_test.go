package lessons_test

import (
	"testing"

	"github.com/ppworkbook/workbook/lessons"
)

func TestPoints(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[string]int
	}{
		{"default", "# T\n\n## Exercise: a\n\n```go {exercise=\"a\"}\nfunc main() {}\n```\n\n```output\nx\n```\n", map[string]int{"a": 1}},
		{"on the starter", "# T\n\n## Exercise: a\n\n```go {exercise=\"a\" points=3}\nfunc main() {}\n```\n\n```output\nx\n```\n", map[string]int{"a": 3}},
		{"quoted, on the solution", "# T\n\n## Exercise: a\n\n```go {exercise=\"a\"}\nfunc main() {}\n```\n\n```output\nx\n```\n\n<!-- workbook\n```go {exercise=\"a\" solution=true points=\"5\"}\nfunc main() { fmt.Println(\"x\") }\n```\n-->\n", map[string]int{"a": 5}},
		{"zero: practice only", "# T\n\n## Exercise: a\n\n```go {exercise=\"a\" points=0}\nfunc main() {}\n```\n\n```output\nx\n```\n", map[string]int{"a": 0}},
		{"two exercises", "# T\n\n## Exercise: a\n\n```go {exercise=\"a\" points=2}\nfunc main() {}\n```\n\n```output\nx\n```\n\n## Exercise: b\n\n```go {exercise=\"b\"}\nfunc main() {}\n```\n\n```output\ny\n```\n", map[string]int{"a": 2, "b": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := lessons.Parse("lesson.md", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, e := range doc.Exercises {
				got[e.Name] = e.Points
			}
			if len(got) != len(tt.want) {
				t.Fatalf("exercises %v, want %v", got, tt.want)
			}
			for name, n := range tt.want {
				if got[name] != n {
					t.Errorf("%s: %d points, want %d", name, got[name], n)
				}
			}
		})
	}
}
