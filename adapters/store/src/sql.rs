//! The SQL text both backends run unchanged (sqlx-sqlite accepts `$1` placeholders).
//!
//! Each SELECT names exactly the columns of the row struct it feeds (`rows/`); multi-row
//! inserts are built with `QueryBuilder` from the `INSERT_*` heads below. Sums are cast
//! to BIGINT because PostgreSQL widens `SUM(bigint)` to NUMERIC.

pub(crate) const UPSERT_PRODUCT: &str = "INSERT INTO products \
     (id, issuer, category, name, face_minor, currency, validity_days, active) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer, category = excluded.category, \
     name = excluded.name, face_minor = excluded.face_minor, currency = excluded.currency, \
     validity_days = excluded.validity_days, active = excluded.active";

pub(crate) const PRODUCT: &str = "SELECT id, issuer, category, name, face_minor, currency, \
     validity_days, active FROM products WHERE id = $1";

pub(crate) const PRODUCTS: &str = "SELECT id, issuer, category, name, face_minor, currency, \
     validity_days, active FROM products ORDER BY id";

pub(crate) const INSERT_ORDER: &str = "INSERT INTO orders \
     (order_id, order_type, msisdn, body, status, reason, detail, outcome, reply_to, \
     correlation_id, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
     ON CONFLICT (order_id) DO NOTHING";

/// The head of a multi-row [`INSERT_ORDER`]: rows follow, then [`INSERT_ORDERS_TAIL`].
pub(crate) const INSERT_ORDERS: &str = "INSERT INTO orders \
     (order_id, order_type, msisdn, body, status, reason, detail, outcome, reply_to, \
     correlation_id, created_at, updated_at) ";

/// Ends a multi-row order insert: orders already stored are left as they are, and the
/// ids of those inserted come back.
pub(crate) const INSERT_ORDERS_TAIL: &str = " ON CONFLICT (order_id) DO NOTHING RETURNING order_id";

pub(crate) const ORDER: &str = "SELECT order_id, order_type, msisdn, body, status, reason, \
     detail, outcome, reply_to, correlation_id, created_at FROM orders WHERE order_id = $1";

pub(crate) const PENDING_ORDERS: &str = "SELECT order_id, order_type, msisdn, body, status, \
     reason, detail, outcome, reply_to, correlation_id, created_at FROM orders \
     WHERE status = 'pending' AND created_at < $1 ORDER BY created_at, order_id LIMIT $2";

macro_rules! certificates_where {
    ($tail:literal) => {
        concat!(
            "SELECT code, product_id, order_id, purchaser, owner, face_minor, balance_minor, \
             currency, status, expires_at, pin_sealed, pin_failures, locked_until, gift_id, \
             issued_at, version FROM certificates ",
            $tail
        )
    };
}

pub(crate) const CERTIFICATE: &str = certificates_where!("WHERE code = $1");
pub(crate) const CERTIFICATES_OF_OWNER: &str =
    certificates_where!("WHERE owner = $1 ORDER BY issued_at DESC, code DESC");
pub(crate) const CERTIFICATES_OF_ORDER: &str =
    certificates_where!("WHERE order_id = $1 ORDER BY issued_at, code");
pub(crate) const CERTIFICATES_EXPIRING: &str = certificates_where!(
    "WHERE expires_at IS NOT NULL AND expires_at <= $1 \
     AND status IN ('active', 'pending_gift') ORDER BY expires_at, code LIMIT $2"
);

pub(crate) const INSERT_CERTIFICATES: &str = "INSERT INTO certificates (code, product_id, \
     order_id, purchaser, owner, face_minor, balance_minor, currency, status, expires_at, \
     pin_sealed, pin_failures, locked_until, gift_id, issued_at, version) ";

// The guarded updates of orders and certificates are composed in `commit/updates.rs`
// (`push_update_order`, `push_update_certificate`): they run alone or as the guard of a
// fused commit.

pub(crate) const CERTIFICATE_EXISTS: &str = "SELECT COUNT(*) FROM certificates WHERE code = $1";

/// Active certificates expiring in `($1, $2]` whose owner was not told of that expiry.
pub(crate) const CERTIFICATES_TO_NOTIFY: &str = certificates_where!(
    "WHERE expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2 \
     AND status = 'active' \
     AND (expiry_noticed_for IS NULL OR expiry_noticed_for <> expires_at) \
     ORDER BY expires_at, code LIMIT $3"
);

/// Marks the owner told of the expiry `$2`, once: only while it is still the expiry.
pub(crate) const MARK_EXPIRY_NOTICE: &str = "UPDATE certificates SET expiry_noticed_for = $2 \
     WHERE code = $1 AND expires_at = $2 \
     AND (expiry_noticed_for IS NULL OR expiry_noticed_for <> $2)";

macro_rules! gifts_where {
    ($tail:literal) => {
        concat!(
            "SELECT gift_id, order_id, giver, transferee, message, extras, certificate_codes, \
             state, created_at, answer_by, settled_at FROM gifts ",
            $tail
        )
    };
}

pub(crate) const GIFT: &str = gifts_where!("WHERE gift_id = $1");
pub(crate) const GIFTS_OF: &str =
    gifts_where!("WHERE giver = $1 OR transferee = $1 ORDER BY created_at DESC, gift_id DESC");
pub(crate) const GIFTS_DUE: &str =
    gifts_where!("WHERE state = 'sent' AND answer_by <= $1 ORDER BY answer_by, gift_id LIMIT $2");

pub(crate) const INSERT_GIFTS: &str = "INSERT INTO gifts (gift_id, order_id, giver, \
     transferee, message, extras, certificate_codes, state, created_at, answer_by, settled_at) ";

pub(crate) const UPDATE_GIFT: &str = "UPDATE gifts SET state = $3, \
     settled_at = COALESCE($4, settled_at) WHERE gift_id = $1 AND state = $2";

pub(crate) const GIFT_EXISTS: &str = "SELECT COUNT(*) FROM gifts WHERE gift_id = $1";

pub(crate) const PAYMENT: &str = "SELECT order_id, msisdn, method, reference, amount_minor, \
     refunded_minor, currency, state, created_at FROM payments WHERE order_id = $1";

pub(crate) const INSERT_PAYMENTS: &str = "INSERT INTO payments (order_id, msisdn, method, \
     reference, amount_minor, refunded_minor, currency, state, created_at, updated_at) ";

pub(crate) const UPDATE_PAYMENT: &str = "UPDATE payments SET state = $3, \
     reference = COALESCE($4, reference), refunded_minor = $5, updated_at = $6 \
     WHERE order_id = $1 AND state = $2";

pub(crate) const PAYMENT_EXISTS: &str = "SELECT COUNT(*) FROM payments WHERE order_id = $1";

pub(crate) const ORDER_EXISTS: &str = "SELECT COUNT(*) FROM orders WHERE order_id = $1";

pub(crate) const CARRIER_BILLED_SINCE: &str = "SELECT \
     CAST(COALESCE(SUM(amount_minor - refunded_minor), 0) AS BIGINT) FROM payments \
     WHERE msisdn = $1 AND method = 'carrier' AND created_at >= $2 AND currency = $3 \
     AND state IN ('reserved', 'charged', 'refunded')";

macro_rules! redemptions_where {
    ($tail:literal) => {
        concat!(
            "SELECT id, merchant_id, idempotency_key, certificate_code, amount_minor, \
             balance_after_minor, currency, voided, created_at FROM redemptions ",
            $tail
        )
    };
}

pub(crate) const REDEMPTION: &str = redemptions_where!("WHERE id = $1");
pub(crate) const REDEMPTION_BY_KEY: &str =
    redemptions_where!("WHERE merchant_id = $1 AND idempotency_key = $2");

pub(crate) const INSERT_REDEMPTIONS: &str = "INSERT INTO redemptions (id, merchant_id, \
     idempotency_key, certificate_code, amount_minor, balance_after_minor, currency, voided, \
     created_at) ";

pub(crate) const VOID_REDEMPTION: &str =
    "UPDATE redemptions SET voided = TRUE WHERE id = $1 AND voided = FALSE";

pub(crate) const REDEMPTION_EXISTS: &str = "SELECT COUNT(*) FROM redemptions WHERE id = $1";

pub(crate) const INSERT_SUBSCRIBERS: &str = "INSERT INTO subscribers (msisdn, joined_at) ";

pub(crate) const JOURNAL_OF_HEAD: &str = "SELECT kind, certificate_code, amount_minor, \
     currency, msisdn, counterparty, order_id, merchant_id, reference, at FROM journal \
     WHERE msisdn = ";

pub(crate) const INSERT_JOURNAL: &str = "INSERT INTO journal (kind, certificate_code, \
     amount_minor, currency, msisdn, counterparty, order_id, merchant_id, reference, at) ";

pub(crate) const INSERT_OUTBOX: &str =
    "INSERT INTO outbox (channel, partition_key, payload, created_at, attempts) ";

pub(crate) const OUTBOX_DUE: &str = "SELECT id, payload, attempts, created_at FROM outbox \
     WHERE channel = $1 AND delivered_at IS NULL AND parked_reason IS NULL \
     AND (next_attempt_at IS NULL OR next_attempt_at <= $2) ORDER BY id LIMIT $3";

/// Claims due entries of a channel for one dispatcher until a lease runs out (`$3`): only
/// entries no earlier undelivered entry of the same partition is still waiting for (leased
/// elsewhere, or due for a retry later), so one handset's messages go in commit order
/// whichever instance sends them (two claims running at the same instant on PostgreSQL
/// may still split one handset's entries between them; each is sent once). `{lock}` is the backend's row-lock clause; the locking
/// CTE runs once (a `LIMIT` subquery under `IN` may be run again per row by PostgreSQL).
pub(crate) fn outbox_claim(lock: &str) -> String {
    format!(
        "WITH picked AS ( \
           SELECT o.id FROM outbox o \
           WHERE o.channel = $1 AND o.delivered_at IS NULL AND o.parked_reason IS NULL \
             AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= $2) \
             AND NOT EXISTS (SELECT 1 FROM outbox e \
               WHERE e.channel = o.channel AND e.partition_key = o.partition_key \
                 AND e.id < o.id AND e.delivered_at IS NULL AND e.parked_reason IS NULL \
                 AND e.next_attempt_at IS NOT NULL AND e.next_attempt_at > $2) \
           ORDER BY o.id LIMIT $4{lock}) \
         UPDATE outbox SET next_attempt_at = $3 WHERE id IN (SELECT id FROM picked) \
         AND delivered_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $2) \
         RETURNING id, payload, attempts, created_at"
    )
}

pub(crate) const OUTBOX_PENDING: &str = "SELECT id, payload, attempts, created_at FROM outbox \
     WHERE delivered_at IS NULL ORDER BY id LIMIT $1";

pub(crate) const OUTBOX_DELIVERED_HEAD: &str = "UPDATE outbox SET delivered_at = ";

pub(crate) const OUTBOX_RETRY_AT: &str = "UPDATE outbox SET attempts = attempts + 1, \
     last_error = $2, next_attempt_at = $3 WHERE id = $1";

pub(crate) const OUTBOX_PARK: &str = "UPDATE outbox SET parked_reason = $2 WHERE id = $1";

pub(crate) const INSERT_API_KEY: &str = "INSERT INTO api_keys \
     (holder_id, kind, name, secret_hash, created_at, scopes, revoked_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(crate) const API_KEY: &str = "SELECT holder_id, kind, name, secret_hash, created_at, \
     scopes, revoked_at FROM api_keys WHERE holder_id = $1";

pub(crate) const ROTATE_API_KEY: &str = "UPDATE api_keys SET secret_hash = $3 \
     WHERE holder_id = $1 AND kind = $2 AND revoked_at IS NULL";

pub(crate) const REVOKE_API_KEY: &str = "UPDATE api_keys SET revoked_at = $3 \
     WHERE holder_id = $1 AND kind = $2 AND revoked_at IS NULL";

pub(crate) const MERCHANT_PIN_LOCK: &str = "SELECT locked_until FROM merchant_pin_failures \
     WHERE certificate_code = $1 AND merchant_id = $2";

pub(crate) const COUNT_MERCHANT_PIN_FAILURE: &str = "INSERT INTO merchant_pin_failures \
     (certificate_code, merchant_id, failures, locked_until) VALUES ($1, $2, 1, NULL) \
     ON CONFLICT (certificate_code, merchant_id) \
     DO UPDATE SET failures = merchant_pin_failures.failures + 1 RETURNING failures";

pub(crate) const LOCK_MERCHANT_PIN: &str = "UPDATE merchant_pin_failures \
     SET failures = 0, locked_until = $3 WHERE certificate_code = $1 AND merchant_id = $2";

pub(crate) const CLEAR_MERCHANT_PIN_FAILURES: &str = "DELETE FROM merchant_pin_failures \
     WHERE certificate_code = $1 AND merchant_id = $2";

/// Journal and certificate sums per currency.
pub(crate) const AUDIT_TOTALS: &str = "WITH j AS ( \
       SELECT currency, \
         CAST(SUM(CASE WHEN kind = 'issue' THEN amount_minor ELSE 0 END) AS BIGINT) AS issued, \
         CAST(SUM(CASE WHEN kind = 'redeem' THEN amount_minor ELSE 0 END) AS BIGINT) AS redeemed, \
         CAST(SUM(CASE WHEN kind = 'void' THEN amount_minor ELSE 0 END) AS BIGINT) AS voided, \
         CAST(SUM(CASE WHEN kind = 'refund' THEN amount_minor ELSE 0 END) AS BIGINT) AS refunded, \
         CAST(SUM(CASE WHEN kind = 'expire' THEN amount_minor ELSE 0 END) AS BIGINT) AS expired, \
         CAST(SUM(CASE WHEN kind = 'expire' AND EXISTS (SELECT 1 FROM certificates x \
           WHERE x.code = journal.certificate_code AND x.status = 'expired') \
           THEN amount_minor ELSE 0 END) AS BIGINT) AS expired_unclaimed, \
         CAST(SUM(CASE WHEN kind = 'expired_refund' THEN amount_minor ELSE 0 END) AS BIGINT) \
           AS expired_refunded, \
         CAST(SUM(CASE WHEN kind = 'breakage' THEN amount_minor ELSE 0 END) AS BIGINT) AS breakage \
       FROM journal GROUP BY currency), \
     c AS ( \
       SELECT currency, CAST(SUM(balance_minor) AS BIGINT) AS balances, \
         CAST(SUM(face_minor) AS BIGINT) AS face_values \
       FROM certificates GROUP BY currency), \
     k AS (SELECT currency FROM j UNION SELECT currency FROM c) \
     SELECT k.currency AS currency, \
       COALESCE(j.issued, 0) AS issued, COALESCE(j.redeemed, 0) AS redeemed, \
       COALESCE(j.voided, 0) AS voided, COALESCE(j.refunded, 0) AS refunded, \
       COALESCE(j.expired, 0) AS expired, COALESCE(j.expired_unclaimed, 0) AS expired_unclaimed, \
       COALESCE(j.expired_refunded, 0) AS expired_refunded, \
       COALESCE(j.breakage, 0) AS breakage, COALESCE(c.balances, 0) AS balances, \
       COALESCE(c.face_values, 0) AS face_values \
     FROM k LEFT JOIN j ON j.currency = k.currency LEFT JOIN c ON c.currency = k.currency \
     ORDER BY k.currency";

/// Certificates whose balance does not follow from their own journal rows.
pub(crate) const AUDIT_CERTIFICATES_OFF_JOURNAL: &str = "SELECT c.code FROM certificates c \
     LEFT JOIN ( \
       SELECT certificate_code, CAST(SUM(CASE kind \
           WHEN 'redeem' THEN amount_minor WHEN 'void' THEN -amount_minor \
           WHEN 'refund' THEN amount_minor WHEN 'expire' THEN amount_minor ELSE 0 END) \
         AS BIGINT) AS spent \
       FROM journal GROUP BY certificate_code) j ON j.certificate_code = c.code \
     WHERE c.balance_minor <> c.face_minor - COALESCE(j.spent, 0) \
       OR c.balance_minor < 0 OR c.balance_minor > c.face_minor \
     ORDER BY c.code";

/// Certificates with an expiry claim (`expired_refund` or `breakage` rows) whose claim
/// does not add up to what expired, or that are not `refunded` after it.
pub(crate) const AUDIT_EXPIRY_CLAIMS_OFF_JOURNAL: &str = "SELECT c.code FROM certificates c \
     JOIN ( \
       SELECT certificate_code, \
         CAST(SUM(CASE WHEN kind = 'expire' THEN amount_minor ELSE 0 END) AS BIGINT) AS lapsed, \
         CAST(SUM(CASE WHEN kind IN ('expired_refund', 'breakage') THEN amount_minor ELSE 0 END) \
           AS BIGINT) AS claimed, \
         CAST(SUM(CASE WHEN kind IN ('expired_refund', 'breakage') THEN 1 ELSE 0 END) \
           AS BIGINT) AS claim_rows \
       FROM journal GROUP BY certificate_code) j ON j.certificate_code = c.code \
     WHERE j.claim_rows > 0 AND (j.claimed <> j.lapsed OR c.status <> 'refunded') \
     ORDER BY c.code";

/// Queued refunds that disagree with the certificate or the journal.
pub(crate) const AUDIT_REFUND_QUEUE_OFF_JOURNAL: &str = "SELECT q.certificate_code \
     FROM refund_queue q JOIN certificates c ON c.code = q.certificate_code \
     WHERE (q.state = 'paid' AND (c.status <> 'refunded' OR NOT EXISTS ( \
         SELECT 1 FROM journal j WHERE j.certificate_code = q.certificate_code \
           AND j.kind IN ('refund', 'expired_refund') AND j.amount_minor = q.amount_minor \
           AND j.reference = q.rail))) \
       OR (q.state = 'queued' AND c.status NOT IN ('refunding', 'expired')) \
     ORDER BY q.certificate_code";

/// Every journal row of one certificate, oldest first.
pub(crate) const CERTIFICATE_JOURNAL: &str = "SELECT kind, certificate_code, amount_minor, \
     currency, msisdn, counterparty, order_id, merchant_id, reference, at FROM journal \
     WHERE certificate_code = $1 ORDER BY id";

/// Charged payments whose order issued no certificate.
pub(crate) const AUDIT_CHARGES_WITHOUT_CERTIFICATES: &str = "SELECT p.order_id FROM payments p \
     WHERE p.state = 'charged' \
       AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.order_id = p.order_id) \
     ORDER BY p.order_id";

/// Certificates whose order has no charged or refunded payment.
pub(crate) const AUDIT_CERTIFICATES_WITHOUT_CHARGE: &str = "SELECT c.code FROM certificates c \
     LEFT JOIN payments p ON p.order_id = c.order_id \
     WHERE p.order_id IS NULL OR p.state NOT IN ('charged', 'refunded') \
     ORDER BY c.code";

pub(crate) const COUNT_CERTIFICATES: &str = "SELECT COUNT(*) FROM certificates";

pub(crate) const COUNT_JOURNAL: &str = "SELECT COUNT(*) FROM journal";

pub(crate) const PING: &str = "SELECT 1";

pub(crate) const UPSERT_MESSAGE: &str = "INSERT INTO messages \
     (message_id, channel, recipient, state, detail, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (message_id) DO UPDATE SET state = excluded.state, detail = excluded.detail, \
     updated_at = excluded.updated_at";

pub(crate) const INSERT_MESSAGE_PROVIDER_ID: &str = "INSERT INTO message_provider_ids \
     (channel, provider_id, raw_id, message_id) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (channel, provider_id) DO NOTHING";

pub(crate) const MESSAGE: &str = "SELECT message_id, channel, recipient, state, detail, \
     updated_at FROM messages WHERE message_id = $1";

pub(crate) const MESSAGE_BY_PROVIDER_ID: &str = "SELECT m.message_id, m.channel, m.recipient, \
     m.state, m.detail, m.updated_at FROM messages m JOIN message_provider_ids p \
     ON p.message_id = m.message_id WHERE p.channel = $1 AND p.provider_id = $2";

pub(crate) const MESSAGE_PROVIDER_IDS: &str = "SELECT provider_id, raw_id FROM \
     message_provider_ids WHERE message_id = $1 ORDER BY provider_id";

pub(crate) const UPSERT_CONTENT: &str = "INSERT INTO contents \
     (content_id, kind, title, mime, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (content_id) DO UPDATE SET kind = excluded.kind, title = excluded.title, \
     mime = excluded.mime, bytes = excluded.bytes";

pub(crate) const CONTENT: &str = "SELECT content_id, kind, title, mime, bytes, created_at \
     FROM contents WHERE content_id = $1";

pub(crate) const CONTENTS: &str = "SELECT content_id, kind, title, mime, \
     CAST(LENGTH(bytes) AS BIGINT) AS size, created_at FROM contents ORDER BY content_id";

pub(crate) const SET_MMS_CAPABLE: &str = "INSERT INTO subscribers (msisdn, joined_at, mms_capable) \
     VALUES ($1, $2, $3) ON CONFLICT (msisdn) DO UPDATE SET mms_capable = excluded.mms_capable";

pub(crate) const MMS_CAPABLE: &str = "SELECT mms_capable FROM subscribers WHERE msisdn = $1";

/// giftgate's settlement of `[$1, $2)`: charged payments and the refunds journaled as paid
/// back through the payment's own rail (keyed by certificate code, `{code}:expired` for
/// a claim on an expired balance, under the purchase order). Refunds paid by a fallback
/// rail (bank transfer, carrier points) are not the charge rail's business and are left
/// out. Unsorted: the caller sorts in its own collation.
pub(crate) const SETTLEMENT_RECORDS: &str = "\
     SELECT CASE WHEN p.method = 'carrier' THEN 'carrier' ELSE 'psp' END AS rail, \
            'charge' AS kind, p.order_id AS order_id, '' AS refund_key, \
            p.amount_minor AS amount_minor, p.currency AS currency, \
            p.reference AS reference, p.msisdn AS payer, p.created_at AS at \
       FROM payments p \
      WHERE p.state IN ('charged', 'refunded') AND p.created_at >= $1 AND p.created_at < $2 \
     UNION ALL \
     SELECT CASE WHEN p.method = 'carrier' THEN 'carrier' ELSE 'psp' END, \
            'refund', c.order_id, \
            CASE WHEN j.kind = 'expired_refund' THEN j.certificate_code || ':expired' \
                 ELSE j.certificate_code END, \
            j.amount_minor, j.currency, p.reference, p.msisdn, j.at \
       FROM journal j \
       JOIN certificates c ON c.code = j.certificate_code \
       JOIN payments p ON p.order_id = c.order_id \
      WHERE j.kind IN ('refund', 'expired_refund') AND j.reference = p.method \
        AND j.at >= $1 AND j.at < $2";

/// Repairs whose charge or refund falls in `[$1, $2)`.
pub(crate) const SETTLEMENT_REPAIRS: &str = "SELECT rail, order_id, reference, payer, \
     amount_minor, currency, charged_at, repaired_at FROM settlement_repairs \
     WHERE (charged_at >= $1 AND charged_at < $2) OR (repaired_at >= $1 AND repaired_at < $2)";

pub(crate) const INSERT_SETTLEMENT_REPAIR: &str = "INSERT INTO settlement_repairs (rail, \
     order_id, reference, payer, amount_minor, currency, charged_at, repaired_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(crate) const INSERT_QUEUED_REFUND: &str = "INSERT INTO refund_queue (certificate_code, \
     order_id, payee, amount_minor, kept_minor, currency, basis, rail, state, refused_by, \
     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

pub(crate) const PAY_QUEUED_REFUND: &str = "UPDATE refund_queue SET state = 'paid', \
     updated_at = $2 WHERE certificate_code = $1 AND state = 'queued'";

pub(crate) const QUEUED_REFUND_EXISTS: &str =
    "SELECT COUNT(*) FROM refund_queue WHERE certificate_code = $1";

macro_rules! queued_refunds_where {
    ($tail:literal) => {
        concat!(
            "SELECT certificate_code, order_id, payee, amount_minor, kept_minor, currency, \
             basis, rail, state, refused_by, created_at FROM refund_queue ",
            $tail
        )
    };
}

pub(crate) const QUEUED_REFUND: &str = queued_refunds_where!("WHERE certificate_code = $1");
pub(crate) const QUEUED_REFUNDS_OF: &str = queued_refunds_where!(
    "WHERE payee = $1 AND state = 'queued' ORDER BY created_at, certificate_code"
);

pub(crate) const UPSERT_REFUND_ACCOUNT: &str = "INSERT INTO refund_accounts \
     (msisdn, bank, account, holder, updated_at) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (msisdn) DO UPDATE SET bank = excluded.bank, account = excluded.account, \
     holder = excluded.holder, updated_at = excluded.updated_at";

pub(crate) const REFUND_ACCOUNT: &str =
    "SELECT msisdn, bank, account, holder FROM refund_accounts WHERE msisdn = $1";

pub(crate) const PINS_AFTER: &str = "SELECT code, pin_sealed FROM certificates \
     WHERE code > $1 ORDER BY code LIMIT $2";

pub(crate) const ACCOUNTS_AFTER: &str = "SELECT msisdn, account FROM refund_accounts \
     WHERE msisdn > $1 ORDER BY msisdn LIMIT $2";

pub(crate) const RESEAL_PIN: &str = "UPDATE certificates \
     SET pin_sealed = $3, version = version + 1 WHERE code = $1 AND pin_sealed = $2";

pub(crate) const RESEAL_ACCOUNT: &str = "UPDATE refund_accounts \
     SET account = $3 WHERE msisdn = $1 AND account = $2";

/// Counts one more started redelivery of an order and returns the count.
pub(crate) const COUNT_REDELIVERY: &str = "INSERT INTO intake_attempts (order_id, attempts, \
     last_at) VALUES ($1, 1, $2) ON CONFLICT (order_id) DO UPDATE SET \
     attempts = intake_attempts.attempts + 1, last_at = excluded.last_at RETURNING attempts";

/// Forgets redelivery counts last touched before `$1`.
pub(crate) const PRUNE_REDELIVERIES: &str = "DELETE FROM intake_attempts WHERE last_at < $1";

macro_rules! confirmations_where {
    ($tail:literal) => {
        concat!(
            "SELECT confirmation_id, msisdn, number, kind, product_id, quantity, gift_id, \
             state, created_at, expires_at FROM confirmations ",
            $tail
        )
    };
}

pub(crate) const CONFIRMATION: &str = confirmations_where!("WHERE confirmation_id = $1");
pub(crate) const CONFIRMATIONS_WAITING: &str =
    confirmations_where!("WHERE msisdn = $1 AND state = 'waiting' ORDER BY number");
pub(crate) const CONFIRMATIONS_DUE: &str = confirmations_where!(
    "WHERE state = 'waiting' AND expires_at <= $1 ORDER BY expires_at, confirmation_id LIMIT $2"
);

pub(crate) const INSERT_CONFIRMATIONS: &str = "INSERT INTO confirmations (confirmation_id, \
     msisdn, number, kind, product_id, quantity, gift_id, state, created_at, expires_at) ";

/// Settles a waiting request, once.
pub(crate) const SETTLE_CONFIRMATION: &str = "UPDATE confirmations SET state = $2, \
     settled_at = $3 WHERE confirmation_id = $1 AND state = 'waiting'";

pub(crate) const CONFIRMATION_EXISTS: &str =
    "SELECT COUNT(*) FROM confirmations WHERE confirmation_id = $1";
