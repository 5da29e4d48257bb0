package sandbox

import (
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestScratchCost(t *testing.T) {
	var d [8]time.Duration
	n := 200
	tmpl, _ := templates.get()
	for i := 0; i < n; i++ {
		done := make(chan struct{})
		go func() {
			defer close(done)
			runtime.LockOSThread()
			t0 := time.Now()
			if err := enterTemplate(tmpl); err != nil {
				t.Error(err)
			}
			unix.Unshare(unix.CLONE_NEWNS)
			t1 := time.Now()
			fd, _ := nets.take()
			enterNet(fd)
			defer nets.give(fd)
			t2 := time.Now()
			privateTmp(true)
			dir, _ := runDir()
			createRunDir(dir)
			t3 := time.Now()
			if err := mountProc(-1); err != nil {
				t.Error(err)
			}
			t4 := time.Now()
			dropThreadPrivileges()
			t5 := time.Now()
			for j, x := range []time.Duration{t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4)} {
				d[j] += x
			}
		}()
		<-done
	}
	for j, name := range []string{"ns", "net", "tmp+dir", "proc", "caps"} {
		t.Logf("%s %v", name, d[j]/time.Duration(n))
	}
}
