package ingest_test

import (
	"testing"
	"time"
)

func TestZZSignCost(t *testing.T) {
	k := newKey(t)
	start := time.Now()
	for i := range 200 {
		signed(t, k, eventDoc(i*5, 5))
	}
	t.Logf("per event sign: %v", time.Since(start)/1000)
	start = time.Now()
	for i := range 200 {
		signed(t, k, eventDoc(i, 1))
	}
	t.Logf("per 1-event msg sign: %v", time.Since(start)/200)
}
