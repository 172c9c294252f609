package chaincode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/prover/verify"
)

// Bounds on the chaincode's arguments (docs/ledger.md).
const (
	// MaxRequestBytes bounds an AnchorRequest's JSON.
	MaxRequestBytes = 16 << 10
	// MaxIDLength bounds a batch ID, a circuit ID and an MSP ID.
	MaxIDLength = 128
	// MaxVerifyingKeyBytes bounds a registered verifying key's encoding. A
	// key for three public inputs is well under 1 KiB compressed.
	MaxVerifyingKeyBytes = 64 << 10
	// MaxPageSize bounds ListAnchors' page size.
	MaxPageSize = 100
	// MaxBookmarkLength bounds ListAnchors' bookmark.
	MaxBookmarkLength = 4 << 10
	// NbPublicInputs is the number of public inputs of an anchored proof:
	// the batch root, the supplier root and the origin root.
	NbPublicInputs = 3
)

// ParseAnchorRequest decodes an AnchorRequest from JSON and checks its
// syntax as AnchorBatch does, before anything on the ledger: at most
// [MaxRequestBytes], no unknown fields and no trailing data, then
// [AnchorRequest.Validate]. Its errors are *Error with code MALFORMED.
func ParseAnchorRequest(b []byte) (AnchorRequest, error) {
	in, err := parseAnchorRequest(b)
	if err != nil {
		return AnchorRequest{}, err
	}
	return in.req, nil
}

// Validate checks the request's fields as AnchorBatch does: the batch ID,
// circuit and version are well formed, the batch root and the three public
// inputs are reduced field elements in lower-case hex, the proof is
// canonical base64 of at most verify.MaxProofBytes bytes, and public input
// 0 is the batch root. Its errors are *Error with code MALFORMED.
func (r *AnchorRequest) Validate() error {
	_, err := r.check()
	return err
}

// anchorInput is a checked AnchorRequest and its decoded values.
type anchorInput struct {
	req    AnchorRequest
	proof  []byte
	public []field.Element
}

func parseAnchorRequest(b []byte) (anchorInput, error) {
	if len(b) > MaxRequestBytes {
		return anchorInput{}, newError(CodeMalformed, "anchor request: %d bytes, more than the %d allowed", len(b), MaxRequestBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var req AnchorRequest
	if err := dec.Decode(&req); err != nil {
		return anchorInput{}, newError(CodeMalformed, "anchor request: JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return anchorInput{}, newError(CodeMalformed, "anchor request: JSON: trailing data after the object")
	}
	return req.check()
}

func (r *AnchorRequest) check() (anchorInput, error) {
	if err := checkBatchID(r.BatchID); err != nil {
		return anchorInput{}, err
	}
	if err := checkCircuit(r.Circuit); err != nil {
		return anchorInput{}, err
	}
	if err := checkVersion(r.CircuitVersion); err != nil {
		return anchorInput{}, err
	}
	if _, err := parseElement("batch root", r.BatchRoot); err != nil {
		return anchorInput{}, err
	}
	proof, err := decodeBase64("proof", r.Proof, verify.MaxProofBytes)
	if err != nil {
		return anchorInput{}, err
	}
	if len(r.PublicInputs) != NbPublicInputs {
		return anchorInput{}, newError(CodeMalformed, "%d public inputs, want %d (batch root, supplier root, origin root)", len(r.PublicInputs), NbPublicInputs)
	}
	public := make([]field.Element, NbPublicInputs)
	for i, s := range r.PublicInputs {
		if public[i], err = parseElement("public input "+strconv.Itoa(i), s); err != nil {
			return anchorInput{}, err
		}
	}
	// Both are canonical (lower-case, reduced): equal elements are equal
	// strings.
	if r.PublicInputs[0] != r.BatchRoot {
		return anchorInput{}, newError(CodeMalformed, "public input 0 is %s, not the batch root %s", r.PublicInputs[0], r.BatchRoot)
	}
	return anchorInput{req: *r, proof: proof, public: public}, nil
}

// checkBatchID checks a batch ID: 1 to MaxIDLength of A-Z a-z 0-9 . _ : -.
func checkBatchID(id string) error {
	if !validName(id, ":") {
		return newError(CodeMalformed, "batch ID %.*q: want 1 to %d of A-Z a-z 0-9 . _ : -", MaxIDLength, id, MaxIDLength)
	}
	return nil
}

// checkMSPID checks an MSP ID: 1 to MaxIDLength of A-Z a-z 0-9 . _ -.
func checkMSPID(what, id string) error {
	if !validName(id, "") {
		return newError(CodeMalformed, "%s %.*q: want an MSP ID, 1 to %d of A-Z a-z 0-9 . _ -", what, MaxIDLength, id, MaxIDLength)
	}
	return nil
}

func checkCircuit(id string) error {
	if err := setup.CheckCircuitID(id); err != nil {
		return newError(CodeMalformed, "%w", err)
	}
	return nil
}

// checkVersion checks a circuit version: a key hash, 64 lower-case hex
// digits.
func checkVersion(v string) error {
	if len(v) != 64 || !lowerHex(v) {
		return newError(CodeMalformed, "circuit version %.70q: want a verifying key's SHA-256, 64 lower-case hex digits", v)
	}
	return nil
}

func checkKind(kind string) (RootKind, error) {
	switch k := RootKind(kind); k {
	case RootSuppliers, RootOrigins:
		return k, nil
	}
	return "", newError(CodeMalformed, "root kind %.20q: want %q or %q", kind, RootSuppliers, RootOrigins)
}

// parseElement reads a field element written as field.Hex writes it: 64
// lower-case hex digits, reduced modulo the field order.
func parseElement(what, s string) (field.Element, error) {
	if len(s) != 2*field.Bytes || !lowerHex(s) {
		return field.Element{}, newError(CodeMalformed, "%s %.70q: want 64 lower-case hex digits", what, s)
	}
	e, err := field.ParseHex(s)
	if err != nil {
		return field.Element{}, newError(CodeMalformed, "%s: not a reduced BN254 field element: %w", what, err)
	}
	return e, nil
}

// decodeBase64 decodes standard, padded base64 of 1 to limit bytes, in its
// one canonical form (no line breaks, zero padding bits).
func decodeBase64(what, s string, limit int) ([]byte, error) {
	if len(s) > base64.StdEncoding.EncodedLen(limit) {
		return nil, newError(CodeMalformed, "%s: %d base64 characters, more than the %d bytes allowed", what, len(s), limit)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	switch {
	case err != nil:
		return nil, newError(CodeMalformed, "%s: not standard base64: %w", what, err)
	case len(b) == 0:
		return nil, newError(CodeMalformed, "%s: empty", what)
	case len(b) > limit:
		return nil, newError(CodeMalformed, "%s: %d bytes, more than the %d allowed", what, len(b), limit)
	case base64.StdEncoding.EncodeToString(b) != s:
		return nil, newError(CodeMalformed, "%s: not canonical base64 (line breaks?)", what)
	}
	return b, nil
}

// parsePageSize reads a page size: a decimal number from 1 to MaxPageSize.
func parsePageSize(s string) (int32, error) {
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 3 || n < 1 || n > MaxPageSize || strconv.Itoa(n) != s {
		return 0, newError(CodeMalformed, "page size %.10q: want a number from 1 to %d", s, MaxPageSize)
	}
	return int32(n), nil
}

func checkBookmark(b string) error {
	if len(b) > MaxBookmarkLength || !utf8.ValidString(b) {
		return newError(CodeMalformed, "bookmark: want at most %d bytes of UTF-8, as ListAnchors returned it", MaxBookmarkLength)
	}
	return nil
}

// validName reports whether s is 1 to MaxIDLength of A-Z a-z 0-9 . _ -
// and the bytes of extra.
func validName(s, extra string) bool {
	if len(s) == 0 || len(s) > MaxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
