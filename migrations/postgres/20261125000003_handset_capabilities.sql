-- Whether a subscriber's handset can receive MMS; gifts to one that cannot go by SMS.
ALTER TABLE subscribers ADD COLUMN mms_capable BOOLEAN NOT NULL DEFAULT TRUE;
