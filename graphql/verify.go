package graphql

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/prover/verify"
	"github.com/provenant/provenant/store"
)

// The checks of a Verification, in order.
const (
	CheckEvent     = "event"
	CheckLeaf      = "leaf"
	CheckInclusion = "inclusion"
	CheckAnchor    = "anchor"
	CheckProof     = "proof"
	CheckRoots     = "registryRoots"
)

// maxVerifiedProofs bounds the memo of verified proofs.
const maxVerifiedProofs = 100_000

// Check is one step of a verification.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Verification is the outcome of VerifyEvent.
type Verification struct {
	EventID string  `json:"eventID"`
	Valid   bool    `json:"valid"`
	Checks  []Check `json:"checks"`
}

func (v *Verification) add(name string, ok bool, format string, args ...any) bool {
	v.Checks = append(v.Checks, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
	return ok
}

// skip records the checks that could not run after a failed one.
func (v *Verification) skip(why string, names ...string) {
	for _, n := range names {
		v.add(n, false, "not checked: %s", why)
	}
}

// VerifyEvent checks an event from scratch. From the store it takes only
// what it can check: the claims, the blinded commitment, the leaf index
// and path, the batch's proof. It recomputes the leaf from the claims and
// the commitment, follows the path to a root, reads the anchor of the
// batch from the ledger and compares the roots, verifies the proof against
// the verifying key pinned on the ledger with the ledger's public inputs,
// and checks that those registry roots were published on the ledger. The
// event is valid when every check passed. Errors are for failures to
// check (store or ledger unreachable), not for failed checks.
func (a *API) VerifyEvent(ctx context.Context, eventID string) (*Verification, error) {
	v := &Verification{EventID: eventID}
	all := []string{CheckLeaf, CheckInclusion, CheckAnchor, CheckProof, CheckRoots}
	l, err := loaderFrom(ctx)
	if err != nil {
		l = newLoader(a.cfg.Store)
	}
	if len(eventID) > 1024 {
		return nil, errorf(CodeBadUserInput, "event ID longer than 1024 characters")
	}
	e, err := l.event(ctx, eventID)
	if err != nil {
		return nil, storeErr(err)
	}
	if e == nil {
		v.add(CheckEvent, false, "no such event")
		v.skip("unknown event", all...)
		return v, nil
	}
	if e.Status != store.StatusProven && e.Status != store.StatusAnchored {
		v.add(CheckEvent, false, "the event is %s: not proven", e.Status)
		v.skip("the event is not proven", all...)
		return v, nil
	}
	m, err := l.member(ctx, eventID)
	if err != nil {
		return nil, storeErr(err)
	}
	var b *store.Batch
	if m != nil {
		if b, err = l.batch(ctx, m.BatchID); err != nil {
			return nil, storeErr(err)
		}
	}
	if m == nil || b == nil {
		v.add(CheckEvent, false, "the event is %s but in no batch", e.Status)
		v.skip("no batch", all...)
		return v, nil
	}
	v.add(CheckEvent, true, "%s in batch %s", e.Status, b.ID)

	// The leaf, from the public claims and the blinded commitment.
	view, err := newEventView(e)
	var leaf field.Element
	ok := err == nil
	if ok {
		var claimsHash, commitment field.Element
		if claimsHash, err = view.c.Hash(); err == nil {
			commitment, err = field.ParseHex(m.BlindedCommitment)
		}
		if ok = err == nil; ok {
			leaf = field.Hash(claimsHash, commitment)
			ok = field.Hex(leaf) == m.Leaf && view.c.EventID == e.ID
		}
	}
	if !v.add(CheckLeaf, ok, "%s", leafDetail(err, ok, leaf)) {
		v.skip("the leaf does not match the claims", all[1:]...)
		return v, nil
	}

	// The path, from the leaf to a root; that root is the store's batch root.
	path := merkle.Path{Index: uint64(max(m.Index, 0)), Siblings: make([]field.Element, 0, len(m.MerklePath))}
	for _, s := range m.MerklePath {
		sib, err := field.ParseHex(s)
		if err != nil || len(m.MerklePath) > verify.MaxPathLength {
			v.add(CheckInclusion, false, "malformed Merkle path")
			v.skip("malformed path", all[2:]...)
			return v, nil
		}
		path.Siblings = append(path.Siblings, sib)
	}
	root := field.Hex(merkle.RootFrom(leaf, path))
	if !v.add(CheckInclusion, m.Index >= 0 && root == b.Root, "the path at index %d leads to %s; the batch root is %s", m.Index, root, b.Root) {
		v.skip("the path does not lead to the batch root", all[2:]...)
		return v, nil
	}

	// The anchor, read from the ledger.
	rec, err := a.cfg.Ledger.GetAnchor(ctx, b.ID)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		v.add(CheckAnchor, false, "batch %s is not anchored on the ledger", b.ID)
		v.skip("no anchor on the ledger", all[3:]...)
		return v, nil
	case err != nil:
		return nil, ledgerErr(err)
	}
	if !v.add(CheckAnchor, rec.BatchRoot == root, "the ledger anchors root %s in tx %s", rec.BatchRoot, rec.TxID) {
		v.skip("the ledger anchors another root", all[4:]...)
		return v, nil
	}

	// The proof the store serves: the one on the ledger, and it verifies
	// against the pinned key with the ledger's public inputs.
	proofOK, detail, err := a.checkProof(ctx, b, rec, root)
	if err != nil {
		return nil, err
	}
	v.add(CheckProof, proofOK, "%s", detail)

	rootsOK, detail, err := a.checkRoots(ctx, rec)
	if err != nil {
		return nil, err
	}
	v.add(CheckRoots, rootsOK, "%s", detail)
	v.Valid = !slices.ContainsFunc(v.Checks, func(c Check) bool { return !c.OK })
	return v, nil
}

func leafDetail(err error, ok bool, leaf field.Element) string {
	switch {
	case err != nil:
		return fmt.Sprintf("cannot recompute the leaf: %v", err)
	case !ok:
		return fmt.Sprintf("the leaf recomputed from the claims and the blinded commitment, %s, is not the leaf proven", field.Hex(leaf))
	default:
		return fmt.Sprintf("H(claims hash, blinded commitment) = %s", field.Hex(leaf))
	}
}

func (a *API) checkProof(ctx context.Context, b *store.Batch, rec chaincode.AnchorRecord, root string) (bool, string, error) {
	if base64.StdEncoding.EncodeToString(b.Proof) != rec.Proof {
		return false, "the batch's proof differs from the proof anchored on the ledger", nil
	}
	if len(rec.PublicInputs) != 3 || rec.PublicInputs[0] != root {
		return false, "the ledger's public inputs do not start with the batch root", nil
	}
	vk, err := a.pinnedKey(ctx, rec.Circuit, rec.CircuitVersion)
	if errors.Is(err, ledger.ErrNotFound) {
		return false, fmt.Sprintf("no verifying key pinned on the ledger for %s/%s", rec.Circuit, rec.CircuitVersion), nil
	}
	if err != nil {
		return false, "", err
	}
	inputs := make([]fr.Element, len(rec.PublicInputs))
	for i, s := range rec.PublicInputs {
		if inputs[i], err = field.ParseHex(s); err != nil {
			return false, fmt.Sprintf("public input %d: %v", i, err), nil
		}
	}
	// A proof that verified once against a key and inputs always does:
	// remember the successes, not the failures.
	memo := sha256.New()
	for _, part := range append([]string{rec.Circuit, rec.CircuitVersion, rec.Proof}, rec.PublicInputs...) {
		memo.Write([]byte(part))
		memo.Write([]byte{0})
	}
	key := string(memo.Sum(nil))
	a.mu.Lock()
	known := a.verified[key]
	a.mu.Unlock()
	if !known {
		if err := verify.VerifyProof(vk, b.Proof, inputs); err != nil {
			return false, fmt.Sprintf("the proof does not verify against %s/%s: %v", rec.Circuit, rec.CircuitVersion, err), nil
		}
		a.mu.Lock()
		if len(a.verified) >= maxVerifiedProofs {
			clear(a.verified)
		}
		a.verified[key] = true
		a.mu.Unlock()
	}
	return true, fmt.Sprintf("Groth16 proof verifies against the key pinned on the ledger for %s/%s", rec.Circuit, rec.CircuitVersion), nil
}

// pinnedKey reads a verifying key from the ledger once: pinned keys are
// immutable there.
func (a *API) pinnedKey(ctx context.Context, circuit, version string) (groth16.VerifyingKey, error) {
	k := [2]string{circuit, version}
	a.mu.Lock()
	vk, ok := a.keys[k]
	a.mu.Unlock()
	if ok {
		return vk, nil
	}
	rec, err := a.cfg.Ledger.VerifyingKey(ctx, circuit, version)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, ledgerErr(err)
	}
	raw, err := base64.StdEncoding.DecodeString(rec.Key)
	if err != nil {
		return nil, errorf(CodeInternal, "pinned key %s/%s: %v", circuit, version, err)
	}
	if vk, err = verify.ParseVerifyingKey(raw); err != nil {
		return nil, errorf(CodeInternal, "pinned key %s/%s: %v", circuit, version, err)
	}
	a.mu.Lock()
	a.keys[k] = vk
	a.mu.Unlock()
	return vk, nil
}

// checkRoots checks that the proof's registry roots were published.
func (a *API) checkRoots(ctx context.Context, rec chaincode.AnchorRecord) (bool, string, error) {
	if len(rec.PublicInputs) != 3 {
		return false, "the anchor does not have three public inputs", nil
	}
	for i, kind := range []chaincode.RootKind{chaincode.RootSuppliers, chaincode.RootOrigins} {
		root := rec.PublicInputs[i+1]
		ok, err := a.isPublished(ctx, kind, root)
		if err != nil {
			return false, "", err
		}
		if !ok {
			return false, fmt.Sprintf("the %s root %s was never published on the ledger", kind, root), nil
		}
	}
	return true, fmt.Sprintf("supplier root %s and origin root %s are published on the ledger", rec.PublicInputs[1], rec.PublicInputs[2]), nil
}

func (a *API) isPublished(ctx context.Context, kind chaincode.RootKind, root string) (bool, error) {
	key := string(kind) + "/" + root
	a.mu.Lock()
	ok := a.published[key]
	a.mu.Unlock()
	if ok {
		return true, nil
	}
	recs, err := a.cfg.Ledger.Roots(ctx, string(kind))
	if err != nil && !errors.Is(err, ledger.ErrNotFound) {
		return false, ledgerErr(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range recs {
		a.published[string(kind)+"/"+r.Root] = true // publication is permanent
	}
	return a.published[key], nil
}
