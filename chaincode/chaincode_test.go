package chaincode

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/provenant/provenant/chaincode/internal/fakestub"
	"github.com/provenant/provenant/field"
)

// creator returns a peer's GetCreator bytes for a client of mspID with a
// fresh certificate.
func creator(t *testing.T, mspID string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "client", OrganizationalUnit: []string{"client"}, Organization: []string{mspID}},
		Issuer:       pkix.Name{CommonName: "ca." + mspID},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fakestub.SerializedIdentity(mspID, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The contract as the peer runs it: through contractapi, which builds its
// metadata from the contract, routes the function name, checks every
// result against the metadata's schema, and answers errors with status 500
// and the error's text.
func TestChaincode(t *testing.T) {
	f := mustFixture(t)
	cc, err := contractapi.NewChaincode(New())
	if err != nil {
		t.Fatalf("NewChaincode: %v", err)
	}
	stub := fakestub.New()
	ids := map[string][]byte{operatorMSP: creator(t, operatorMSP), authorityMSP: creator(t, authorityMSP)}
	tx := 0
	invoke := func(msp string, isInit bool, args ...string) (int32, string, string) {
		t.Helper()
		tx++
		stub.Begin(fmt.Sprintf("tx%d", tx), time.Unix(1767225600, 0))
		stub.SetCreator(ids[msp])
		stub.SetArgs(args...)
		resp := cc.Invoke(stub)
		if isInit {
			resp = cc.Init(stub)
		}
		if resp.GetStatus() == 200 {
			stub.Commit()
		} else {
			stub.Rollback()
		}
		return resp.GetStatus(), string(resp.GetPayload()), resp.GetMessage()
	}
	ok := func(msp string, isInit bool, args ...string) string {
		t.Helper()
		status, payload, msg := invoke(msp, isInit, args...)
		if status != 200 {
			t.Fatalf("%s: status %d, %s", args[0], status, msg)
		}
		return payload
	}

	if got := ok(authorityMSP, false, "Ping"); got != "pong" {
		t.Errorf("Ping = %q", got)
	}
	status, _, msg := invoke(operatorMSP, false, "GetAnchor", "b")
	if status != 500 || msg != "NOT_INITIALIZED: GetAnchor: the chaincode's Init has not run" {
		t.Errorf("before Init: %d %q", status, msg)
	}
	ok(operatorMSP, true, "Init", operatorMSP, authorityMSP)
	var cfg config
	if err := json.Unmarshal(stub.Committed()[keyConfig], &cfg); err != nil || cfg.TxID != "tx3" || cfg.Timestamp != "2026-01-01T00:00:00Z" {
		t.Fatalf("config %+v, %v", cfg, err)
	}

	var vk VerifyingKeyRecord
	decode(t, ok(operatorMSP, false, "RegisterVerifyingKey", circuitID, f.main.version, f.main.b64), &vk)
	if vk.Submitter.MSPID != operatorMSP || vk.Submitter.ID != "x509::CN=client,OU=client,O=OperatorMSP::CN=client,OU=client,O=OperatorMSP" {
		t.Errorf("submitter %+v", vk.Submitter)
	}
	decode(t, ok(authorityMSP, false, "provenant:GetVerifyingKey", circuitID, f.main.version), &vk)
	if got := ok(authorityMSP, false, "GetRoots", "suppliers"); got != "[]" {
		t.Errorf("GetRoots with none = %q, want []", got)
	}
	var root RootRecord
	decode(t, ok(authorityMSP, false, "PublishRoot", "suppliers", field.Hex(supplierRoot)), &root)
	ok(authorityMSP, false, "PublishRoot", "origins", field.Hex(originRoot))
	var roots []RootRecord
	decode(t, ok(operatorMSP, false, "GetRoots", "suppliers"), &roots)
	if len(roots) != 1 || roots[0] != root {
		t.Errorf("GetRoots = %+v", roots)
	}

	req := request(t, 1)
	var rec AnchorRecord
	payload := ok(operatorMSP, false, "AnchorBatch", toJSON(t, req))
	decode(t, payload, &rec)
	if !equalRequest(rec.AnchorRequest, req) {
		t.Errorf("AnchorBatch = %+v", rec)
	}
	if ev := stub.Events(); len(ev) != 1 || string(ev[0].Payload) != payload {
		t.Errorf("events %+v", ev)
	}
	decode(t, ok(authorityMSP, false, "GetAnchor", req.BatchID), &rec)
	var page AnchorPage
	decode(t, ok(authorityMSP, false, "ListAnchors", "10", ""), &page)
	if len(page.Anchors) != 1 || page.Bookmark != "" {
		t.Errorf("ListAnchors = %+v", page)
	}
	var v Verification
	decode(t, ok(authorityMSP, false, "VerifyAnchor", req.BatchID), &v)
	if !v.Valid {
		t.Errorf("VerifyAnchor = %+v", v)
	}

	// Errors: status 500, the message "CODE: message".
	for _, tc := range []struct {
		msp  string
		args []string
		code Code
	}{
		{operatorMSP, []string{"AnchorBatch", toJSON(t, req)}, CodeAlreadyAnchored},
		{authorityMSP, []string{"AnchorBatch", toJSON(t, request(t, 2))}, CodeForbidden},
		{operatorMSP, []string{"AnchorBatch", "{}"}, CodeMalformed},
		{operatorMSP, []string{"Init", operatorMSP, authorityMSP}, CodeConflict},
		{operatorMSP, []string{"ListAnchors", "0", ""}, CodeMalformed},
		{operatorMSP, []string{"GetVerifyingKey", circuitID, f.other.version}, CodeNotFound},
	} {
		status, _, msg := invoke(tc.msp, false, tc.args...)
		code, found := CodeOf(msg)
		if status != 500 || !found || code != tc.code || !strings.HasPrefix(msg, string(tc.code)+": ") {
			t.Errorf("%s: status %d, message %q; want 500 and %s", tc.args[0], status, msg, tc.code)
		}
	}
	// contractapi's own refusals carry no code.
	status, _, msg = invoke(operatorMSP, false, "AnchorBatch")
	if _, found := CodeOf(msg); status != 500 || found {
		t.Errorf("missing argument: status %d, message %q", status, msg)
	}
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
}
