package prover

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// member is one event ready for a batch: its witness and what the store
// keeps of it once proven.
type member struct {
	event      store.Event
	witness    batch.EventWitness
	commitment field.Element
	// keyID and originID name the key slot and origin slot it needs.
	keyID    string
	originID string
}

// unprovable reports an event that no batch can prove; it is rejected with
// the message as its reason.
type unprovable struct{ err error }

func (u *unprovable) Error() string { return u.err.Error() }
func (u *unprovable) Unwrap() error { return u.err }

// prepare builds an event's witness from its stored claims and private
// payload and the registries. An *unprovable error means the event must be
// rejected; other errors are failures to retry.
func prepare(e store.Event, sups *registry.Suppliers, origins *registry.Origins) (member, error) {
	bad := func(format string, args ...any) (member, error) {
		return member{}, &unprovable{fmt.Errorf(format, args...)}
	}
	if len(e.Private) == 0 {
		return member{}, fmt.Errorf("event %s: private payload not readable (is the store key configured?)", e.ID)
	}
	var priv claims.Private
	if err := json.Unmarshal(e.Private, &priv); err != nil {
		return bad("stored private payload is not readable: %v", err)
	}
	var c claims.Claims
	if err := json.Unmarshal(e.Claims, &c); err != nil {
		return bad("stored claims are not readable: %v", err)
	}
	pub, err := supplier.ParsePublicKey(e.Supplier)
	if err != nil {
		return bad("stored supplier key: %v", err)
	}
	sigBytes, err := hex.DecodeString(priv.Signature)
	if err != nil {
		return bad("stored signature: %v", err)
	}
	saltBytes, err := hex.DecodeString(priv.Salt)
	if err != nil {
		return bad("stored salt: %v", err)
	}
	salt, err := field.Parse(saltBytes)
	if err != nil {
		return bad("stored salt: %v", err)
	}
	st := supplier.Statement{
		Claims:      c,
		Origin:      claims.Origin{Facility: priv.OriginFacility, Region: c.OriginRegion},
		EventDigest: field.Digest(priv.Event),
	}
	sig := supplier.EventSignature{Signature: sigBytes, Salt: salt}
	w, err := batch.NewEventWitness(st, pub, sig)
	if err != nil {
		return bad("%v", err)
	}
	m := member{event: e, commitment: st.Commitment(salt), keyID: pub.String()}

	if w.SupplierPath, err = sups.Path(pub); err != nil {
		if errors.Is(err, registry.ErrNotRegistered) {
			return bad("supplier key %s is not in the supplier registry", pub)
		}
		return member{}, err
	}
	if c.OriginRegion != "" {
		o, path, err := origins.FindClaim(priv.OriginFacility, c.OriginRegion, c.EventTime)
		if err != nil {
			if errors.Is(err, registry.ErrNotCertified) {
				return bad("origin not certified: %v", err)
			}
			return member{}, err
		}
		w.ValidFromMs = uint64(o.ValidFrom.UnixMilli())
		w.ValidUntilMs = uint64(o.ValidUntil.UnixMilli())
		w.OriginPath = path
		leaf, err := registry.OriginLeaf(o)
		if err != nil {
			return member{}, err
		}
		m.originID = field.Hex(leaf)
	}
	m.witness = w
	return m, nil
}
