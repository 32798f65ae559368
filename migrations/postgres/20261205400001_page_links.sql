-- Links to the subscriber's pages (issue 16): `/v/{token}` shows one certificate to its
-- holder, `/g/{token}` one gift to its transferee. Only the SHA-256 of the token is kept;
-- the token itself lives only in the message that carried it. A link is bound to the
-- holder and the certificate's PIN generation when it was made, so it dies when the
-- certificate changes hands or its PIN is re-keyed, and at `expires_at`.
CREATE TABLE page_links (
    token_hash        TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('voucher', 'gift')),
    certificate_code  TEXT,
    gift_id           TEXT,
    holder            TEXT NOT NULL,
    generation        BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    expires_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX page_links_certificate ON page_links (certificate_code);
