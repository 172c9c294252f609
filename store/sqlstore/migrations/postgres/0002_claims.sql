-- Claims: RECEIVED events leased to provers (ClaimEvents). claimed_by names the owner and
-- claim_expires ends the lease; both are NULL while no one holds the event, and both are
-- cleared when it leaves RECEIVED. Adding nullable columns rewrites no rows.

ALTER TABLE events
    ADD COLUMN claimed_by    TEXT,
    ADD COLUMN claim_expires TIMESTAMPTZ,
    ADD CONSTRAINT events_claim_complete CHECK ((claimed_by IS NULL) = (claim_expires IS NULL));

-- The queue ClaimEvents takes from, in the order it takes: RECEIVED events, oldest first.
-- Proven, anchored and rejected events, the bulk of the table, are not in it.
CREATE INDEX events_claim_queue ON events (received_at, id) WHERE status = 'RECEIVED';
