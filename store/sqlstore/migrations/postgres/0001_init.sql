-- Provenant event store, initial schema (PostgreSQL).
-- Times are TIMESTAMPTZ written in UTC at millisecond precision. Keys use the "C"
-- collation so that ordering by ID is byte order, as on SQLite. JSON arrays are TEXT.

CREATE TABLE suppliers (
    public_key TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    added_at   TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ
);

CREATE TABLE batches (
    id              TEXT COLLATE "C" PRIMARY KEY,
    circuit         TEXT NOT NULL,
    circuit_version TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size > 0),
    root            TEXT NOT NULL,
    proof           BYTEA NOT NULL,
    public_inputs   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PROVEN', 'ANCHORED', 'REJECTED')),
    reject_reason   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX batches_status_created ON batches (status, created_at, id);

CREATE TABLE events (
    id              TEXT COLLATE "C" PRIMARY KEY,
    hash_id         TEXT NOT NULL DEFAULT '',
    type            TEXT NOT NULL,
    action          TEXT NOT NULL DEFAULT '',
    biz_step        TEXT NOT NULL DEFAULT '',
    disposition     TEXT NOT NULL DEFAULT '',
    event_time      TIMESTAMPTZ NOT NULL,
    products        TEXT NOT NULL,
    origin_region   TEXT NOT NULL DEFAULT '',
    prev_event_id   TEXT NOT NULL DEFAULT '',
    supplier        TEXT NOT NULL,
    claims          TEXT NOT NULL,
    private_sealed  BYTEA NOT NULL,
    content_digest  BYTEA NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('RECEIVED', 'PROVEN', 'ANCHORED', 'REJECTED')),
    reject_reason   TEXT NOT NULL DEFAULT '',
    batch_id        TEXT COLLATE "C" REFERENCES batches (id),
    received_at     TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    kafka_topic     TEXT,
    kafka_partition INTEGER,
    kafka_offset    BIGINT
);

CREATE INDEX events_status_time ON events (status, event_time, id);
CREATE INDEX events_batch ON events (batch_id) WHERE batch_id IS NOT NULL;

-- One row per (product, event): the index behind ListEventsByProduct. event_time is copied
-- from the (immutable) event so that a page is one range scan of the primary key.
CREATE TABLE event_products (
    product    TEXT COLLATE "C" NOT NULL,
    event_time TIMESTAMPTZ NOT NULL,
    event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    PRIMARY KEY (product, event_time, event_id)
);

CREATE TABLE batch_members (
    batch_id           TEXT COLLATE "C" NOT NULL REFERENCES batches (id),
    idx                INTEGER NOT NULL CHECK (idx >= 0),
    event_id           TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    leaf               TEXT NOT NULL,
    blinded_commitment TEXT NOT NULL,
    merkle_path        TEXT NOT NULL,
    PRIMARY KEY (batch_id, idx),
    UNIQUE (batch_id, event_id)
);

CREATE TABLE anchors (
    batch_id     TEXT COLLATE "C" PRIMARY KEY REFERENCES batches (id),
    tx_id        TEXT NOT NULL,
    block_number BIGINT NOT NULL CHECK (block_number >= 0),
    channel      TEXT NOT NULL,
    batch_root   TEXT NOT NULL,
    tx_timestamp TIMESTAMPTZ NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE registry_snapshots (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('suppliers', 'origins')),
    root         TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    published_tx TEXT NOT NULL DEFAULT ''
);

CREATE INDEX registry_snapshots_kind ON registry_snapshots (kind, id);
