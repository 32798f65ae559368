-- The signed-in site (issue 16). A sign-in is a one-time code sent by SMS to the number
-- being signed in: kept sealed with the server key (never in clear), good for 3 minutes
-- and 5 tries, used once. `client` is the address that asked, for the per-address rate
-- limit. A web session is known only by the SHA-256 of its cookie's token.
CREATE TABLE web_sign_ins (
    id           TEXT PRIMARY KEY,
    msisdn       TEXT NOT NULL,
    client       TEXT NOT NULL,
    code_sealed  TEXT NOT NULL,
    tries        INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX web_sign_ins_msisdn ON web_sign_ins (msisdn, created_at);
CREATE INDEX web_sign_ins_client ON web_sign_ins (client, created_at);

CREATE TABLE web_sessions (
    token_hash   TEXT PRIMARY KEY,
    msisdn       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);

-- Notices, usage guide and call-center texts of the site, per language, edited by admin.
CREATE TABLE site_texts (
    topic        TEXT NOT NULL CHECK (topic IN ('notices', 'guide', 'call_center')),
    language     TEXT NOT NULL CHECK (language IN ('ko', 'en')),
    body         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (topic, language)
);
