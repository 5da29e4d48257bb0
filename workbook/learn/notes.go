package learn

import "github.com/ppworkbook/workbook/workbook/check"

// printNotes says, under a passing check, what the verdict notes: output
// cut at the cap (the program printed more than the workbook keeps).
func (a *app) printNotes(res check.Result) {
	if res.OutputCut != "" {
		a.out("%s\n", a.p.Dim("note: "+res.OutputCut+"; the rest of the output was discarded"))
	}
}
