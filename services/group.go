package services

import (
	"context"
	"sync"
)

// runGroup runs every function until the first returns; then it cancels
// the others, waits for them, and returns the first error.
func runGroup(ctx context.Context, fns ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(fns))
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- fn(ctx)
			cancel()
		}()
	}
	wg.Wait()
	close(errc)
	var first error
	for err := range errc {
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}
