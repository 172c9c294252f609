package bench

import (
	"fmt"
	"io"
	"strings"
)

// WriteTable writes results as a Markdown table, one row per size and
// backend, with each backend's speed-up over the CPU at the same size when
// the CPU was measured too.
func WriteTable(w io.Writer, results []Result) error {
	var b strings.Builder
	b.WriteString("| N | constraints | backend | setup | warm-up s | mean s | min s | proofs | events/s | vs cpu | CPU solve s | verified on CPU |\n")
	b.WriteString("| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		speedup := "—"
		for _, c := range results {
			if c.N == r.N && c.Backend == "cpu" && r.Backend != "cpu" && r.Mean() > 0 {
				speedup = fmt.Sprintf("%.1f×", c.Mean().Seconds()/r.Mean().Seconds())
			}
		}
		verified := "—"
		if r.Verified > 0 {
			verified = fmt.Sprintf("%d/%d", r.Verified, len(r.Times)+1)
		}
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %.3f | %.3f | %.3f | %d | %.1f | %s | %.3f | %s |\n",
			r.N, r.Constraints, r.Backend, r.Setup, r.First.Seconds(), r.Mean().Seconds(), r.Min().Seconds(),
			len(r.Times), r.EventsPerSecond(), speedup, r.Solve.Seconds(), verified)
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}
