package verify

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ppworkbook/workbook/internal/atomicfile"
	"github.com/ppworkbook/workbook/lessons"
)

// Scheduling: verify starts the programs expected to take longest first
// (longest processing time first), so that the long waits of a few programs
// (sleeps, deadlines, runs until stopped) overlap all the short ones instead
// of starting last and adding to the wall clock. The expected duration of a
// program is the one measured last time (History), else a static estimate
// from its syntax tree (Estimate).

// History remembers how long each program took when it last ran, keyed by
// a hash of its source and engine. It is safe for concurrent use.
type History struct {
	path string

	mu    sync.Mutex
	ms    map[string]int64
	dirty bool
}

// HistoryFile is the history's path under the user cache directory.
const HistoryFile = "ppworkbook/durations.json"

// maxHistory bounds the entries kept, so the file cannot grow without end.
const maxHistory = 10000

// OpenHistory reads the history at path. A missing file is an empty
// history; an unreadable or corrupt one is an empty history too, with the
// error saying why (the caller may ignore it: the history only orders
// work).
func OpenHistory(path string) (*History, error) {
	h := &History{path: path, ms: map[string]int64{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("duration history: %w", err)
	}
	if err := json.Unmarshal(data, &h.ms); err != nil {
		h.ms = map[string]int64{}
		return h, fmt.Errorf("duration history %s: %w", path, err)
	}
	return h, nil
}

// HistoryKey identifies a program's run in the history: a hash of its
// assembled source and the engine it runs on.
func HistoryKey(source, engine string) string {
	sum := sha256.Sum256([]byte(engine + "\x00" + source))
	return hex.EncodeToString(sum[:12])
}

// Get returns the last recorded duration of key.
func (h *History) Get(key string) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ms, ok := h.ms[key]
	return time.Duration(ms) * time.Millisecond, ok
}

// Record sets the duration of key.
func (h *History) Record(key string, d time.Duration) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ms := d.Milliseconds()
	if old, ok := h.ms[key]; ok && old == ms {
		return
	}
	if _, ok := h.ms[key]; !ok && len(h.ms) >= maxHistory {
		clear(h.ms) // crude, and rare: start again rather than grow
	}
	h.ms[key] = ms
	h.dirty = true
}

// Save writes the history if it changed, atomically (a temporary file in
// the same directory, then a rename), creating the directory if needed.
func (h *History) Save() error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.dirty {
		return nil
	}
	data, err := json.Marshal(h.ms)
	if err != nil {
		return fmt.Errorf("duration history: %w", err)
	}
	if err := atomicfile.WriteFile(h.path, data, 0o644); err != nil {
		return fmt.Errorf("duration history: %w", err)
	}
	h.dirty = false
	return nil
}

// Estimate is a static guess of how long a program waits, from its syntax
// tree, for programs the history does not know: the sum of the constant
// durations passed to time.Sleep, time.After, time.NewTimer, time.Tick,
// time.NewTicker and context.WithTimeout, and of the seconds of
// exec.Command("sleep", "N"). A program that runs until stopped, or sets
// its own timeout, waits for an unknown time bounded by that timeout: it
// is estimated at the timeout.
// timeout is the command line's timeout (0: not given), see Item.Settings.
func Estimate(it Item, timeout time.Duration) time.Duration {
	p := it.Program
	var est time.Duration
	if p.Expect.Until || p.Timeout > 0 || it.Defaults.Timeout > 0 {
		est = it.Settings(Options{Timeout: timeout}).Timeout
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", p.Source, parser.SkipObjectResolution)
	if err != nil {
		return est
	}
	var waits time.Duration
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		pkg, name := selector(call.Fun)
		switch {
		case pkg == "time" && (name == "Sleep" || name == "After" || name == "NewTimer" || name == "Tick" || name == "NewTicker") && len(call.Args) >= 1:
			waits += constDuration(call.Args[0])
		case pkg == "context" && name == "WithTimeout" && len(call.Args) == 2:
			waits += constDuration(call.Args[1])
		case pkg == "exec" && (name == "Command" || name == "CommandContext"):
			args := call.Args
			if name == "CommandContext" && len(args) > 0 {
				args = args[1:]
			}
			if len(args) == 2 && stringLit(args[0]) == "sleep" {
				if s, err := strconv.ParseFloat(stringLit(args[1]), 64); err == nil && s > 0 {
					waits += time.Duration(s * float64(time.Second))
				}
			}
		}
		return true
	})
	return max(est, waits)
}

// selector returns pkg and name of a call like pkg.Name(...).
func selector(e ast.Expr) (pkg, name string) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", ""
	}
	return id.Name, sel.Sel.Name
}

// stringLit is the value of a string literal, or "".
func stringLit(e ast.Expr) string {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return ""
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return ""
	}
	return s
}

// timeUnit is the duration constant of package time named name (a switch,
// not a map: a map literal would be built at init in every process).
func timeUnit(name string) (time.Duration, bool) {
	switch name {
	case "Nanosecond":
		return time.Nanosecond, true
	case "Microsecond":
		return time.Microsecond, true
	case "Millisecond":
		return time.Millisecond, true
	case "Second":
		return time.Second, true
	case "Minute":
		return time.Minute, true
	case "Hour":
		return time.Hour, true
	}
	return 0, false
}

// constDuration evaluates a constant duration expression such as
// 100*time.Millisecond or time.Second/2; anything else is 0.
func constDuration(e ast.Expr) time.Duration {
	v := constValue(e)
	if v == nil {
		return 0
	}
	f, _ := constant.Float64Val(constant.ToFloat(v))
	if f <= 0 || f > float64(24*time.Hour) {
		return 0
	}
	return time.Duration(f)
}

func constValue(e ast.Expr) constant.Value {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return constValue(e.X)
	case *ast.BasicLit:
		if e.Kind == token.INT || e.Kind == token.FLOAT {
			return constant.MakeFromLiteral(e.Value, e.Kind, 0)
		}
	case *ast.SelectorExpr:
		if pkg, name := selector(e); pkg == "time" {
			if d, ok := timeUnit(name); ok {
				return constant.MakeInt64(int64(d))
			}
		}
	case *ast.CallExpr: // time.Duration(n)
		if pkg, name := selector(e.Fun); pkg == "time" && name == "Duration" && len(e.Args) == 1 {
			return constValue(e.Args[0])
		}
	case *ast.BinaryExpr:
		x, y := constValue(e.X), constValue(e.Y)
		if x == nil || y == nil {
			return nil
		}
		switch e.Op {
		case token.MUL, token.ADD, token.SUB:
			return constant.BinaryOp(x, e.Op, y)
		case token.QUO:
			if constant.Sign(y) == 0 {
				return nil
			}
			return constant.BinaryOp(constant.ToFloat(x), token.QUO, constant.ToFloat(y))
		}
	}
	return nil
}

// Order returns the indexes of items in the order to start them: longest
// expected duration first (the history's, else Estimate's), ties in the
// order of items. Skipped programs come last: they take no time.
func Order(items []Item, opts Options) []int {
	if len(items) <= 1 {
		// Nothing to order: no history look-up, no estimate (which
		// parses the program).
		return make([]int, len(items))
	}
	expect := make([]time.Duration, len(items))
	for i, it := range items {
		if it.Program.Mode == lessons.ModeSkip {
			expect[i] = -1
			continue
		}
		key := HistoryKey(it.Program.Source, it.Settings(opts).Engine)
		if d, ok := opts.History.Get(key); ok {
			expect[i] = d
		} else {
			expect[i] = Estimate(it, opts.Timeout)
		}
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(expect[b], expect[a]) })
	return order
}
