//go:build !unix

package gpu

import "context"

// lockWarmUp does nothing where flock does not exist; the GPU backend runs
// on Linux.
func lockWarmUp(context.Context, string) (func(), error) { return func() {}, nil }
