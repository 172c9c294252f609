// Package circuits holds the gadgets of Provenant's zero-knowledge proofs
// (gnark, Groth16 on BN254), each the in-circuit twin of a native function,
// and documents the statement the proofs make. The batch circuit itself is
// in circuits/batch.
//
// # The statement
//
// A batch proof shows, for public BatchRoot, SupplierRoot and OriginRoot and
// nothing public per event, that the prover knows events whose leaves are,
// with H and the encodings of package field,
//
//	claimsHash = H(ClaimsDigest, EventTimeMs, Region)   Region = 0 unless an origin event
//	commitment = H(Facility, EventDigest, Salt)         Facility = 0 unless an origin event
//	leaf       = H(claimsHash, commitment)
//
// and such that:
//   - the event's supplier signed leaf (its 32-byte encoding) with
//     gnark-crypto's EdDSA on BN254's twisted Edwards curve, the Poseidon2
//     Merkle–Damgård hasher as challenge hash (package supplier);
//   - the supplier's key A is in the supplier registry: H(A.x, A.y) has a
//     depth-20 path to SupplierRoot;
//   - for an origin event (Region ≠ 0), H(Facility, Region, ValidFromMs,
//     ValidUntilMs) has a depth-20 path to OriginRoot and ValidFromMs ≤
//     EventTimeMs ≤ ValidUntilMs, all below 2^64;
//   - BatchRoot is the root of the depth-log2(N) tree over the N slot leaves,
//     an empty slot's leaf being 0.
//
// Every tree uses Compress, Poseidon2's 2-to-1 compression, for its nodes
// (package merkle); H(x1, …, xn) is Compress(…Compress(Compress(0, x1), x2)…, xn).
//
// # Gadgets
//
// Hasher computes Compress, H and Merkle roots exactly as packages field
// and merkle do (the tests compare them). Verifier checks signatures: the
// exact relation R = [S]B − [h]A for keys of the prime-order subgroup, which
// AssertInSubgroup proves with a preimage witness ([8]P = A). Its scalar
// multiplications avoid gnark's lookup-based paths: [S]B adds constant-table
// entries per 3-bit window, [h]A runs a signed-digit double-and-add, both
// mostly in Montgomery coordinates (see scalarMul and fixedBaseMul for why
// the incomplete formulas are safe there). Range checks are bit
// decompositions (api.ToBinary).
//
// No gadget adds Groth16 commitments (api.Commit, std/rangecheck, lookups):
// proofs must stay verifiable by snarkjs and plain Solidity verifiers. The
// batch package's Compile refuses a system that has any.
//
// Costs in R1CS constraints: Compress 186; H of n elements 186·n; a depth-20
// Merkle root 3,761; AssertSignature 3,951 (challenge hash 930, challenge
// bits 508, [h]A 1,659, [S]B 846, final check 8), where gnark's
// std/signature/eddsa costs 7,049; AssertInSubgroup 22.
package circuits
