// Package supplier holds what a supplier needs to take part in Provenant:
// its signing key, the signature over each event, and the Kafka message that
// carries signed events to the platform.
//
// # Keys
//
// A supplier key is an EdDSA key on the twisted Edwards curve defined over
// BN254's scalar field (gnark-crypto ecc/bn254/twistededwards/eddsa), so
// that the proving circuits verify the same signatures natively. The public
// key is written as the hex of its 32-byte compressed encoding.
//
// # What is signed
//
// For each event the supplier picks a fresh random salt (32 random bytes
// with the 3 most significant bits cleared, a field element) and signs the
// event's leaf, the field element
//
//	commitment = H(Facility, EventDigest, salt)
//	m = leaf   = H(claimsHash, commitment)
//
// where, with H and the encodings of package field:
//   - claimsHash is claims.Claims.Hash of the event's public claims;
//   - Facility is field.String of the origin facility (0 unless the event
//     is an origin event, see package claims);
//   - EventDigest is field.Digest of the event's JSON object exactly as it
//     appears in the Kafka message value, from its opening '{' to its
//     closing '}', so that the signature covers every byte of the event,
//     private data included.
//
// The signature is gnark-crypto's EdDSA over the 32-byte big-endian
// encoding of m, with the Poseidon2 Merkle–Damgård hash (the same H) as the
// challenge hash: 64 bytes, R compressed then S big-endian.
//
// # Verification
//
// PublicKey.Verify checks one signature. To check many signatures of one
// key, as ingest does, prepare the key once with PublicKey.Verifier: it
// checks the key once and keeps a table of the key's multiples (about
// 50 KB), so that each check costs a fixed-base multiplication for the key
// and one for the base point, no doublings. Both accept exactly the
// signatures gnark-crypto's eddsa.PublicKey.Verify accepts, with the same
// errors (verify.go explains why).
//
// # The message
//
// One Kafka message on topic provenant.events.v1 carries an EPCIS 2.0
// JSON-LD document or one event as its value, unchanged, keyed by the first
// product identifier of its first event, with two headers:
//   - provenant-supplier: the supplier's public key (hex);
//   - provenant-signature: "v1" followed, for every event in document
//     order, by ";" then the signature (hex) ":" the salt (hex, 32 bytes).
package supplier
