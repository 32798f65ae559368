-- giftgate ledger schema (SQLite). Money is BIGINT minor units + ISO 4217 code;
-- JSON is TEXT; timestamps are TEXT written by sqlx chrono (RFC 3339 in UTC, whose
-- text order is chronological order); booleans are INTEGER 0/1.

CREATE TABLE products (
    id             TEXT PRIMARY KEY,
    issuer         TEXT NOT NULL,
    category       TEXT NOT NULL,
    name           TEXT NOT NULL,
    face_minor     BIGINT NOT NULL CHECK (face_minor >= 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    validity_days  BIGINT CHECK (validity_days >= 0),
    active         INTEGER NOT NULL
);

CREATE TABLE subscribers (
    msisdn     TEXT PRIMARY KEY,
    joined_at  TEXT NOT NULL
);

CREATE TABLE orders (
    order_id        TEXT PRIMARY KEY,
    order_type      TEXT NOT NULL,
    msisdn          TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    detail          TEXT,
    outcome         TEXT,
    reply_to        TEXT,
    correlation_id  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX orders_pending ON orders (created_at, order_id) WHERE status = 'pending';

CREATE TABLE payments (
    order_id        TEXT PRIMARY KEY,
    msisdn          TEXT NOT NULL,
    method          TEXT NOT NULL,
    reference       TEXT,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor >= 0),
    refunded_minor  BIGINT NOT NULL CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    state           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX payments_billed ON payments (msisdn, method, created_at);

CREATE TABLE certificates (
    code           TEXT PRIMARY KEY,
    product_id     TEXT NOT NULL REFERENCES products (id),
    order_id       TEXT NOT NULL,
    purchaser      TEXT NOT NULL,
    owner          TEXT NOT NULL,
    face_minor     BIGINT NOT NULL CHECK (face_minor >= 0),
    balance_minor  BIGINT NOT NULL CHECK (balance_minor >= 0 AND balance_minor <= face_minor),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    status         TEXT NOT NULL,
    expires_at     TEXT,
    pin_sealed     TEXT NOT NULL,
    pin_failures   BIGINT NOT NULL DEFAULT 0,
    locked_until   TEXT,
    gift_id        TEXT,
    issued_at      TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX certificates_owner ON certificates (owner, issued_at);
CREATE INDEX certificates_order ON certificates (order_id);
CREATE INDEX certificates_expiring ON certificates (expires_at, code)
    WHERE expires_at IS NOT NULL AND status IN ('active', 'pending_gift');

CREATE TABLE gifts (
    gift_id            TEXT PRIMARY KEY,
    order_id           TEXT NOT NULL,
    giver              TEXT NOT NULL,
    transferee         TEXT NOT NULL,
    message            TEXT,
    extras             TEXT NOT NULL,
    certificate_codes  TEXT NOT NULL,
    state              TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    answer_by          TEXT NOT NULL,
    settled_at         TEXT
);
CREATE INDEX gifts_giver ON gifts (giver, created_at);
CREATE INDEX gifts_transferee ON gifts (transferee, created_at);
CREATE INDEX gifts_due ON gifts (answer_by, gift_id) WHERE state = 'sent';

CREATE TABLE redemptions (
    id                   TEXT PRIMARY KEY,
    merchant_id          TEXT NOT NULL,
    idempotency_key      TEXT NOT NULL,
    certificate_code     TEXT NOT NULL REFERENCES certificates (code),
    amount_minor         BIGINT NOT NULL CHECK (amount_minor >= 0),
    balance_after_minor  BIGINT NOT NULL CHECK (balance_after_minor >= 0),
    currency             TEXT NOT NULL CHECK (length(currency) = 3),
    voided               INTEGER NOT NULL,
    created_at           TEXT NOT NULL,
    UNIQUE (merchant_id, idempotency_key)
);
CREATE INDEX redemptions_certificate ON redemptions (certificate_code);

CREATE TABLE journal (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL,
    certificate_code  TEXT NOT NULL REFERENCES certificates (code),
    amount_minor      BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    msisdn            TEXT NOT NULL,
    counterparty      TEXT,
    order_id          TEXT,
    merchant_id       TEXT,
    reference         TEXT,
    at                TEXT NOT NULL
);
CREATE INDEX journal_msisdn ON journal (msisdn, at, id);
CREATE INDEX journal_certificate ON journal (certificate_code);

-- The journal is append-only: every value movement stays on record.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only: UPDATE refused');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only: DELETE refused');
END;

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    channel          TEXT NOT NULL,
    partition_key    TEXT NOT NULL,
    payload          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    delivered_at     TEXT,
    last_error       TEXT,
    parked_reason    TEXT
);
CREATE INDEX outbox_undelivered ON outbox (channel, id)
    WHERE delivered_at IS NULL AND parked_reason IS NULL;

CREATE TABLE api_keys (
    holder_id    TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
