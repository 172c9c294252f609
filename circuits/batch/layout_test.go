package batch_test

import (
	"testing"

	"github.com/provenant/provenant/circuits/batch"
)

func TestParseID(t *testing.T) {
	for _, n := range batch.Sizes() {
		l := batch.DefaultLayout(n)
		got, err := batch.ParseID(l.ID())
		if err != nil || got != l {
			t.Errorf("ParseID(%q) = %+v, %v; want %+v", l.ID(), got, err, l)
		}
	}
	for _, bad := range []string{"", "provenant-batch-v1-n3-k1-m1", "provenant-batch-v1-n8-k9-m1", "provenant-batch-v2-n8-k2-m1", "provenant-batch-v1-n08-k2-m1", "provenant-batch-v1-n8-k2-m1x"} {
		if _, err := batch.ParseID(bad); err == nil {
			t.Errorf("ParseID(%q) succeeded", bad)
		}
	}
}
