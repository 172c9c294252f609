package gpu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/consensys/gnark/backend/groth16"
	groth16_bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/provenant/provenant/prover"
)

// fakeGPU proves on the CPU under the name "gpu"; a broken one returns
// proofs that do not verify.
type fakeGPU struct {
	broken bool
	closed bool
}

func (*fakeGPU) Name() string { return "gpu" }

func (f *fakeGPU) Prove(ctx context.Context, cs constraint.ConstraintSystem, pk groth16.ProvingKey, full witness.Witness) (groth16.Proof, error) {
	proof, err := prover.CPU().Prove(ctx, cs, pk, full)
	if err != nil || !f.broken {
		return proof, err
	}
	p := proof.(*groth16_bn254.Proof)
	p.Ar.Neg(&p.Ar)
	return p, nil
}

func (f *fakeGPU) Close() error { f.closed = true; return nil }

func TestSelect(t *testing.T) {
	device := Device{ID: 0, Count: 1, MemoryTotal: 80 << 30, MemoryFree: 79 << 30, BackendDir: "/icicle/lib/backend"}
	found := func() (Device, error) { return device, nil }
	notBuilt := func() (Device, error) { return Device{}, ErrNotBuilt }
	noDevice := func() (Device, error) {
		return Device{}, fmt.Errorf("%w: CUDA device 0 is not available (no GPU, or no driver)", ErrNoDevice)
	}
	tests := []struct {
		name       string
		mode       Mode
		probe      Probe
		broken     bool   // the GPU's proofs do not verify
		openErr    error  // opening the backend fails
		want       string // backend name; "" for an error
		wantErr    error
		wantErrMsg string
		fallback   bool
		wantLog    string
	}{
		{name: "off never probes", mode: ModeOff, probe: func() (Device, error) { panic("probed") }, want: "cpu", wantLog: "proving on the CPU"},
		{name: "on with a device", mode: ModeOn, probe: found, want: "gpu", wantLog: "proving on the GPU"},
		{name: "on without the tag", mode: ModeOn, probe: notBuilt, wantErr: ErrNotBuilt, wantErrMsg: "built without -tags icicle; build with scripts/build-gpu.sh"},
		{name: "on without a device", mode: ModeOn, probe: noDevice, wantErr: ErrNoDevice, wantErrMsg: "no CUDA device"},
		{name: "on with a broken GPU", mode: ModeOn, probe: found, broken: true, wantErr: ErrSelfTest, wantErrMsg: "does not verify on the CPU"},
		{name: "on when opening fails", mode: ModeOn, probe: found, openErr: ErrNoDevice, wantErr: ErrNoDevice},
		{name: "auto with a device", mode: ModeAuto, probe: found, want: "gpu", wantLog: "proving on the GPU"},
		{name: "auto without the tag", mode: ModeAuto, probe: notBuilt, want: "cpu", fallback: true, wantLog: "built without -tags icicle"},
		{name: "auto without a device", mode: ModeAuto, probe: noDevice, want: "cpu", fallback: true, wantLog: "no CUDA device"},
		{name: "auto with a broken GPU", mode: ModeAuto, probe: found, broken: true, want: "cpu", fallback: true, wantLog: "level=WARN"},
		{name: "auto when opening fails", mode: ModeAuto, probe: found, openErr: ErrNoDevice, want: "cpu", fallback: true, wantLog: "no CUDA device"},
		{name: "unknown mode", mode: "yes", probe: found, wantErrMsg: `gpu mode "yes"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			reg := prometheus.NewRegistry()
			gpu := &fakeGPU{broken: tc.broken}
			open := func(d Device) (prover.Backend, error) {
				if d != device {
					t.Errorf("opened %+v, want the probed %+v", d, device)
				}
				if tc.openErr != nil {
					return nil, tc.openErr
				}
				return gpu, nil
			}
			b, err := Select(context.Background(), tc.mode, log, WithProbe(tc.probe), WithOpen(open), WithMetrics(reg))
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Select = %s backend, want an error", b.Name())
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("error %q is not %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErrMsg) {
					t.Errorf("error %q does not say %q", err, tc.wantErrMsg)
				}
				if tc.broken && !gpu.closed {
					t.Error("the broken GPU backend was not closed")
				}
				return
			}
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			if b.Name() != tc.want {
				t.Errorf("backend %s, want %s", b.Name(), tc.want)
			}
			if !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("log does not say %q:\n%s", tc.wantLog, logs.String())
			}
			if got := backendInfo(t, reg); got != fmt.Sprintf("backend=%s gpu=%s fallback=%t", tc.want, tc.mode, tc.fallback) {
				t.Errorf("provenant_prover_backend_info: %s", got)
			}
		})
	}
}

// backendInfo returns the labels of the provenant_prover_backend_info
// series whose value is 1.
func backendInfo(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var series []string
	for _, mf := range mfs {
		if mf.GetName() != "provenant_prover_backend_info" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetGauge().GetValue() != 1 {
				continue
			}
			l := map[string]string{}
			for _, lp := range m.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			series = append(series, fmt.Sprintf("backend=%s gpu=%s fallback=%s", l["backend"], l["gpu"], l["fallback"]))
		}
	}
	return strings.Join(series, "; ")
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"off", "on", "auto"} {
		if m, err := ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "ON", "true", "gpu"} {
		if _, err := ParseMode(s); err == nil {
			t.Errorf("ParseMode(%q) succeeded", s)
		}
	}
}
