-- Redelivered orders the AMQP intake started: an order started this many times without
-- finishing is dead-lettered as `delivery_limit`. Only redeliveries are counted, so the
-- first delivery of an order costs no write; a delivery the broker took back unstarted
-- (a lost connection) is not counted either.
CREATE TABLE intake_attempts (
    order_id    TEXT PRIMARY KEY,
    attempts    INTEGER NOT NULL,
    last_at     TIMESTAMPTZ NOT NULL
);
