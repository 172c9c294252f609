// Package ingest is Provenant's front door: it consumes signed EPCIS 2.0
// messages from Kafka (kafka-go consumer groups), checks each one (size,
// JSON, EPCIS 2.0 schema and CBV rules, signature header, supplier
// registry, every event's signature), writes its events to the store
// idempotently, and only then commits the message's offset. A message that
// fails a check goes, unchanged and with the reason in the provenant-error
// header, to the dead-letter topic; it never blocks its partition.
//
// Delivery is at least once: a message read again after a crash or a
// rebalance is a no-op in the store, because events are keyed by their
// identity and an identical event inserts nothing. The same identity with
// different content is a conflict, and the message carrying it is rejected.
// One bad event rejects its whole message (document), and the reason names
// the event.
package ingest
