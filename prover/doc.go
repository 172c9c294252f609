// Package prover is Provenant's proving stage: it leases RECEIVED events from
// the store, groups them into batches that fit the batch circuit's layout,
// builds the witness from each event's private payload and the current
// registries, proves the batch with a Backend (the CPU now, a GPU later),
// checks the proof, and stores it with every member's leaf, blinded
// commitment and Merkle path (status PROVEN). Events that cannot be proven
// — a supplier removed from the registry, an origin not certified at the
// event's time — are REJECTED with the reason, and the rest of the batch is
// still proven.
//
// Work is shared through the store's leases (PostgreSQL's FOR UPDATE SKIP
// LOCKED underneath): two provers never prove the same event, and a prover
// that dies mid-batch loses its leases when they expire, returning its
// events to the queue.
package prover
