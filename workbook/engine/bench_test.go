package engine

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The speed targets of docs/performance.md ("Engines and sandbox"). Run
// side by side, in one go test invocation:
//
//	go test -run '^$' -bench 'WarmYaegiHello|ExecCompiledHello|CompiledCacheHit' -benchtime 200x ./workbook/engine/
//
// The ...Spaced variants measure a request that arrives when the pool is
// full (a long-lived process between requests: watch mode, grading); the
// others send requests back to back, so that the pool has to keep up.

// BenchmarkWarmYaegiHello: request to verdict for hello world through a
// Runner whose pool keeps pre-started, warmed interpreter children.
func BenchmarkWarmYaegiHello(b *testing.B) {
	r, err := New(Options{CacheDir: b.TempDir(), Warm: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	p := program(`fmt.Println("hello")`)
	ctx := context.Background()
	var inChild time.Duration
	for b.Loop() {
		v, err := r.Run(ctx, Request{Program: p, Engine: Yaegi})
		if err != nil || v.End != Exited || string(v.Stdout) != "hello\n" {
			b.Fatalf("%v %s", err, verdictSummary(v))
		}
		inChild += v.Duration
	}
	// The sandbox's own measure: from handing the request to a child to
	// the verdict, without waiting for a child to be ready.
	b.ReportMetric(float64(inChild.Nanoseconds())/float64(b.N), "handover-to-verdict-ns/op")
}

// BenchmarkWarmYaegiHelloSpaced: as BenchmarkWarmYaegiHello, but each
// request arrives when the pool holds its ready children (the wait for the
// pool is not timed): request to verdict in a long-lived process.
func BenchmarkWarmYaegiHelloSpaced(b *testing.B) {
	benchSpaced(b, Yaegi)
}

// BenchmarkCompiledCacheHitSpaced: as BenchmarkCompiledCacheHit, each
// request arriving when the pool is full.
func BenchmarkCompiledCacheHitSpaced(b *testing.B) {
	benchSpaced(b, Compiled)
}

func benchSpaced(b *testing.B, engine string) {
	r, err := New(Options{CacheDir: b.TempDir(), Warm: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if engine == Compiled && r.compiled.tc.path == "" {
		b.Skip("no go toolchain on PATH")
	}
	p := program(`fmt.Println("hello")`)
	ctx := context.Background()
	// The first run fills the binary cache for Compiled.
	if v, err := r.Run(ctx, Request{Program: p, Engine: engine}); err != nil || v.End != Exited {
		b.Fatalf("%v %s", err, verdictSummary(v))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := r.WaitReady(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		v, err := r.Run(ctx, Request{Program: p, Engine: engine})
		if err != nil || v.End != Exited || string(v.Stdout) != "hello\n" {
			b.Fatalf("%v %s", err, verdictSummary(v))
		}
	}
}

// BenchmarkInterpretHello is the interpreter's share of a run: tables,
// compile and execute of hello world in this process (output to
// /dev/null), without any process start.
func BenchmarkInterpretHello(b *testing.B) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	args, cmdline := os.Args, flag.CommandLine
	defer func() { os.Args, flag.CommandLine = args, cmdline }()
	a := analyze(program(`fmt.Println("hello")`))
	req := &yaegiRequest{Source: a.source, Imports: a.imports}
	warm := warmYaegi()
	for b.Loop() {
		if code := interpret(req, warm, devnull, devnull); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkExecCompiledHello is the baseline of the warm target: exec of
// the same program already compiled, through no sandbox.
func BenchmarkExecCompiledHello(b *testing.B) {
	_, _, bin := benchHello(b)
	for b.Loop() {
		if out, err := exec.Command(bin).Output(); err != nil || string(out) != "hello\n" {
			b.Fatalf("%q %v", out, err)
		}
	}
}

// BenchmarkCompiledCacheHit: request to verdict for hello world on the
// compiled engine when the binary is cached, through a Runner. The sandbox
// starts the binary directly where it may (as root); with
// WORKBOOK_SANDBOX_ISOLATION=user+pid+mount it is exec'd by one of the
// Runner's pre-started children instead.
func BenchmarkCompiledCacheHit(b *testing.B) {
	r, err := New(Options{CacheDir: b.TempDir(), Warm: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if r.compiled.tc.path == "" {
		b.Skip("no go toolchain on PATH")
	}
	p := program(`fmt.Println("hello")`)
	ctx := context.Background()
	if v, err := r.Run(ctx, Request{Program: p, Engine: Compiled}); err != nil || v.End != Exited {
		b.Fatalf("%v %s", err, verdictSummary(v))
	}
	for b.Loop() {
		v, err := r.Run(ctx, Request{Program: p, Engine: Compiled})
		if err != nil || v.End != Exited || string(v.Stdout) != "hello\n" {
			b.Fatalf("%v %s", err, verdictSummary(v))
		}
	}
}

// BenchmarkColdYaegiHello: request to verdict through a fresh sandbox
// child (no pool), for comparison.
func BenchmarkColdYaegiHello(b *testing.B) {
	r, err := New(Options{CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	p := program(`fmt.Println("hello")`)
	ctx := context.Background()
	for b.Loop() {
		v, err := r.Run(ctx, Request{Program: p, Engine: Yaegi})
		if err != nil || v.End != Exited || string(v.Stdout) != "hello\n" {
			b.Fatalf("%v %s", err, verdictSummary(v))
		}
	}
}

// BenchmarkAnalyze is the gap analysis of a mid-sized program (in the
// workbook process, before every yaegi run).
func BenchmarkAnalyze(b *testing.B) {
	src, err := os.ReadFile("testdata/gaps/exec_pipe.go")
	if err != nil {
		b.Fatal(err)
	}
	p := program("")
	p.Source = string(src)
	for b.Loop() {
		if a := analyze(p); a.err != nil {
			b.Fatal(a.err)
		}
	}
}
