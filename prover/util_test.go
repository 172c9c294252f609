package prover_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/consensys/gnark/backend/witness"

	"github.com/provenant/provenant/circuits/batch"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func publicWitness(t testing.TB, inputs []string) witness.Witness {
	t.Helper()
	if len(inputs) != 3 {
		t.Fatalf("%d public inputs, want 3", len(inputs))
	}
	w, err := batch.PublicWitness(parseHex(t, inputs[0]), parseHex(t, inputs[1]), parseHex(t, inputs[2]))
	if err != nil {
		t.Fatal(err)
	}
	return w
}
