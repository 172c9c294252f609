package registry

import (
	"runtime"
	"sync"
)

// minParallel is the least work items worth spreading over goroutines.
const minParallel = 512

// parallel calls fn on consecutive ranges [lo, hi) that cover [0, n), on
// up to GOMAXPROCS goroutines, and returns when all have returned.
func parallel(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < minParallel || workers < 2 {
		fn(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		wg.Go(func() { fn(lo, min(lo+chunk, n)) })
	}
	wg.Wait()
}
