package setup

import (
	"fmt"
	"slices"
	"strings"

	"github.com/consensys/gnark/frontend"
)

// Registry maps circuit IDs to constructors of their circuit definitions
// (empty circuits, ready for frontend.Compile). The commands fill it with
// the circuits Provenant proves; the setup commands accept these IDs.
type Registry map[string]func() (frontend.Circuit, error)

// Circuit returns the definition of the circuit registered as id.
func (r Registry) Circuit(id string) (frontend.Circuit, error) {
	newCircuit, ok := r[id]
	if !ok {
		return nil, fmt.Errorf("unknown circuit %q; known: %s", id, strings.Join(r.IDs(), ", "))
	}
	c, err := newCircuit()
	if err != nil {
		return nil, fmt.Errorf("circuit %s: %w", id, err)
	}
	return c, nil
}

// IDs returns the registered IDs, sorted.
func (r Registry) IDs() []string {
	ids := make([]string, 0, len(r))
	for id := range r {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
