// Package audit checks the ledger's anchors and the store against each
// other, trusting neither: every anchor's proof is verified here, against
// the verifying key pinned on the ledger, with public inputs whose registry
// roots must have been published by the Authority; every batch the store
// calls PROVEN or ANCHORED must be on the ledger with the same content;
// every anchor must be known to the store; every member event of an
// anchored batch must still lead, from its claims, to the anchored root.
package audit

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/prover/verify"
	"github.com/provenant/provenant/store"
)

// Ledger is what the audit reads from the ledger; *ledger.Client has it.
type Ledger interface {
	Anchors(ctx context.Context, pageSize int) iter.Seq2[chaincode.AnchorRecord, error]
	VerifyingKey(ctx context.Context, circuit, version string) (chaincode.VerifyingKeyRecord, error)
	Roots(ctx context.Context, kind string) ([]chaincode.RootRecord, error)
}

// Checks, the names a Finding carries.
const (
	// CheckProof: the anchored proof does not verify against the pinned key.
	CheckProof = "proof"
	// CheckPublicInputs: the public inputs are not [batch root, supplier root, origin root].
	CheckPublicInputs = "public-inputs"
	// CheckRootUnpublished: a registry root the proof uses was never published.
	CheckRootUnpublished = "root-unpublished"
	// CheckDuplicate: one batch root anchored under several batch IDs.
	CheckDuplicate = "duplicate"
	// CheckUnknownToStore: an anchor the store has no batch for.
	CheckUnknownToStore = "unknown-to-store"
	// CheckStoreAltered: the store's batch, its anchor record or a member
	// event differs from what was anchored.
	CheckStoreAltered = "store-altered"
	// CheckNotAnchored: a PROVEN or ANCHORED batch of the store is not on the ledger.
	CheckNotAnchored = "not-anchored"
)

// Finding is one thing wrong.
type Finding struct {
	Check   string `json:"check"`
	BatchID string `json:"batchID"`
	Detail  string `json:"detail"`
}

// Report is the outcome of an audit.
type Report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Anchors counts the anchors read from the ledger, Verified those
	// whose proof verified here.
	Anchors  int `json:"anchors"`
	Verified int `json:"verified"`
	// Batches counts the PROVEN and ANCHORED batches read from the store,
	// Members the member events checked.
	Batches  int       `json:"batches"`
	Members  int       `json:"members"`
	Findings []Finding `json:"findings"`
}

// OK reports whether the audit found nothing.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// Config tunes an audit.
type Config struct {
	// Grace leaves PROVEN batches younger than this out of the
	// not-anchored check: the anchorer may not have reached them yet.
	Grace time.Duration
	// PageSize is the ledger page size (default 100).
	PageSize int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Run audits the ledger and the store. An error means the audit could not
// be completed (the ledger or store failed), not that it found something:
// findings are in the report.
func Run(ctx context.Context, st store.Store, l Ledger, cfg Config) (Report, error) {
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := auditor{st: st, l: l, cfg: cfg, keys: map[[2]string]groth16.VerifyingKey{}, roots: map[string]map[string]bool{}}
	a.rep.Started = cfg.Now()
	if err := a.run(ctx); err != nil {
		return a.rep, err
	}
	a.rep.Finished = cfg.Now()
	slices.SortStableFunc(a.rep.Findings, func(x, y Finding) int {
		if x.BatchID != y.BatchID {
			if x.BatchID < y.BatchID {
				return -1
			}
			return 1
		}
		return 0
	})
	return a.rep, nil
}

type auditor struct {
	st    store.Store
	l     Ledger
	cfg   Config
	rep   Report
	keys  map[[2]string]groth16.VerifyingKey
	roots map[string]map[string]bool // kind -> root (lower hex) -> published
}

func (a *auditor) find(check, batchID, format string, args ...any) {
	a.rep.Findings = append(a.rep.Findings, Finding{Check: check, BatchID: batchID, Detail: fmt.Sprintf(format, args...)})
}

func (a *auditor) run(ctx context.Context) error {
	for _, kind := range []string{string(chaincode.RootSuppliers), string(chaincode.RootOrigins)} {
		recs, err := a.l.Roots(ctx, kind)
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("audit: published %s roots: %w", kind, err)
		}
		a.roots[kind] = map[string]bool{}
		for _, r := range recs {
			a.roots[kind][normHex(r.Root)] = true
		}
	}

	onLedger := map[string]chaincode.AnchorRecord{}
	byRoot := map[string]string{}
	for rec, err := range a.l.Anchors(ctx, a.cfg.PageSize) {
		if err != nil {
			return fmt.Errorf("audit: list anchors: %w", err)
		}
		a.rep.Anchors++
		onLedger[rec.BatchID] = rec
		if other, dup := byRoot[normHex(rec.BatchRoot)]; dup {
			a.find(CheckDuplicate, rec.BatchID, "batch root %s is also anchored as batch %q", rec.BatchRoot, other)
		} else {
			byRoot[normHex(rec.BatchRoot)] = rec.BatchID
		}
		if err := a.checkAnchor(ctx, rec); err != nil {
			return err
		}
	}

	seen := map[string]bool{}
	for _, status := range []store.Status{store.StatusProven, store.StatusAnchored} {
		batches, err := a.st.ListBatchesByStatus(ctx, status, 1<<30)
		if err != nil {
			return fmt.Errorf("audit: list %s batches: %w", status, err)
		}
		for _, b := range batches {
			a.rep.Batches++
			seen[b.ID] = true
			if err := a.checkBatch(ctx, b, onLedger); err != nil {
				return err
			}
		}
	}
	for id := range onLedger {
		if seen[id] {
			continue
		}
		b, err := a.st.GetBatch(ctx, id)
		switch {
		case isStoreNotFound(err):
			a.find(CheckUnknownToStore, id, "anchored on the ledger (tx %s), but the store has no such batch", onLedger[id].TxID)
		case err != nil:
			return fmt.Errorf("audit: batch %q: %w", id, err)
		default:
			a.find(CheckStoreAltered, id, "anchored on the ledger (tx %s), but the store has the batch as %s", onLedger[id].TxID, b.Status)
		}
	}
	return nil
}

// checkAnchor verifies one anchor on its own: public inputs, roots, proof.
func (a *auditor) checkAnchor(ctx context.Context, rec chaincode.AnchorRecord) error {
	id := rec.BatchID
	if len(rec.PublicInputs) != 3 {
		a.find(CheckPublicInputs, id, "%d public inputs, want 3 (batch root, supplier root, origin root)", len(rec.PublicInputs))
		return nil
	}
	if normHex(rec.PublicInputs[0]) != normHex(rec.BatchRoot) {
		a.find(CheckPublicInputs, id, "public input 0 is %s, not the batch root %s", rec.PublicInputs[0], rec.BatchRoot)
	}
	for i, kind := range []string{1: string(chaincode.RootSuppliers), 2: string(chaincode.RootOrigins)} {
		if kind == "" {
			continue
		}
		if !a.roots[kind][normHex(rec.PublicInputs[i])] {
			a.find(CheckRootUnpublished, id, "%s root %s was never published on the ledger", kind, rec.PublicInputs[i])
		}
	}
	inputs := make([]fr.Element, len(rec.PublicInputs))
	for i, s := range rec.PublicInputs {
		e, err := field.ParseHex(s)
		if err != nil {
			a.find(CheckPublicInputs, id, "public input %d: %v", i, err)
			return nil
		}
		inputs[i] = e
	}
	vk, err := a.key(ctx, rec.Circuit, rec.CircuitVersion)
	if err != nil {
		if isNotFound(err) {
			a.find(CheckProof, id, "no verifying key pinned for %s/%s", rec.Circuit, rec.CircuitVersion)
			return nil
		}
		if _, bad := err.(*badKeyError); bad {
			a.find(CheckProof, id, "%v", err)
			return nil
		}
		return err
	}
	proof, err := base64.StdEncoding.DecodeString(rec.Proof)
	if err != nil {
		a.find(CheckProof, id, "proof is not base64: %v", err)
		return nil
	}
	if err := verify.VerifyProof(vk, proof, inputs); err != nil {
		a.find(CheckProof, id, "proof does not verify against %s/%s: %v", rec.Circuit, rec.CircuitVersion, err)
		return nil
	}
	a.rep.Verified++
	return nil
}

type badKeyError struct{ msg string }

func (e *badKeyError) Error() string { return e.msg }

func (a *auditor) key(ctx context.Context, circuit, version string) (groth16.VerifyingKey, error) {
	k := [2]string{circuit, version}
	if vk, ok := a.keys[k]; ok {
		return vk, nil
	}
	rec, err := a.l.VerifyingKey(ctx, circuit, version)
	if err != nil {
		return nil, fmt.Errorf("audit: verifying key %s/%s: %w", circuit, version, err)
	}
	raw, err := base64.StdEncoding.DecodeString(rec.Key)
	if err != nil {
		return nil, &badKeyError{fmt.Sprintf("pinned key %s/%s is not base64: %v", circuit, version, err)}
	}
	vk, err := verify.ParseVerifyingKey(raw)
	if err != nil {
		return nil, &badKeyError{fmt.Sprintf("pinned key %s/%s: %v", circuit, version, err)}
	}
	a.keys[k] = vk
	return vk, nil
}

// checkBatch compares a store batch with the ledger, and its members with
// its root.
func (a *auditor) checkBatch(ctx context.Context, b store.Batch, onLedger map[string]chaincode.AnchorRecord) error {
	rec, anchored := onLedger[b.ID]
	if !anchored {
		if b.Status == store.StatusAnchored {
			a.find(CheckNotAnchored, b.ID, "the store has the batch ANCHORED, but it is missing from the ledger")
		} else if age := a.cfg.Now().Sub(b.CreatedAt); age >= a.cfg.Grace {
			a.find(CheckNotAnchored, b.ID, "PROVEN for %s and not anchored on the ledger", age.Round(time.Second))
		}
		return nil
	}
	if f := ledger.Differs(b, rec); f != "" {
		a.find(CheckStoreAltered, b.ID, "the store's %s differs from the anchored one (tx %s)", f, rec.TxID)
	}
	if b.Status == store.StatusAnchored {
		sa, err := a.st.GetAnchor(ctx, b.ID)
		switch {
		case isStoreNotFound(err):
			a.find(CheckStoreAltered, b.ID, "ANCHORED in the store without an anchor record")
		case err != nil:
			return fmt.Errorf("audit: anchor of batch %q: %w", b.ID, err)
		case sa.TxID != rec.TxID:
			a.find(CheckStoreAltered, b.ID, "the store records tx %s, the ledger tx %s", sa.TxID, rec.TxID)
		case normHex(sa.BatchRoot) != normHex(rec.BatchRoot):
			a.find(CheckStoreAltered, b.ID, "the store's anchor record has root %s, the ledger %s", sa.BatchRoot, rec.BatchRoot)
		}
	}
	members, err := a.st.ListBatchMembers(ctx, b.ID)
	if err != nil {
		return fmt.Errorf("audit: members of batch %q: %w", b.ID, err)
	}
	for _, m := range members {
		a.rep.Members++
		inc, err := verify.InclusionFromStore(ctx, a.st, m.EventID)
		if err != nil {
			a.find(CheckStoreAltered, b.ID, "member event %q: %v", m.EventID, err)
			continue
		}
		inc.BatchRoot = rec.BatchRoot // the anchored root, not the store's
		if err := verify.VerifyInclusion(inc); err != nil {
			a.find(CheckStoreAltered, b.ID, "member event %q: %v", m.EventID, err)
		}
	}
	return nil
}

func isNotFound(err error) bool      { return err != nil && errors.Is(err, ledger.ErrNotFound) }
func isStoreNotFound(err error) bool { return err != nil && errors.Is(err, store.ErrNotFound) }

func normHex(s string) string { return strings.ToLower(s) }
