// Package setup makes and keeps the Groth16 keys (BN254, gnark) of
// Provenant's circuits.
//
// Two ways to make keys:
//
//   - [Dev]: gnark's single-party setup. INSECURE — whoever could read the
//     process's memory can forge proofs — and labelled so everywhere: every
//     log line (a warning with insecure=true), meta.json's kind
//     "dev-insecure" and an INSECURE-DEV-KEYS.txt beside the keys.
//   - A multi-party ceremony on gnark's backend/groth16/bn254/mpcsetup,
//     run as files in a folder ([CeremonyInit], [Contribute], [Phase1Seal],
//     [Seal], checked by [VerifyAll]): sound as long as one contributor
//     destroyed their randomness. Its keys carry kind "ceremony" and the
//     transcript of every contribution's hash.
//
// A [Dir] keeps keys content-addressed: <dir>/<circuit ID>/<key hash>/,
// where the key hash is the hex SHA-256 of the verifying key's compressed
// encoding (the value the ledger pins). Loading re-hashes every file.
//
// export.go writes the verifying key, proofs and public inputs for snarkjs
// and a Solidity verifier.
package setup
