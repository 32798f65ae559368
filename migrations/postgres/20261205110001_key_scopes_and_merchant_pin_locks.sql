-- Channel keys carry scopes (orders, wallet, pins); any key can be revoked, and rotation
-- replaces its secret in place (the holder id stays).
ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'orders,wallet,pins';
ALTER TABLE api_keys ADD COLUMN revoked_at TIMESTAMPTZ;

-- Wrong PINs counted per certificate and merchant: five in a row from one merchant lock
-- the certificate for that merchant only (the certificate's own count locks it everywhere).
CREATE TABLE merchant_pin_failures (
    certificate_code  TEXT NOT NULL REFERENCES certificates (code),
    merchant_id       TEXT NOT NULL,
    failures          BIGINT NOT NULL CHECK (failures >= 0),
    locked_until      TIMESTAMPTZ,
    PRIMARY KEY (certificate_code, merchant_id)
);
