-- Provenant event store, initial schema (SQLite).
-- Times are TEXT in UTC, millisecond precision, fixed width: 2006-01-02T15:04:05.000Z,
-- so that text order is time order. JSON arrays are TEXT. Tables are STRICT.

CREATE TABLE suppliers (
    public_key TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    added_at   TEXT NOT NULL,
    removed_at TEXT
) STRICT;

CREATE TABLE batches (
    id              TEXT PRIMARY KEY,
    circuit         TEXT NOT NULL,
    circuit_version TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size > 0),
    root            TEXT NOT NULL,
    proof           BLOB NOT NULL,
    public_inputs   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PROVEN', 'ANCHORED', 'REJECTED')),
    reject_reason   TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX batches_status_created ON batches (status, created_at, id);

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    hash_id         TEXT NOT NULL DEFAULT '',
    type            TEXT NOT NULL,
    action          TEXT NOT NULL DEFAULT '',
    biz_step        TEXT NOT NULL DEFAULT '',
    disposition     TEXT NOT NULL DEFAULT '',
    event_time      TEXT NOT NULL,
    products        TEXT NOT NULL,
    origin_region   TEXT NOT NULL DEFAULT '',
    prev_event_id   TEXT NOT NULL DEFAULT '',
    supplier        TEXT NOT NULL,
    claims          TEXT NOT NULL,
    private_sealed  BLOB NOT NULL,
    content_digest  BLOB NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('RECEIVED', 'PROVEN', 'ANCHORED', 'REJECTED')),
    reject_reason   TEXT NOT NULL DEFAULT '',
    batch_id        TEXT REFERENCES batches (id),
    received_at     TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    kafka_topic     TEXT,
    kafka_partition INTEGER,
    kafka_offset    INTEGER
) STRICT;

CREATE INDEX events_status_time ON events (status, event_time, id);
CREATE INDEX events_batch ON events (batch_id) WHERE batch_id IS NOT NULL;

-- One row per (product, event): the index behind ListEventsByProduct. event_time is copied
-- from the (immutable) event so that a page is one range scan of the primary key.
CREATE TABLE event_products (
    product    TEXT NOT NULL,
    event_time TEXT NOT NULL,
    event_id   TEXT NOT NULL REFERENCES events (id),
    PRIMARY KEY (product, event_time, event_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE batch_members (
    batch_id           TEXT NOT NULL REFERENCES batches (id),
    idx                INTEGER NOT NULL CHECK (idx >= 0),
    event_id           TEXT NOT NULL REFERENCES events (id),
    leaf               TEXT NOT NULL,
    blinded_commitment TEXT NOT NULL,
    merkle_path        TEXT NOT NULL,
    PRIMARY KEY (batch_id, idx),
    UNIQUE (batch_id, event_id)
) STRICT;

CREATE TABLE anchors (
    batch_id     TEXT PRIMARY KEY REFERENCES batches (id),
    tx_id        TEXT NOT NULL,
    block_number INTEGER NOT NULL CHECK (block_number >= 0),
    channel      TEXT NOT NULL,
    batch_root   TEXT NOT NULL,
    tx_timestamp TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;

CREATE TABLE registry_snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('suppliers', 'origins')),
    root         TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    published_tx TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX registry_snapshots_kind ON registry_snapshots (kind, id);
