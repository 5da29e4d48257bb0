package progress

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// bump reveals one more hint of id, n times, each in its own Update.
func bump(st Store, id string, n int) error {
	for range n {
		if _, err := st.Update(func(s *State) error {
			s.SetHints(id, s.HintsUsed(id)+1)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// TestUpdateConcurrent: Updates from several Stores (each opens the lock
// file itself, as two terminals do) never lose one another's changes.
func TestUpdateConcurrent(t *testing.T) {
	dir := t.TempDir()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two exercises per worker pair: contention on the same key
			// and on the same file.
			errs <- bump(Store{Dir: dir}, fmt.Sprintf("l/e%d", i%2), each)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := Store{Dir: dir}.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"l/e0", "l/e1"} {
		if got, want := s.HintsUsed(id), workers/2*each; got != want {
			t.Errorf("%s: %d updates recorded, want %d (updates were lost)", id, got, want)
		}
	}
}

// TestUpdateTwoProcesses: the lock holds between processes too.
func TestUpdateTwoProcesses(t *testing.T) {
	if dir := os.Getenv("PROGRESS_LOCK_HELPER_DIR"); dir != "" {
		n, _ := strconv.Atoi(os.Getenv("PROGRESS_LOCK_HELPER_N"))
		if err := bump(Store{Dir: dir}, "l/e", n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	dir := t.TempDir()
	const n = 40
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestUpdateTwoProcesses$")
		cmd.Env = append(os.Environ(), "PROGRESS_LOCK_HELPER_DIR="+dir, "PROGRESS_LOCK_HELPER_N="+strconv.Itoa(n))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	if err := bump(Store{Dir: dir}, "l/e", n); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper process: %v", err)
		}
	}
	s, err := Store{Dir: dir}.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.HintsUsed("l/e"); got != 3*n {
		t.Errorf("%d updates recorded, want %d (updates were lost)", got, 3*n)
	}
}
