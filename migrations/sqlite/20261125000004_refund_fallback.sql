-- Refunds the carrier would not make (billing month closed, unsupported), queued durably
-- until the fallback rail (bank transfer) has paid them; one per certificate.
CREATE TABLE refund_queue (
    certificate_code  TEXT PRIMARY KEY REFERENCES certificates (code),
    order_id          TEXT NOT NULL,
    payee             TEXT NOT NULL,
    amount_minor      BIGINT NOT NULL CHECK (amount_minor >= 0),
    kept_minor        BIGINT NOT NULL CHECK (kept_minor >= 0),
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    basis             TEXT NOT NULL,
    rail              TEXT NOT NULL,
    state             TEXT NOT NULL,
    refused_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX refund_queue_payee ON refund_queue (payee) WHERE state = 'queued';

-- The bank account a subscriber gives for refunds that cannot go back the way they came.
CREATE TABLE refund_accounts (
    msisdn      TEXT PRIMARY KEY,
    bank        TEXT NOT NULL,
    account     TEXT NOT NULL,
    holder      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
