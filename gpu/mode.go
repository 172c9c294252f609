package gpu

import "fmt"

// Mode is the --gpu setting of the prover service: whether it proves on the
// GPU.
type Mode string

// The modes of Select.
const (
	// ModeOff proves on the CPU without looking for a GPU.
	ModeOff Mode = "off"
	// ModeOn proves on the GPU, or fails when this binary or machine
	// cannot.
	ModeOn Mode = "on"
	// ModeAuto proves on the GPU when this binary and machine can, else on
	// the CPU, and logs which and why.
	ModeAuto Mode = "auto"
)

// Modes lists the modes in the order the --gpu flag documents them.
func Modes() []Mode { return []Mode{ModeOff, ModeOn, ModeAuto} }

// ParseMode parses "off", "on" or "auto".
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes() {
		if s == string(m) {
			return m, nil
		}
	}
	return "", fmt.Errorf("gpu mode %q: want off, on or auto", s)
}
