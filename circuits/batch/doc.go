// Package batch is Provenant's batch circuit: one Groth16 proof over BN254
// that N events were signed by registered suppliers and, for origin
// events, come from facilities certified for the claimed region at the
// event's time (the statement is in package circuits). Its public inputs
// are BatchRoot, SupplierRoot and OriginRoot, in this order, and nothing
// per event.
//
// # Layout
//
// A Layout fixes N event slots, K supplier key slots and M origin
// certificate slots; each layout is its own circuit with its own keys,
// named by its ID ("provenant-batch-v1-n32-k8-m4"). DefaultLayout(n) has
// K = max(1, n/4) and M = max(1, n/8).
//
// Each distinct supplier key of a batch sits in one key slot, which proves
// once that the key is a registered point of the prime-order subgroup.
// Each distinct origin certificate (facility, region, validity) sits in one
// origin slot, which proves once that it is in the origin registry. An
// event slot selects its key slot and, for an origin event, its origin slot
// with one-hot selector bits; its facility, region and validity are the
// selected slot's (0 when it selects none), so an event that claims a region
// cannot skip the certificate check: without one its claims hash would have
// region 0 and not match what the supplier signed. A key or origin slot
// that no event selects is not checked against its registry (the check is
// (root − registry root) · uses = 0).
//
// Per event slot the circuit checks: Enabled is boolean and the enabled
// slots are a prefix (slot i enabled ⇒ slot i−1 enabled); the selectors are
// boolean, Σ key selectors = Enabled and Σ origin selectors ≤ 1; the
// validity window (EventTimeMs − ValidFromMs and ValidUntilMs − EventTimeMs
// have 64 bits; for other events the window is [0, 2^64 − 1]); the leaf,
// multiplied by Enabled; the signature over that product with the selected
// key, or with the dummy key when the slot is empty.
//
// # Empty slots
//
// An empty slot (Enabled = 0) has leaf 0, selects no slot, and carries the
// dummy signature: the signature over the zero leaf by the dummy key, the
// gnark-crypto key generated from SHA-256(DummyKeySeed), signed with
// gnark-crypto's deterministic Sign over 32 zero bytes. Anyone can derive
// that key; it does not matter, since its slot's leaf is 0 and it can never
// sign for an enabled slot (those must select a registered key slot).
// Assign fills empty slots, unused key slots (the dummy key, an all-zero
// path) and unused origin slots (all zero) itself.
//
// # Cost
//
// In R1CS constraints, exactly (TestCostModel checks it against
// testdata/constraints.csv):
//
//	5760·N − 187 + 4157·K + 4637·M + 3·N·K + 5·N·M (+ N when M ≥ 2)
//
// An event slot costs 5,573 (the leaf's three hashes 1,488; the signature
// 3,951; the validity window 130; flags 4) plus 187 for its batch-tree node;
// a key slot 4,157 (H(A) and its registry path 4,133, subgroup check 22); an
// origin slot 4,637 (its leaf and path 4,505, range checks 130); selecting a
// key slot 3 per pair of slots, an origin slot 5. Per event: N = 8 (K = 2,
// M = 1) 7,366; N = 32 (8, 4) 7,418; N = 128 (32, 16) 7,554; with
// K = M = N/4, 7,952 / 8,018 / 8,214; with K = M = N/8, 6,844 / 6,886 /
// 6,987. N = 1 costs 14,375 and N = 2 10,072 per event, the registry proofs
// being shared by one or two events only.
//
// # Proving
//
// Assign builds the full assignment from plain values (EventWitness, with
// NewEventWitness for a signed supplier.Statement), checks natively what the
// circuit checks and returns typed errors (*EventError wrapping
// ErrBadSignature, ErrUnknownSupplier, …, or *CapacityError when a batch has
// more events, keys or certificates than the layout has slots), the batch
// root, and each event's path in the batch tree, which buyers need to check
// that an event's leaf is in a proved batch. Compile compiles a layout and
// refuses Groth16 commitments; PublicWitness builds the public witness from
// the three roots.
package batch
