-- Handset messages (SMS, MMS) and their delivery state, matched to receipts by the
-- provider's message ids; and the contents database (ringtones, background music, theme
-- cards, characters) that go with gifts.

CREATE TABLE messages (
    message_id   TEXT PRIMARY KEY,
    channel      TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    state        TEXT NOT NULL,
    detail       TEXT,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE message_provider_ids (
    channel       TEXT NOT NULL,
    provider_id   TEXT NOT NULL,
    raw_id        TEXT NOT NULL,
    message_id    TEXT NOT NULL REFERENCES messages (message_id),
    PRIMARY KEY (channel, provider_id)
);
CREATE INDEX message_provider_ids_message ON message_provider_ids (message_id);

CREATE TABLE contents (
    content_id   TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    mime         TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
