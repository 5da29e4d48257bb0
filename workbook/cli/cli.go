// Package cli implements the workbook's command line.
package cli

import (
	"context"
	"fmt"
	"io"
)

// Main runs the workbook with args (without the program name) and returns
// the process exit status.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "workbook: not implemented yet")
	return 2
}
