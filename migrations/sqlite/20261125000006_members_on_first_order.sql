-- A subscriber becomes a member on first contact: the first order recorded from an MSISDN
-- registers it, in the same statement, so no order path needs a separate upsert.
CREATE TRIGGER orders_register_sender AFTER INSERT ON orders
BEGIN
    INSERT OR IGNORE INTO subscribers (msisdn, joined_at) VALUES (NEW.msisdn, NEW.created_at);
END;
