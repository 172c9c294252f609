package batch_test

import (
	"fmt"

	"github.com/provenant/provenant/circuits/batch"
)

// Each batch size has its own circuit, named by its layout.
func ExampleDefaultLayout() {
	for _, n := range batch.Sizes() {
		fmt.Println(batch.DefaultLayout(n).ID())
	}
	// Output:
	// provenant-batch-v1-n1-k1-m1
	// provenant-batch-v1-n2-k1-m1
	// provenant-batch-v1-n8-k2-m1
	// provenant-batch-v1-n32-k8-m4
	// provenant-batch-v1-n128-k32-m16
}
