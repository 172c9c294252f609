// Package chaincode is the provenant chaincode: the contract that anchors
// proven batches on the Fabric channel "provenance", and the records and
// error codes its clients read (docs/ledger.md is the contract's
// specification).
//
// Every endorsing peer re-verifies each batch's Groth16 proof (BN254,
// gnark) against a verifying key pinned on the ledger by the Operator and
// against registry roots published by the Authority, so an anchor,
// endorsed by both organizations, says that both checked the proof.
//
// The transactions are the methods of [Contract] that take a transaction
// context; command provenant-chaincode serves them as an external
// chaincode (chaincode as a service). Every error they return is an
// [*Error]: a stable [Code], a colon and a readable message, which the
// peer hands to the client as the chaincode's response message.
// [ParseMessage] and [ParseError] recover the code on the client's side.
//
// Records are written with encoding/json from the structs of this package
// and every timestamp is the transaction's, so every endorser writes the
// same bytes. The contract keeps no state but the ledger's, except a cache
// of parsed verifying keys, which a key's version (its hash) keeps
// current.
package chaincode
