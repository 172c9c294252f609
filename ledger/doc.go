// Package ledger is Provenant's client of the Fabric ledger: chaincode
// `provenant` on channel `provenance` (see docs/ledger.md), reached through
// a Fabric Gateway peer with fabric-gateway's pkg/client.
//
// A [Client] submits with retries on transient failures (unavailable
// peers, timeouts, MVCC read conflicts) and makes anchoring idempotent:
// anchoring a batch that is already on the ledger with the same content
// succeeds and returns the existing anchor; with different content it is a
// [*ConflictError]. Chaincode refusals come back as [*Error] values that
// carry the chaincode's stable code and the transaction ID, and match the
// sentinel errors ([ErrNotFound], [ErrForbidden], [ErrRejected], ...) with
// errors.Is.
//
// A Client is configured by a [Config], usually read from a connection
// profile file (JSON) with [LoadConfig]; `provenant network up` writes one
// per organization.
package ledger
