package chaincode

// The records the chaincode stores and returns, as JSON (docs/ledger.md).
// Every record is written with encoding/json from these structs, so every
// endorser writes the same bytes.

// RootKind names a registry whose roots the Authority publishes.
type RootKind string

// The registries.
const (
	// RootSuppliers is the supplier registry: the root a batch proves its
	// supplier keys against (public input 1).
	RootSuppliers RootKind = "suppliers"
	// RootOrigins is the origin registry: the root a batch proves its
	// origin certificates against (public input 2).
	RootOrigins RootKind = "origins"
)

// Submitter is the identity that submitted a transaction: its
// organization's MSP ID and its X.509 identity,
// "x509::<subject DN>::<issuer DN>".
type Submitter struct {
	MSPID string `json:"mspID"`
	ID    string `json:"id"`
}

// AnchorRequest asks the chaincode to anchor a proven batch: AnchorBatch's
// argument, as JSON. Field elements are 64 lower-case hex digits
// (field.Hex); the proof is the standard, padded base64 of gnark's
// proof.WriteTo.
type AnchorRequest struct {
	// BatchID names the batch: 1 to 128 of A-Z a-z 0-9 . _ : -.
	BatchID string `json:"batchID"`
	// Circuit and CircuitVersion name the verifying key the proof is
	// checked against; the version is the key's hash
	// (setup.VerifyingKeyHash).
	Circuit        string `json:"circuit"`
	CircuitVersion string `json:"circuitVersion"`
	BatchRoot      string `json:"batchRoot"`
	Proof          string `json:"proof"`
	// PublicInputs are the batch root, the supplier registry root and the
	// origin registry root, in the circuit's order.
	PublicInputs []string `json:"publicInputs"`
}

// AnchorRecord is an anchored batch: the request as it was accepted, who
// submitted it, in which transaction and when. The chaincode event
// BatchAnchored carries it as its payload.
type AnchorRecord struct {
	AnchorRequest
	Submitter Submitter `json:"submitter"`
	TxID      string    `json:"txID"`
	// Timestamp is the transaction's timestamp, RFC 3339 in UTC.
	Timestamp string `json:"timestamp"`
}

// VerifyingKeyRecord is a registered Groth16 verifying key.
type VerifyingKeyRecord struct {
	Circuit string `json:"circuit"`
	// Version is the hex SHA-256 of the key's compressed encoding.
	Version string `json:"version"`
	// Key is the standard, padded base64 of the key's compressed encoding
	// (gnark's WriteTo).
	Key       string    `json:"key"`
	Submitter Submitter `json:"submitter"`
	TxID      string    `json:"txID"`
	Timestamp string    `json:"timestamp"`
}

// RootRecord is one publication of a registry root.
type RootRecord struct {
	Kind RootKind `json:"kind"`
	// Root is 64 lower-case hex digits, a reduced BN254 field element.
	Root string `json:"root"`
	// Seq numbers the kind's publications from 1.
	Seq       uint64    `json:"seq"`
	Submitter Submitter `json:"submitter"`
	TxID      string    `json:"txID"`
	Timestamp string    `json:"timestamp"`
}

// AnchorPage is a page of anchors, in batch ID order.
type AnchorPage struct {
	Anchors []AnchorRecord `json:"anchors"`
	// Bookmark continues the listing; it is "" on the last page.
	Bookmark string `json:"bookmark"`
}

// Verification is VerifyAnchor's answer: whether the anchored proof
// verifies, now, against the registered key and the published roots, and
// why not when it does not.
type Verification struct {
	BatchID string `json:"batchID"`
	Valid   bool   `json:"valid"`
	Detail  string `json:"detail"`
}
