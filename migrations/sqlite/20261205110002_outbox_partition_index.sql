-- Outbox claims look for an earlier undelivered entry of the same partition (handset).
CREATE INDEX outbox_partition_undelivered ON outbox (channel, partition_key, id)
    WHERE delivered_at IS NULL AND parked_reason IS NULL;
