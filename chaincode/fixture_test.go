package chaincode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/provenant/provenant/chaincode/internal/fakestub"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/prover/setup"
)

// batchCircuit stands in for the batch circuit: three public inputs in its
// order (batch root, supplier root, origin root) that a proof binds, and a
// private value, X = R·S + O. Any inputs have a proof.
type batchCircuit struct {
	X frontend.Variable
	R frontend.Variable `gnark:",public"`
	S frontend.Variable `gnark:",public"`
	O frontend.Variable `gnark:",public"`
}

func (c *batchCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(c.X, api.Add(api.Mul(c.R, c.S), c.O))
	return nil
}

// twoInputs is a circuit with two public inputs: a key the chaincode must
// refuse.
type twoInputs struct {
	X frontend.Variable
	A frontend.Variable `gnark:",public"`
	B frontend.Variable `gnark:",public"`
}

func (c *twoInputs) Define(api frontend.API) error {
	api.AssertIsEqual(c.X, api.Mul(c.A, c.B))
	return nil
}

// keys is a test circuit's keys.
type keys struct {
	cs      constraint.ConstraintSystem
	pk      groth16.ProvingKey
	vk      groth16.VerifyingKey
	b64     string // base64 of vk.WriteTo
	raw     []byte // vk.WriteTo
	version string // setup.VerifyingKeyHash
}

type fixtures struct {
	main  keys // registered in the tests
	other keys // the same circuit, another setup: another key
	two   keys // two public inputs
}

// fixture sets the circuits up once per test binary: milliseconds.
var fixture = sync.OnceValues(func() (*fixtures, error) {
	var f fixtures
	var err error
	if f.main, err = setupKeys(&batchCircuit{}); err != nil {
		return nil, err
	}
	if f.other, err = setupKeys(&batchCircuit{}); err != nil {
		return nil, err
	}
	if f.two, err = setupKeys(&twoInputs{}); err != nil {
		return nil, err
	}
	return &f, nil
})

func setupKeys(c frontend.Circuit) (keys, error) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return keys{}, err
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return keys{}, err
	}
	var b bytes.Buffer
	if _, err := vk.WriteTo(&b); err != nil {
		return keys{}, err
	}
	version, err := setup.VerifyingKeyHash(vk)
	if err != nil {
		return keys{}, err
	}
	return keys{cs: cs, pk: pk, vk: vk, raw: b.Bytes(), b64: base64.StdEncoding.EncodeToString(b.Bytes()), version: version}, nil
}

func mustFixture(t testing.TB) *fixtures {
	t.Helper()
	f, err := fixture()
	if err != nil {
		t.Fatalf("set up the test circuits: %v", err)
	}
	return f
}

// proofs caches proofs by keys and inputs: proving takes milliseconds, and
// the tests ask for the same ones often.
var proofs sync.Map // proofKey → []byte

type proofKey struct {
	version string
	r, s, o field.Element
}

// prove returns a proof, compressed, that X = r·s + o under k.
func (k *keys) prove(t testing.TB, r, s, o field.Element) []byte {
	t.Helper()
	pkey := proofKey{k.version, r, s, o}
	if p, ok := proofs.Load(pkey); ok {
		return p.([]byte)
	}
	var x field.Element
	x.Mul(&r, &s).Add(&x, &o)
	w, err := frontend.NewWitness(&batchCircuit{X: x, R: r, S: s, O: o}, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(k.cs, k.pk, w)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := proof.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	proofs.Store(pkey, b.Bytes())
	return b.Bytes()
}

// Test values: roots are field elements in hex.
var (
	supplierRoot  = field.String("supplier registry, snapshot 1")
	supplierRoot2 = field.String("supplier registry, snapshot 2")
	originRoot    = field.String("origin registry, snapshot 1")
	unpublished   = field.String("a root nobody published")
)

func batchRoot(i int) field.Element { return field.String(fmt.Sprintf("batch %d", i)) }

const (
	operatorMSP  = "OperatorMSP"
	authorityMSP = "AuthorityMSP"
	otherMSP     = "OtherMSP"
	circuitID    = "provenant-batch-v1-n8-k2-m1"
)

// net is a one-peer ledger with the contract: each call is a transaction,
// committed when it succeeds and rolled back when it fails, as an
// endorsement failure leaves the ledger.
type net struct {
	t    testing.TB
	stub *fakestub.Stub
	cc   *Contract
	tx   int
	now  time.Time
}

func newNet(t testing.TB) *net {
	return &net{t: t, stub: fakestub.New(), cc: New(), now: time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))}
}

// restart returns the same ledger served by a fresh chaincode process.
func (n *net) restart() *net {
	m := *n
	m.cc = New()
	return &m
}

func identity(mspID string) *fakestub.Identity {
	return &fakestub.Identity{MSPID: mspID, Subject: "CN=client,OU=client,O=" + mspID, Issuer: "CN=ca." + mspID}
}

// begin starts a transaction by a client of mspID.
func (n *net) begin(mspID string) *contractapi.TransactionContext {
	n.tx++
	n.stub.Begin(fmt.Sprintf("tx%04d", n.tx), n.now.Add(time.Duration(n.tx)*time.Second))
	ctx := &contractapi.TransactionContext{}
	ctx.SetStub(n.stub)
	ctx.SetClientIdentity(identity(mspID))
	return ctx
}

// end commits or rolls back the transaction.
func (n *net) end(err error) {
	if err != nil {
		n.stub.Rollback()
	} else {
		n.stub.Commit()
	}
}

func call[T any](n *net, mspID string, fn func(contractapi.TransactionContextInterface) (T, error)) (T, error) {
	v, err := fn(n.begin(mspID))
	n.end(err)
	checkError(n.t, err)
	return v, err
}

// checkError fails the test unless err is nil or an *Error with a known
// code whose text is "CODE: message".
func checkError(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v: want a *chaincode.Error", err, err)
	}
	if !slices.Contains(Codes(), e.Code) || e.Message == "" {
		t.Fatalf("error %q: unknown code or empty message", err)
	}
}

func (n *net) init() {
	n.t.Helper()
	if _, err := call(n, operatorMSP, func(ctx contractapi.TransactionContextInterface) (struct{}, error) {
		return struct{}{}, n.cc.Init(ctx, operatorMSP, authorityMSP)
	}); err != nil {
		n.t.Fatalf("Init: %v", err)
	}
}

func (n *net) register(k keys) (*VerifyingKeyRecord, error) {
	return call(n, operatorMSP, func(ctx contractapi.TransactionContextInterface) (*VerifyingKeyRecord, error) {
		return n.cc.RegisterVerifyingKey(ctx, circuitID, k.version, k.b64)
	})
}

func (n *net) publish(mspID string, kind RootKind, root string) (*RootRecord, error) {
	return call(n, mspID, func(ctx contractapi.TransactionContextInterface) (*RootRecord, error) {
		return n.cc.PublishRoot(ctx, string(kind), root)
	})
}

func (n *net) anchor(mspID, request string) (*AnchorRecord, error) {
	return call(n, mspID, func(ctx contractapi.TransactionContextInterface) (*AnchorRecord, error) {
		return n.cc.AnchorBatch(ctx, request)
	})
}

func (n *net) getAnchor(batchID string) (*AnchorRecord, error) {
	return call(n, otherMSP, func(ctx contractapi.TransactionContextInterface) (*AnchorRecord, error) {
		return n.cc.GetAnchor(ctx, batchID)
	})
}

func (n *net) verifyAnchor(batchID string) (*Verification, error) {
	return call(n, authorityMSP, func(ctx contractapi.TransactionContextInterface) (*Verification, error) {
		return n.cc.VerifyAnchor(ctx, batchID)
	})
}

// ready returns a ledger after Init, with the main key registered and a
// supplier and an origin root published.
func ready(t testing.TB) *net {
	t.Helper()
	f := mustFixture(t)
	n := newNet(t)
	n.init()
	if _, err := n.register(f.main); err != nil {
		t.Fatalf("RegisterVerifyingKey: %v", err)
	}
	for _, p := range []struct {
		kind RootKind
		root field.Element
	}{{RootSuppliers, supplierRoot}, {RootOrigins, originRoot}} {
		if _, err := n.publish(authorityMSP, p.kind, field.Hex(p.root)); err != nil {
			t.Fatalf("PublishRoot: %v", err)
		}
	}
	return n
}

// request returns a valid request for batch i, proven under the main key
// with the published roots.
func request(t testing.TB, i int) AnchorRequest {
	t.Helper()
	return requestFor(t, fmt.Sprintf("batch-%03d", i), batchRoot(i), supplierRoot, originRoot)
}

func requestFor(t testing.TB, id string, r, s, o field.Element) AnchorRequest {
	t.Helper()
	f := mustFixture(t)
	return AnchorRequest{
		BatchID:        id,
		Circuit:        circuitID,
		CircuitVersion: f.main.version,
		BatchRoot:      field.Hex(r),
		Proof:          base64.StdEncoding.EncodeToString(f.main.prove(t, r, s, o)),
		PublicInputs:   []string{field.Hex(r), field.Hex(s), field.Hex(o)},
	}
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantCode fails the test unless err is a chaincode error with code.
func wantCode(t testing.TB, err error, code Code) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a %s error", err, code)
	}
	if e.Code != code {
		t.Fatalf("got %q, want code %s", err, code)
	}
}
