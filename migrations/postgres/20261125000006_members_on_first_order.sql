-- A subscriber becomes a member on first contact: the first order recorded from an MSISDN
-- registers it, in the same statement, so no order path needs a separate upsert.
CREATE FUNCTION register_order_sender() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subscribers (msisdn, joined_at) VALUES (NEW.msisdn, NEW.created_at)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_register_sender AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION register_order_sender();
