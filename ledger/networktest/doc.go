// Package networktest holds the tests and benchmarks that need a real
// Fabric network: the chaincode as the peers run it (endorsement by both
// organizations, MVCC, commit), the ledger client, the anchor service, the
// registry publication and the audit, together. TestMain builds the
// chaincode server, starts a native network (package ledger/fabricnet) in a
// temporary folder and stops every process when the tests end, also when
// one fails. Without the Fabric binaries (`make fabric`) the tests skip,
// saying so.
package networktest
