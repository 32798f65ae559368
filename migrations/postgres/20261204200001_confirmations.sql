-- Requests waiting for their subscriber's YES or NO (issue 15): a purchase asked for by
-- SMS, or a gift waiting for its giver's check. Kept here, not in the session actor, so
-- a YES settles it from any instance, after idle stops and restarts. `number` is what
-- the subscriber answers with (`YES 2`): unique among their waiting requests.
CREATE TABLE confirmations (
    confirmation_id  TEXT PRIMARY KEY,
    msisdn           TEXT NOT NULL,
    number           BIGINT NOT NULL CHECK (number > 0),
    kind             TEXT NOT NULL CHECK (kind IN ('purchase', 'gift')),
    product_id       TEXT,
    quantity         BIGINT,
    gift_id          TEXT,
    state            TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    settled_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX confirmations_waiting_numbers ON confirmations (msisdn, number)
    WHERE state = 'waiting';
CREATE INDEX confirmations_due ON confirmations (expires_at, confirmation_id)
    WHERE state = 'waiting';

-- Gifts that waited for their giver's check before this table existed had their wait
-- only in a session's memory: they wait here now and lapse at the next expiry run
-- (certificates back to active, giver told) unless the giver answers first.
INSERT INTO confirmations (confirmation_id, msisdn, number, kind, gift_id, state,
                           created_at, expires_at)
SELECT gift_id, giver,
       ROW_NUMBER() OVER (PARTITION BY giver ORDER BY created_at, gift_id),
       'gift', gift_id, 'waiting', created_at, created_at
FROM gifts WHERE state = 'awaiting_confirmation';
