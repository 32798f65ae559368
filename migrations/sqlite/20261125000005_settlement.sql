-- Reconciliation repairs: a rail charge giftgate had no order for, refunded through its
-- rail by `giftgate reconcile --repair`. One per rail and order, so a second run (or a
-- racing one) cannot refund it twice. Money is BIGINT minor units + ISO 4217 code.
CREATE TABLE settlement_repairs (
    rail            TEXT NOT NULL CHECK (rail IN ('carrier', 'psp')),
    order_id        TEXT NOT NULL,
    reference       TEXT NOT NULL,
    payer           TEXT,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    charged_at      TEXT NOT NULL,
    repaired_at     TEXT NOT NULL,
    PRIMARY KEY (rail, order_id)
);
CREATE INDEX settlement_repairs_charged ON settlement_repairs (charged_at);
CREATE INDEX settlement_repairs_repaired ON settlement_repairs (repaired_at);

-- The day's settlement reads payments and refund journal rows by time.
CREATE INDEX payments_created ON payments (created_at);
CREATE INDEX journal_refunds ON journal (at) WHERE kind = 'refund';

-- Pre-expiry notices: the expiry date the owner was last told about. A notice goes out
-- once per certificate and expiry date (an extension moves the date, so the new one is
-- announced too); the guarded update that sets it is what makes it exactly once.
ALTER TABLE certificates ADD COLUMN expiry_noticed_for TEXT;
