//go:build !windows

// Command workbook teaches how Go runs external processes and connects them
// with pipes, and proves that every example it teaches still works.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ppworkbook/workbook/workbook/cli"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

func main() {
	if sandbox.IsChild() {
		os.Exit(sandbox.ChildMain(engine.Payloads()))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
