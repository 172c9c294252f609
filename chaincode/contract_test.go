package chaincode

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/provenant/provenant/field"
)

type ctxI = contractapi.TransactionContextInterface

func TestPing(t *testing.T) {
	n := newNet(t)
	if got := n.cc.Ping(n.begin(otherMSP)); got != "pong" {
		t.Errorf("Ping = %q", got)
	}
	if w := n.stub.Writes(); w != 0 {
		t.Errorf("Ping wrote %d keys", w)
	}
}

func TestInit(t *testing.T) {
	n := newNet(t)
	n.init()
	cfgJSON := n.stub.Committed()[keyConfig]
	var cfg config
	if err := json.Unmarshal(cfgJSON, &cfg); err != nil || cfg.OperatorMSP != operatorMSP || cfg.AuthorityMSP != authorityMSP {
		t.Fatalf("config = %s (%v)", cfgJSON, err)
	}

	t.Run("second Init refused", func(t *testing.T) {
		for _, args := range [][2]string{{operatorMSP, authorityMSP}, {authorityMSP, operatorMSP}, {"", ""}} {
			for _, msp := range []string{operatorMSP, authorityMSP, otherMSP} {
				_, err := call(n, msp, func(ctx ctxI) (struct{}, error) { return struct{}{}, n.cc.Init(ctx, args[0], args[1]) })
				wantCode(t, err, CodeConflict)
			}
		}
		if got := n.stub.Committed()[keyConfig]; string(got) != string(cfgJSON) {
			t.Errorf("config changed to %s", got)
		}
	})

	cases := []struct {
		name, caller, op, auth string
		code                   Code
	}{
		{"caller of neither organization", otherMSP, operatorMSP, authorityMSP, CodeForbidden},
		{"one organization for both roles", operatorMSP, operatorMSP, operatorMSP, CodeMalformed},
		{"empty operator", operatorMSP, "", authorityMSP, CodeMalformed},
		{"bad charset", operatorMSP, operatorMSP, "Authority MSP", CodeMalformed},
		{"too long", operatorMSP, operatorMSP, strings.Repeat("A", MaxIDLength+1), CodeMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := newNet(t)
			_, err := call(n, tc.caller, func(ctx ctxI) (struct{}, error) { return struct{}{}, n.cc.Init(ctx, tc.op, tc.auth) })
			wantCode(t, err, tc.code)
			if len(n.stub.Committed()) != 0 {
				t.Error("a refused Init wrote state")
			}
		})
	}
	t.Run("by the Authority", func(t *testing.T) {
		n := newNet(t)
		if _, err := call(n, authorityMSP, func(ctx ctxI) (struct{}, error) { return struct{}{}, n.cc.Init(ctx, operatorMSP, authorityMSP) }); err != nil {
			t.Fatal(err)
		}
	})
}

// Before Init no function but Ping and Init works.
func TestNotInitialized(t *testing.T) {
	f := mustFixture(t)
	n := newNet(t)
	req := toJSON(t, request(t, 1))
	fns := map[string]func(ctx ctxI) error{
		"RegisterVerifyingKey": func(ctx ctxI) error {
			_, err := n.cc.RegisterVerifyingKey(ctx, circuitID, f.main.version, f.main.b64)
			return err
		},
		"GetVerifyingKey": func(ctx ctxI) error { _, err := n.cc.GetVerifyingKey(ctx, circuitID, f.main.version); return err },
		"PublishRoot": func(ctx ctxI) error {
			_, err := n.cc.PublishRoot(ctx, "suppliers", field.Hex(supplierRoot))
			return err
		},
		"GetRoots":     func(ctx ctxI) error { _, err := n.cc.GetRoots(ctx, "origins"); return err },
		"AnchorBatch":  func(ctx ctxI) error { _, err := n.cc.AnchorBatch(ctx, req); return err },
		"GetAnchor":    func(ctx ctxI) error { _, err := n.cc.GetAnchor(ctx, "batch-001"); return err },
		"ListAnchors":  func(ctx ctxI) error { _, err := n.cc.ListAnchors(ctx, "10", ""); return err },
		"VerifyAnchor": func(ctx ctxI) error { _, err := n.cc.VerifyAnchor(ctx, "batch-001"); return err },
	}
	for _, name := range slices.Sorted(maps.Keys(fns)) {
		t.Run(name, func(t *testing.T) {
			for _, msp := range []string{operatorMSP, authorityMSP} {
				_, err := call(n, msp, func(ctx ctxI) (struct{}, error) { return struct{}{}, fns[name](ctx) })
				wantCode(t, err, CodeNotInitialized)
			}
		})
	}
}

func TestRegisterVerifyingKey(t *testing.T) {
	f := mustFixture(t)
	n := newNet(t)
	n.init()
	rec, err := n.register(f.main)
	if err != nil {
		t.Fatal(err)
	}
	want := VerifyingKeyRecord{
		Circuit: circuitID, Version: f.main.version, Key: f.main.b64,
		Submitter: Submitter{MSPID: operatorMSP, ID: "x509::CN=client,OU=client,O=OperatorMSP::CN=ca.OperatorMSP"},
		TxID:      "tx0002", Timestamp: "2026-03-01T11:00:02.123456789Z",
	}
	if *rec != want {
		t.Fatalf("record\n got %+v\nwant %+v", rec, want)
	}
	get := func(circuit, version string) (*VerifyingKeyRecord, error) {
		return call(n, otherMSP, func(ctx ctxI) (*VerifyingKeyRecord, error) { return n.cc.GetVerifyingKey(ctx, circuit, version) })
	}
	if got, err := get(circuitID, f.main.version); err != nil || *got != want {
		t.Fatalf("GetVerifyingKey = %+v, %v", got, err)
	}

	t.Run("same key again", func(t *testing.T) {
		before := n.stub.Committed()
		got, err := n.cc.RegisterVerifyingKey(n.begin(operatorMSP), circuitID, f.main.version, f.main.b64)
		if err != nil || *got != want {
			t.Fatalf("got %+v, %v; want the existing record", got, err)
		}
		if w := n.stub.Writes(); w != 0 {
			t.Errorf("registering the same key again wrote %d keys", w)
		}
		n.end(err)
		if !maps.EqualFunc(before, n.stub.Committed(), slices.Equal) {
			t.Error("the ledger changed")
		}
	})

	raw := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	var rawEnc strings.Builder
	if _, err := f.main.vk.WriteRawTo(base64.NewEncoder(base64.StdEncoding, &rawEnc)); err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(f.other.raw)
	flipped[10] ^= 1
	// The keys are random: change the version's last hex digit to one it
	// does not have (a fixed "0" left one version in 16 unchanged).
	wrongVersion := f.main.version[:63] + "0"
	if f.main.version[63] == '0' {
		wrongVersion = f.main.version[:63] + "1"
	}
	cases := []struct {
		name, caller, circuit, version, key string
		code                                Code
	}{
		{"another key under a registered version", operatorMSP, circuitID, f.main.version, f.other.b64, CodeConflict},
		{"a version that is not the key's hash", operatorMSP, circuitID, wrongVersion, f.main.b64, CodeMalformed},
		{"another key's hash", operatorMSP, "other-circuit", f.main.version, f.other.b64, CodeMalformed},
		{"two public inputs", operatorMSP, circuitID, f.two.version, f.two.b64, CodeMalformed},
		{"uncompressed encoding", operatorMSP, "raw", f.main.version, strings.TrimRight(rawEnc.String(), ""), CodeMalformed},
		{"corrupt key", operatorMSP, circuitID, f.other.version, raw(flipped), CodeMalformed},
		{"trailing byte", operatorMSP, circuitID, f.other.version, raw(append(slices.Clone(f.other.raw), 0)), CodeMalformed},
		{"bad base64", operatorMSP, circuitID, f.other.version, "!" + f.other.b64[1:], CodeMalformed},
		{"base64 with a line break", operatorMSP, circuitID, f.other.version, f.other.b64[:8] + "\n" + f.other.b64[8:], CodeMalformed},
		{"empty key", operatorMSP, circuitID, f.other.version, "", CodeMalformed},
		{"oversize key", operatorMSP, circuitID, f.other.version, raw(make([]byte, MaxVerifyingKeyBytes+1)), CodeMalformed},
		{"upper-case version", operatorMSP, circuitID, strings.ToUpper(f.other.version), f.other.b64, CodeMalformed},
		{"short version", operatorMSP, circuitID, f.other.version[:62], f.other.b64, CodeMalformed},
		{"bad circuit", operatorMSP, "-circuit", f.other.version, f.other.b64, CodeMalformed},
		{"circuit too long", operatorMSP, strings.Repeat("c", 129), f.other.version, f.other.b64, CodeMalformed},
		{"the Authority", authorityMSP, circuitID, f.other.version, f.other.b64, CodeForbidden},
		{"an unknown MSP", otherMSP, circuitID, f.other.version, f.other.b64, CodeForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := n.stub.Committed()
			_, err := call(n, tc.caller, func(ctx ctxI) (*VerifyingKeyRecord, error) {
				return n.cc.RegisterVerifyingKey(ctx, tc.circuit, tc.version, tc.key)
			})
			wantCode(t, err, tc.code)
			if !maps.EqualFunc(before, n.stub.Committed(), slices.Equal) {
				t.Error("the ledger changed")
			}
		})
	}

	t.Run("two versions of a circuit", func(t *testing.T) {
		if _, err := n.register(f.other); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("GetVerifyingKey", func(t *testing.T) {
		_, err := get(circuitID, strings.Repeat("0", 64))
		wantCode(t, err, CodeNotFound)
		_, err = get("unknown", f.main.version)
		wantCode(t, err, CodeNotFound)
		_, err = get(circuitID, "zz")
		wantCode(t, err, CodeMalformed)
		_, err = get("", f.main.version)
		wantCode(t, err, CodeMalformed)
	})
}

func TestPublishRoot(t *testing.T) {
	n := newNet(t)
	n.init()
	s1, s2 := field.Hex(supplierRoot), field.Hex(supplierRoot2)

	r1, err := n.publish(authorityMSP, RootSuppliers, s1)
	if err != nil {
		t.Fatal(err)
	}
	want := RootRecord{Kind: RootSuppliers, Root: s1, Seq: 1,
		Submitter: Submitter{MSPID: authorityMSP, ID: "x509::CN=client,OU=client,O=AuthorityMSP::CN=ca.AuthorityMSP"},
		TxID:      "tx0002", Timestamp: "2026-03-01T11:00:02.123456789Z"}
	if *r1 != want {
		t.Fatalf("record\n got %+v\nwant %+v", r1, want)
	}

	t.Run("latest again is a no-op", func(t *testing.T) {
		got, err := n.cc.PublishRoot(n.begin(authorityMSP), "suppliers", s1)
		if err != nil || *got != *r1 {
			t.Fatalf("got %+v, %v; want the latest record", got, err)
		}
		if w := n.stub.Writes(); w != 0 {
			t.Errorf("wrote %d keys", w)
		}
		n.end(err)
	})

	r2, err := n.publish(authorityMSP, RootSuppliers, s2)
	if err != nil || r2.Seq != 2 {
		t.Fatalf("second root: %+v, %v", r2, err)
	}
	r3, err := n.publish(authorityMSP, RootSuppliers, s1) // an older root again
	if err != nil || r3.Seq != 3 || r3.Root != s1 {
		t.Fatalf("older root again: %+v, %v", r3, err)
	}
	o1, err := n.publish(authorityMSP, RootOrigins, field.Hex(originRoot))
	if err != nil || o1.Seq != 1 {
		t.Fatalf("origin root: %+v, %v", o1, err)
	}

	getRoots := func(kind string) ([]RootRecord, error) {
		return call(n, otherMSP, func(ctx ctxI) ([]RootRecord, error) { return n.cc.GetRoots(ctx, kind) })
	}
	t.Run("history kept, oldest first", func(t *testing.T) {
		got, err := getRoots("suppliers")
		if err != nil || !slices.Equal(got, []RootRecord{*r1, *r2, *r3}) {
			t.Fatalf("GetRoots(suppliers) = %+v, %v", got, err)
		}
		got, err = getRoots("origins")
		if err != nil || !slices.Equal(got, []RootRecord{*o1}) {
			t.Fatalf("GetRoots(origins) = %+v, %v", got, err)
		}
		_, err = getRoots("Suppliers")
		wantCode(t, err, CodeMalformed)
	})
	t.Run("many publications sort by sequence", func(t *testing.T) {
		n := newNet(t)
		n.init()
		var want []RootRecord
		for i := range 12 { // 10 and 11 sort after 9
			r, err := n.publish(authorityMSP, RootOrigins, field.Hex(field.Uint64(uint64(i))))
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, *r)
		}
		got, err := call(n, otherMSP, func(ctx ctxI) ([]RootRecord, error) { return n.cc.GetRoots(ctx, "origins") })
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("GetRoots = %+v, %v", got, err)
		}
		empty, err := call(n, otherMSP, func(ctx ctxI) ([]RootRecord, error) { return n.cc.GetRoots(ctx, "suppliers") })
		if err != nil || empty == nil || len(empty) != 0 {
			t.Fatalf("GetRoots of no roots = %#v, %v; want an empty, non-nil slice", empty, err)
		}
	})

	modulus := fmt.Sprintf("%064x", fr.Modulus())
	cases := []struct {
		name, caller, kind, root string
		code                     Code
	}{
		{"the Operator", operatorMSP, "suppliers", s2, CodeForbidden},
		{"an unknown MSP", otherMSP, "suppliers", s2, CodeForbidden},
		{"unknown kind", authorityMSP, "keys", s2, CodeMalformed},
		{"upper-case hex", authorityMSP, "suppliers", strings.ToUpper(field.Hex(unpublished)), CodeMalformed},
		{"short", authorityMSP, "suppliers", s2[:62], CodeMalformed},
		{"not hex", authorityMSP, "suppliers", "zz" + s2[2:], CodeMalformed},
		{"0x prefix", authorityMSP, "suppliers", "0x" + s2[2:], CodeMalformed},
		{"the modulus: not reduced", authorityMSP, "suppliers", modulus, CodeMalformed},
		{"all ones: not reduced", authorityMSP, "suppliers", strings.Repeat("f", 64), CodeMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := n.stub.Committed()
			_, err := n.publish(tc.caller, RootKind(tc.kind), tc.root)
			wantCode(t, err, tc.code)
			if !maps.EqualFunc(before, n.stub.Committed(), slices.Equal) {
				t.Error("the ledger changed")
			}
		})
	}
}

func TestAnchorBatch(t *testing.T) {
	n := ready(t)
	req := request(t, 1)
	rec, err := n.anchor(operatorMSP, toJSON(t, req))
	if err != nil {
		t.Fatal(err)
	}
	if !equalRequest(rec.AnchorRequest, req) || rec.TxID != "tx0005" || rec.Timestamp != "2026-03-01T11:00:05.123456789Z" ||
		rec.Submitter != (Submitter{MSPID: operatorMSP, ID: "x509::CN=client,OU=client,O=OperatorMSP::CN=ca.OperatorMSP"}) {
		t.Fatalf("record %+v", rec)
	}
	recJSON := toJSON(t, rec)
	events := n.stub.Events()
	if len(events) != 1 || events[0].Name != "BatchAnchored" || string(events[0].Payload) != recJSON || events[0].TxID != rec.TxID {
		t.Fatalf("events %+v, want one BatchAnchored with %s", events, recJSON)
	}
	if got := string(n.stub.Committed()["\x00anchor\x00batch-001\x00"]); got != recJSON {
		t.Errorf("stored %s, want %s", got, recJSON)
	}
	got, err := n.getAnchor(req.BatchID)
	if err != nil || toJSON(t, got) != recJSON {
		t.Fatalf("GetAnchor = %+v, %v", got, err)
	}
	_, err = n.getAnchor("batch-002")
	wantCode(t, err, CodeNotFound)
	_, err = n.getAnchor("batch 002")
	wantCode(t, err, CodeMalformed)

	t.Run("an older root in the history", func(t *testing.T) {
		if _, err := n.publish(authorityMSP, RootSuppliers, field.Hex(supplierRoot2)); err != nil {
			t.Fatal(err)
		}
		// supplierRoot is no longer the latest.
		if _, err := n.anchor(operatorMSP, toJSON(t, request(t, 2))); err != nil {
			t.Fatal(err)
		}
	})
}

func equalRequest(a, b AnchorRequest) bool {
	return a.BatchID == b.BatchID && a.Circuit == b.Circuit && a.CircuitVersion == b.CircuitVersion &&
		a.BatchRoot == b.BatchRoot && a.Proof == b.Proof && slices.Equal(a.PublicInputs, b.PublicInputs)
}

// Every refusal leaves the ledger as it was, emits nothing, and has the
// code of the first check it fails, in docs/ledger.md's order.
func TestAnchorBatchRefused(t *testing.T) {
	f := mustFixture(t)
	n := ready(t)
	if _, err := n.publish(authorityMSP, RootSuppliers, field.Hex(supplierRoot2)); err != nil {
		t.Fatal(err)
	}
	anchored := request(t, 1)
	if _, err := n.anchor(operatorMSP, toJSON(t, anchored)); err != nil {
		t.Fatal(err)
	}

	proofB64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	flip := func(i int) func(*AnchorRequest) {
		return func(r *AnchorRequest) {
			p, _ := base64.StdEncoding.DecodeString(r.Proof)
			p[i] ^= 1
			r.Proof = proofB64(p)
		}
	}
	notReduced := new(big.Int).Add(fr.Modulus(), big.NewInt(5)).Text(16)
	notReduced = strings.Repeat("0", 64-len(notReduced)) + notReduced

	cases := []struct {
		name   string
		caller string
		mutate func(*AnchorRequest)
		raw    func(string) string // rewrites the request's JSON
		code   Code
	}{
		// The caller first.
		{name: "the Authority", caller: authorityMSP, code: CodeForbidden},
		{name: "an unknown MSP", caller: otherMSP, code: CodeForbidden},
		{name: "the Authority, malformed", caller: authorityMSP, raw: func(string) string { return "{" }, code: CodeForbidden},

		// Then the request's syntax.
		{name: "bad JSON", raw: func(s string) string { return s[:len(s)-1] }, code: CodeMalformed},
		{name: "not an object", raw: func(string) string { return `["batch"]` }, code: CodeMalformed},
		{name: "empty", raw: func(string) string { return "" }, code: CodeMalformed},
		{name: "null", raw: func(string) string { return "null" }, code: CodeMalformed},
		{name: "unknown field", raw: func(s string) string { return strings.Replace(s, `{`, `{"size":8,`, 1) }, code: CodeMalformed},
		{name: "trailing data", raw: func(s string) string { return s + ` {}` }, code: CodeMalformed},
		{name: "oversize", raw: func(s string) string { return s + strings.Repeat(" ", MaxRequestBytes) }, code: CodeMalformed},
		{name: "batch ID charset", mutate: func(r *AnchorRequest) { r.BatchID = "batch/1" }, code: CodeMalformed},
		{name: "batch ID with a NUL", mutate: func(r *AnchorRequest) { r.BatchID = "batch\x00" }, code: CodeMalformed},
		{name: "batch ID non-ASCII", mutate: func(r *AnchorRequest) { r.BatchID = "batché" }, code: CodeMalformed},
		{name: "empty batch ID", mutate: func(r *AnchorRequest) { r.BatchID = "" }, code: CodeMalformed},
		{name: "batch ID too long", mutate: func(r *AnchorRequest) { r.BatchID = strings.Repeat("b", MaxIDLength+1) }, code: CodeMalformed},
		{name: "bad circuit", mutate: func(r *AnchorRequest) { r.Circuit = "circuit v1" }, code: CodeMalformed},
		{name: "bad version", mutate: func(r *AnchorRequest) { r.CircuitVersion = "v1" }, code: CodeMalformed},
		{name: "bad hex batch root", mutate: func(r *AnchorRequest) { r.BatchRoot = "g" + r.BatchRoot[1:]; r.PublicInputs[0] = r.BatchRoot }, code: CodeMalformed},
		{name: "upper-case batch root", mutate: func(r *AnchorRequest) {
			r.BatchRoot = strings.ToUpper(r.BatchRoot)
			r.PublicInputs[0] = r.BatchRoot
		}, code: CodeMalformed},
		{name: "non-reduced public input", mutate: func(r *AnchorRequest) { r.PublicInputs[2] = notReduced }, code: CodeMalformed},
		{name: "bad hex public input", mutate: func(r *AnchorRequest) { r.PublicInputs[1] = r.PublicInputs[1][:63] + "x" }, code: CodeMalformed},
		{name: "bad base64 proof", mutate: func(r *AnchorRequest) { r.Proof = "*" + r.Proof[1:] }, code: CodeMalformed},
		{name: "unpadded base64 proof", mutate: func(r *AnchorRequest) { r.Proof = base64.RawStdEncoding.EncodeToString([]byte{1, 2, 3, 4}) }, code: CodeMalformed},
		{name: "URL base64 proof", mutate: func(r *AnchorRequest) { r.Proof = base64.URLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe}) }, code: CodeMalformed},
		{name: "proof with a line break", mutate: func(r *AnchorRequest) { r.Proof = r.Proof[:4] + "\r\n" + r.Proof[4:] }, code: CodeMalformed},
		{name: "empty proof", mutate: func(r *AnchorRequest) { r.Proof = "" }, code: CodeMalformed},
		{name: "oversize proof", mutate: func(r *AnchorRequest) { r.Proof = proofB64(make([]byte, 4<<10+1)) }, code: CodeMalformed},
		{name: "two public inputs", mutate: func(r *AnchorRequest) { r.PublicInputs = r.PublicInputs[:2] }, code: CodeMalformed},
		{name: "four public inputs", mutate: func(r *AnchorRequest) { r.PublicInputs = append(r.PublicInputs, r.PublicInputs[2]) }, code: CodeMalformed},
		{name: "no public inputs", mutate: func(r *AnchorRequest) { r.PublicInputs = nil }, code: CodeMalformed},
		{name: "public input 0 is not the batch root", mutate: func(r *AnchorRequest) { r.PublicInputs[0] = field.Hex(batchRoot(99)) }, code: CodeMalformed},

		// Then the key.
		{name: "unknown circuit", mutate: func(r *AnchorRequest) { r.Circuit = "provenant-batch-v1-n32-k8-m4" }, code: CodeUnknownCircuit},
		{name: "unregistered version", mutate: func(r *AnchorRequest) { r.CircuitVersion = f.other.version }, code: CodeUnknownCircuit},
		{name: "unknown circuit and unpublished root", mutate: func(r *AnchorRequest) {
			r.Circuit = "other"
			r.PublicInputs[2] = field.Hex(unpublished)
		}, code: CodeUnknownCircuit},

		// Then the roots.
		{name: "unpublished supplier root", mutate: func(r *AnchorRequest) {
			*r = requestFor(t, r.BatchID, batchRoot(2), unpublished, originRoot)
		}, code: CodeUnpublishedRoot},
		{name: "unpublished origin root", mutate: func(r *AnchorRequest) {
			*r = requestFor(t, r.BatchID, batchRoot(2), supplierRoot, unpublished)
		}, code: CodeUnpublishedRoot},
		{name: "a supplier root published as an origin root", mutate: func(r *AnchorRequest) {
			*r = requestFor(t, r.BatchID, batchRoot(2), supplierRoot, supplierRoot)
		}, code: CodeUnpublishedRoot},
		{name: "anchored, unpublished root", mutate: func(r *AnchorRequest) {
			*r = requestFor(t, anchored.BatchID, batchRoot(1), unpublished, originRoot)
		}, code: CodeUnpublishedRoot},

		// Then the batch ID.
		{name: "duplicate, same content", mutate: func(r *AnchorRequest) { *r = anchored }, code: CodeAlreadyAnchored},
		{name: "duplicate, other content", mutate: func(r *AnchorRequest) {
			*r = requestFor(t, anchored.BatchID, batchRoot(2), supplierRoot2, originRoot)
		}, code: CodeAlreadyAnchored},
		{name: "duplicate, bad proof", mutate: func(r *AnchorRequest) { *r = anchored; flip(40)(r) }, code: CodeAlreadyAnchored},

		// Then the proof.
		{name: "flipped byte", mutate: flip(40), code: CodeBadProof},
		{name: "flipped first byte", mutate: flip(0), code: CodeBadProof},
		{name: "flipped last byte", mutate: flip(127), code: CodeBadProof},
		{name: "garbage proof", mutate: func(r *AnchorRequest) { r.Proof = proofB64([]byte("not a proof")) }, code: CodeBadProof},
		{name: "truncated proof", mutate: func(r *AnchorRequest) {
			p, _ := base64.StdEncoding.DecodeString(r.Proof)
			r.Proof = proofB64(p[:len(p)-1])
		}, code: CodeBadProof},
		{name: "a valid proof for other inputs", mutate: func(r *AnchorRequest) {
			r.Proof = requestFor(t, r.BatchID, batchRoot(3), supplierRoot, originRoot).Proof
		}, code: CodeBadProof},
		{name: "a published supplier root, not the one proven", mutate: func(r *AnchorRequest) {
			r.PublicInputs[1] = field.Hex(supplierRoot2)
		}, code: CodeBadProof},
		{name: "inputs swapped", mutate: func(r *AnchorRequest) {
			*r = requestFor(t, r.BatchID, batchRoot(2), originRoot, supplierRoot) // proven with the roots swapped
			r.PublicInputs[1], r.PublicInputs[2] = field.Hex(supplierRoot), field.Hex(originRoot)
		}, code: CodeBadProof},
		{name: "a proof under another key", mutate: func(r *AnchorRequest) {
			r.Proof = proofB64(f.other.prove(t, batchRoot(2), supplierRoot, originRoot))
		}, code: CodeBadProof},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, 2)
			req.PublicInputs = slices.Clone(req.PublicInputs)
			if tc.mutate != nil {
				tc.mutate(&req)
			}
			arg := toJSON(t, req)
			if tc.raw != nil {
				arg = tc.raw(arg)
			}
			caller := tc.caller
			if caller == "" {
				caller = operatorMSP
			}
			before, events := n.stub.Committed(), len(n.stub.Events())
			_, err := n.anchor(caller, arg)
			wantCode(t, err, tc.code)
			if !maps.EqualFunc(before, n.stub.Committed(), slices.Equal) {
				t.Error("the ledger changed")
			}
			if len(n.stub.Events()) != events {
				t.Error("an event was emitted")
			}
		})
	}

	t.Run("the anchored batch is unchanged", func(t *testing.T) {
		got, err := n.getAnchor(anchored.BatchID)
		if err != nil || !equalRequest(got.AnchorRequest, anchored) {
			t.Fatalf("GetAnchor = %+v, %v", got, err)
		}
	})
	t.Run("request 2 itself anchors", func(t *testing.T) {
		if _, err := n.anchor(operatorMSP, toJSON(t, request(t, 2))); err != nil {
			t.Fatal(err)
		}
	})
}

func TestListAnchors(t *testing.T) {
	n := ready(t)
	list := func(size, bookmark string) (*AnchorPage, error) {
		return call(n, otherMSP, func(ctx ctxI) (*AnchorPage, error) { return n.cc.ListAnchors(ctx, size, bookmark) })
	}
	page, err := list("10", "")
	if err != nil || page.Anchors == nil || len(page.Anchors) != 0 || page.Bookmark != "" {
		t.Fatalf("empty ledger: %#v, %v", page, err)
	}

	var ids []string
	for i := range 7 {
		rec, err := n.anchor(operatorMSP, toJSON(t, request(t, 7-i))) // anchored out of ID order
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.BatchID)
	}
	slices.Sort(ids)

	for _, size := range []int{1, 2, 3, 6, 7, 8, 100} {
		t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
			var got []string
			bookmark, pages := "", 0
			for {
				page, err := list(strconv.Itoa(size), bookmark)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(page.Anchors) > size || pages > len(ids)+1 {
					t.Fatalf("page %d: %d anchors", pages, len(page.Anchors))
				}
				for _, a := range page.Anchors {
					got = append(got, a.BatchID)
				}
				if page.Bookmark == "" {
					break
				}
				bookmark = page.Bookmark
			}
			if !slices.Equal(got, ids) {
				t.Errorf("listed %v, want %v", got, ids)
			}
			if want := (len(ids) + size - 1) / size; pages != want {
				t.Errorf("%d pages, want %d", pages, want)
			}
		})
	}

	for _, tc := range []struct{ size, bookmark string }{
		{"0", ""}, {"101", ""}, {"-1", ""}, {"", ""}, {"abc", ""}, {"01", ""}, {"+5", ""}, {"1e2", ""}, {" 5", ""},
		{"99999999999999999999", ""}, {"10", strings.Repeat("b", MaxBookmarkLength+1)}, {"10", "\xff"},
	} {
		t.Run(fmt.Sprintf("bad %q %.10q", tc.size, tc.bookmark), func(t *testing.T) {
			_, err := list(tc.size, tc.bookmark)
			wantCode(t, err, CodeMalformed)
		})
	}
	t.Run("bounds", func(t *testing.T) {
		for _, size := range []string{"1", "100"} {
			if _, err := list(size, ""); err != nil {
				t.Errorf("page size %s: %v", size, err)
			}
		}
	})
}

func TestVerifyAnchor(t *testing.T) {
	n := ready(t)
	req := request(t, 1)
	if _, err := n.anchor(operatorMSP, toJSON(t, req)); err != nil {
		t.Fatal(err)
	}
	v, err := n.verifyAnchor(req.BatchID)
	want := Verification{BatchID: req.BatchID, Valid: true, Detail: "proof verifies against " + circuitID + " / " + req.CircuitVersion}
	if err != nil || *v != want {
		t.Fatalf("VerifyAnchor = %+v, %v; want %+v", v, err, want)
	}
	_, err = n.verifyAnchor("batch-404")
	wantCode(t, err, CodeNotFound)
	_, err = n.verifyAnchor("batch 404")
	wantCode(t, err, CodeMalformed)

	key := "\x00anchor\x00" + req.BatchID + "\x00"
	stored := n.stub.Committed()[key]
	if stored == nil {
		t.Fatalf("no state under %q", key)
	}
	if _, err := n.publish(authorityMSP, RootSuppliers, field.Hex(supplierRoot2)); err != nil {
		t.Fatal(err)
	}
	tamper := func(f func(*AnchorRecord)) []byte {
		var rec AnchorRecord
		if err := json.Unmarshal(stored, &rec); err != nil {
			t.Fatal(err)
		}
		rec.PublicInputs = slices.Clone(rec.PublicInputs)
		f(&rec)
		return []byte(toJSON(t, rec))
	}
	cases := []struct {
		name   string
		stored []byte
		code   Code
	}{
		{"a flipped proof byte", tamper(func(r *AnchorRecord) {
			p, _ := base64.StdEncoding.DecodeString(r.Proof)
			p[50] ^= 0x10
			r.Proof = base64.StdEncoding.EncodeToString(p)
		}), CodeBadProof},
		{"another published supplier root", tamper(func(r *AnchorRecord) { r.PublicInputs[1] = field.Hex(supplierRoot2) }), CodeBadProof},
		{"an unpublished root", tamper(func(r *AnchorRecord) { r.PublicInputs[2] = field.Hex(unpublished) }), CodeUnpublishedRoot},
		{"an unregistered version", tamper(func(r *AnchorRecord) { r.CircuitVersion = strings.Repeat("ab", 32) }), CodeUnknownCircuit},
		{"a changed batch root", tamper(func(r *AnchorRecord) { r.BatchRoot = field.Hex(batchRoot(9)) }), CodeMalformed},
		{"not JSON", []byte("{"), CodeInternal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n.stub.SetCommitted(key, tc.stored)
			defer n.stub.SetCommitted(key, stored)
			v, err := n.verifyAnchor(req.BatchID)
			if err != nil || v.Valid || v.BatchID != req.BatchID {
				t.Fatalf("VerifyAnchor = %+v, %v; want invalid", v, err)
			}
			if code, ok := CodeOf(v.Detail); !ok || code != tc.code {
				t.Errorf("detail %q, want code %s", v.Detail, tc.code)
			}
		})
	}
	t.Run("valid again", func(t *testing.T) {
		if v, err := n.verifyAnchor(req.BatchID); err != nil || !v.Valid {
			t.Fatalf("VerifyAnchor = %+v, %v", v, err)
		}
	})
	t.Run("a failing peer is an error, not an invalid anchor", func(t *testing.T) {
		n.stub.GetStateErr = errors.New("leveldb: closed")
		defer func() { n.stub.GetStateErr = nil }()
		_, err := n.verifyAnchor(req.BatchID)
		wantCode(t, err, CodeInternal)
	})
}

// A chaincode process parses a key once: at registration, or at its first
// use after a restart.
func TestKeyCache(t *testing.T) {
	n := ready(t)
	if got := n.cc.keys.parses.Load(); got != 1 {
		t.Fatalf("%d parses at registration, want 1", got)
	}
	if _, err := n.anchor(operatorMSP, toJSON(t, request(t, 1))); err != nil {
		t.Fatal(err)
	}
	if got := n.cc.keys.parses.Load(); got != 1 {
		t.Fatalf("%d parses after an anchor, want 1 (the registration's)", got)
	}

	m := n.restart()
	for i := 2; i <= 4; i++ {
		if _, err := m.anchor(operatorMSP, toJSON(t, request(t, i))); err != nil {
			t.Fatal(err)
		}
		if got := m.cc.keys.parses.Load(); got != 1 {
			t.Fatalf("%d parses after %d anchors in a fresh process, want 1", got, i-1)
		}
	}
	if v, err := m.verifyAnchor("batch-001"); err != nil || !v.Valid {
		t.Fatalf("VerifyAnchor = %+v, %v", v, err)
	}
	if got := m.cc.keys.parses.Load(); got != 1 {
		t.Fatalf("%d parses after a VerifyAnchor, want 1", got)
	}

	t.Run("bounded", func(t *testing.T) {
		kc := newKeyCache()
		f := mustFixture(t)
		for i := range maxCachedKeys + 10 {
			kc.put(keyID{circuit: fmt.Sprint(i), version: "v"}, f.main.vk)
		}
		if len(kc.keys) != maxCachedKeys {
			t.Fatalf("%d keys cached, want %d", len(kc.keys), maxCachedKeys)
		}
	})
}

// Transactions run concurrently in a chaincode process; one Contract
// serves them all.
func TestConcurrentAnchors(t *testing.T) {
	shared := New()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		n := ready(t) // each its own ledger (a fake stub holds one transaction)
		n = n.restart()
		n.cc = shared
		req := toJSON(t, request(t, g))
		wg.Go(func() {
			_, err := n.cc.AnchorBatch(n.begin(operatorMSP), req)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := shared.keys.parses.Load(); got < 1 || got > 8 {
		t.Errorf("%d parses", got)
	}
}
