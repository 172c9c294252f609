package batch

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Version names the statement the batch circuit proves; it begins every ID.
const Version = "provenant-batch-v1"

// Sizes returns the batch sizes N that Provenant proves.
func Sizes() []int { return []int{1, 2, 8, 32, 128} }

// MaxEvents bounds N.
const MaxEvents = 1024

// Layout is the shape of a batch circuit: how many event slots, supplier
// key slots and origin certificate slots it has. Each layout is its own
// circuit, with its own proving and verifying keys.
type Layout struct {
	// Events is N, the number of event slots: a power of two.
	Events int
	// Keys is K, the number of distinct supplier keys a batch may hold
	// (1 ≤ K ≤ N). Each costs one registry membership proof.
	Keys int
	// Origins is M, the number of distinct origin certificates (facility,
	// region, validity) a batch's origin events may rely on (0 ≤ M ≤ N).
	// Each costs one registry membership proof.
	Origins int
}

// DefaultLayout returns the layout Provenant uses for n events: one key
// slot per four event slots and one origin slot per eight, K = max(1, n/4)
// and M = max(1, n/8).
func DefaultLayout(n int) Layout {
	return Layout{Events: n, Keys: max(1, n/4), Origins: max(1, n/8)}
}

// ID returns the identifier of the default layout for n events, such as
// "provenant-batch-v1-n32-k8-m4".
func ID(n int) string { return DefaultLayout(n).ID() }

// ID returns the identifier of the layout: the version, then N, K and M.
func (l Layout) ID() string {
	return fmt.Sprintf("%s-n%d-k%d-m%d", Version, l.Events, l.Keys, l.Origins)
}

// Validate reports whether the layout can be built.
func (l Layout) Validate() error {
	if l.Events < 1 || l.Events > MaxEvents || l.Events&(l.Events-1) != 0 {
		return fmt.Errorf("batch layout: %d events, want a power of two from 1 to %d", l.Events, MaxEvents)
	}
	if l.Keys < 1 || l.Keys > l.Events {
		return fmt.Errorf("batch layout: %d key slots, want 1 to %d", l.Keys, l.Events)
	}
	if l.Origins < 0 || l.Origins > l.Events {
		return fmt.Errorf("batch layout: %d origin slots, want 0 to %d", l.Origins, l.Events)
	}
	return nil
}

// depth returns log2 N, the depth of the batch tree.
func (l Layout) depth() int { return bits.TrailingZeros(uint(l.Events)) }

// Compile compiles the layout's circuit to a BN254 R1CS for Groth16. It
// fails when the system would carry Groth16 commitments, which other
// verifiers (snarkjs, Solidity exports without commitment support) cannot
// check.
func (l Layout) Compile() (constraint.ConstraintSystem, error) {
	c, err := l.New()
	if err != nil {
		return nil, err
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", l.ID(), err)
	}
	if n := len(cs.GetCommitments().CommitmentIndexes()); n != 0 {
		return nil, fmt.Errorf("compile %s: %d Groth16 commitments, want none", l.ID(), n)
	}
	return cs, nil
}

// CapacityError reports a batch that does not fit a layout.
type CapacityError struct {
	Layout Layout
	// Resource is "events", "supplier keys" or "origin certificates".
	Resource string
	// Need is how many the batch needs, Have how many slots the layout has.
	Need, Have int
}

func (e *CapacityError) Error() string {
	return fmt.Sprintf("batch %s: %d %s, the layout has %d slots", e.Layout.ID(), e.Need, e.Resource, e.Have)
}

// ParseID returns the layout an ID names, as written by Layout.ID.
func ParseID(id string) (Layout, error) {
	var l Layout
	rest, ok := strings.CutPrefix(id, Version+"-")
	if !ok {
		return l, fmt.Errorf("batch circuit ID %q: want %s-n<N>-k<K>-m<M>", id, Version)
	}
	if _, err := fmt.Sscanf(rest, "n%d-k%d-m%d", &l.Events, &l.Keys, &l.Origins); err != nil {
		return l, fmt.Errorf("batch circuit ID %q: want %s-n<N>-k<K>-m<M>", id, Version)
	}
	if l.ID() != id {
		return l, fmt.Errorf("batch circuit ID %q is not in canonical form (%s)", id, l.ID())
	}
	return l, l.Validate()
}
