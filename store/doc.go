// Package store defines Provenant's private event store: the domain types it keeps
// (suppliers, events, batches and their members, anchors, registry snapshots), the Store
// interface every stage uses, the errors callers tell apart, and the sealing of private
// payloads. The implementation on SQLite and PostgreSQL is package store/sqlstore; the
// conformance suite every implementation passes is package store/storetest.
//
// # Lifecycle
//
// Ingest inserts events as RECEIVED (InsertEvent, InsertEvents, InsertEventGroups: the
// events of many messages in one transaction, each message's all or nothing),
// idempotently by event ID. The prover claims RECEIVED events (ClaimEvents: a lease, so
// that provers sharing the database never prove the same event, and the events of one
// that stops go back to the queue when its lease expires; see ClaimStore), proves them
// as a batch and stores it (CreateBatch), which marks them PROVEN; or it rejects an event
// it cannot prove (RejectEvent: REJECTED). The anchor service records the ledger
// transaction of a proven batch (RecordAnchor), which marks the batch and its events
// ANCHORED; a batch the ledger refuses is rejected (RejectBatch) and its events go back to
// RECEIVED, unclaimed, to be proven again. ANCHORED and REJECTED are final. See
// Status.CanTransitionTo.
//
// # Database URLs
//
//	sqlite://./data/provenant.db           SQLite file relative to the working directory
//	sqlite:///var/lib/provenant/store.db   SQLite file at an absolute path
//	postgres://user:pass@host:5432/db?sslmode=verify-full
//	postgresql://…                         the same
//
// Missing parent directories of a SQLite file are created. SQLite URLs take no query
// string; PostgreSQL URLs take libpq's parameters.
//
// # Schema
//
// Migrations are versioned SQL files per dialect (store/sqlstore/migrations/{sqlite,postgres}),
// applied in order at open, each in its own transaction, and recorded in
// schema_migrations(version, applied_at); concurrent opens on PostgreSQL serialize on an
// advisory lock. Times are UTC with millisecond precision: TIMESTAMPTZ on PostgreSQL,
// fixed-width TEXT (2006-01-02T15:04:05.000Z) on SQLite, so text order is time order. Keys
// compare bytewise on both (the "C" collation on PostgreSQL). String lists are JSON TEXT.
//
//	suppliers          public_key PK, name, added_at, removed_at (NULL while active)
//	events             id PK, hash_id, type, action, biz_step, disposition, event_time,
//	                   products (JSON, as given), origin_region, prev_event_id, supplier,
//	                   claims (canonical JSON, clear), private_sealed, content_digest,
//	                   status, reject_reason, batch_id → batches, received_at, updated_at,
//	                   kafka_topic, kafka_partition, kafka_offset, claimed_by,
//	                   claim_expires (both NULL while unclaimed)
//	                   index (status, event_time, id); index (batch_id);
//	                   index (received_at, id) WHERE status = 'RECEIVED': the claim queue
//	event_products     PK (product, event_time, event_id): one row per product of an event,
//	                   with the event's time copied so a product's page is one index range
//	batches            id PK, circuit, circuit_version, size, root, proof, public_inputs
//	                   (JSON), status (PROVEN, ANCHORED, REJECTED), reject_reason,
//	                   created_at, updated_at; index (status, created_at, id)
//	batch_members      PK (batch_id, idx), UNIQUE (batch_id, event_id), leaf,
//	                   blinded_commitment, merkle_path (JSON)
//	anchors            batch_id PK → batches, tx_id, block_number, channel, batch_root,
//	                   tx_timestamp, recorded_at
//	registry_snapshots id PK (increasing), kind (suppliers, origins), root, data,
//	                   created_at, published_tx; index (kind, id)
//
// # Sealing private payloads
//
// The private payload of an event is never stored in clear. The store key is 32 random
// bytes (LoadOrCreateKey makes a development key file, mode 0600, in hex; production
// provisions it and uses LoadKey). Three values are derived from it with HKDF-SHA256,
// separated by their info strings: the AES-256-GCM sealing key, the content-digest key,
// and a 4-byte key ID.
//
// A sealed payload is: version (1 byte, 1) ‖ key ID (4) ‖ nonce (12, random) ‖ ciphertext
// ‖ GCM tag (16). The additional authenticated data is the version and key ID followed by
// the event ID, so a payload copied into another event's row, or altered, fails to open
// (ErrCorruptPayload), and a payload opened with another key is reported as such, with
// both key IDs (ErrWrongKey). Random 96-bit nonces bound one key to about 2^32 payloads;
// the key ID in every payload is what a future key rotation reads.
//
// Idempotent inserts compare content without decrypting, by the content digest:
// HMAC-SHA256 under the digest key of a domain string and the length-prefixed event ID,
// supplier, claims and private payload. Being keyed, the digest does not let someone who
// holds a copy of the database confirm guesses of private values; including the event ID
// keeps equal payloads of different events from having equal digests.
//
// A store opened without a Sealer reads events with a nil Private and refuses inserts
// (ErrNoSealer), so services that serve only public data need not hold the key. They read
// events with GetEventsPublic and ListEventsByProductPublic, which do not even read the
// sealed payloads, so that no key, wrong key or damaged payload changes what they serve.
//
// # Batched reads
//
// GetBatches, GetAnchors, GetBatchMembersByEvent and GetEventsPublic read the rows of many
// keys at once, so that a service resolving a list of items (an API loading the batch of
// each event of a page) asks the database once per list rather than once per item. They
// return a map keyed by the keys asked for that exist: unknown keys are simply missing,
// repeated keys are read once, and no keys is an empty map, returned without a database
// round trip. Keys are checked by ValidateIDs before the database is touched. The
// implementation in sqlstore reads up to 500 keys per query, so that thousands of keys
// take a few queries, not thousands.
package store
