//! Configuration (CONTRACT.md §1): defaults, then an optional TOML file (`--config`),
//! then `GIFTGATE_*` environment variables (environment wins). Every key of the TOML file
//! is the variable's name without the prefix, in lower case (`database_url = "…"`).

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::Serialized;
use giftgate_actors::domain::Language;
use giftgate_actors::service::refund_rules::RefundFallback;
use giftgate_mms::Mm7Version;
use giftgate_smpp::IdNormalization;
use serde::{Deserialize, Serialize};

use crate::config_sources;

pub mod choices;

use choices::as_text;

/// The gateway's settings. `Debug` redacts secrets.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `sqlite://…` (embedded) or `postgres://…` (production).
    pub database_url: String,
    /// RabbitMQ URL; unset = orders arrive by HTTP only.
    pub amqp_url: Option<String>,
    /// HTTP API listen address.
    pub http_addr: String,
    /// SMSC `smpp://host:port`; unset = built-in SMSC simulator.
    pub smsc_url: Option<String>,
    /// SMPP system_id.
    pub smsc_system_id: String,
    /// SMPP password.
    pub smsc_password: String,
    /// SMPP system_type.
    pub smsc_system_type: String,
    /// Transceiver binds kept open.
    pub smsc_binds: usize,
    /// Outstanding submit_sm per bind.
    pub smsc_window: usize,
    /// submit_sm per second over all binds (0 = unlimited).
    pub smsc_tps: u32,
    /// Source address of MT messages; destination of MO commands.
    pub short_code: String,
    /// MMSC MM7 endpoint; unset = built-in MMSC simulator.
    pub mm7_url: Option<String>,
    /// Allow the built-in simulators for unset rail URLs on PostgreSQL (`serve` refuses
    /// them otherwise; SQLite and `demo` always may).
    pub simulators: bool,
    /// Carrier billing base URL; unset = built-in billing simulator.
    pub billing_url: Option<String>,
    /// Payment network base URL; unset = built-in payment simulator.
    pub psp_url: Option<String>,
    /// Bearer token of `/v1/admin/*`; unset = admin routes off.
    pub admin_token: Option<String>,
    /// 32-byte hex key encrypting PINs; generated beside a SQLite file, required with Postgres.
    pub secret_key: Option<String>,
    /// The key PINs were sealed with before the current one, opened (never used to seal)
    /// while `giftgate rekey` runs.
    pub previous_secret_key: Option<String>,
    /// Default region of national phone numbers.
    pub country: String,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Language of handset texts: `ko` or `en` (extension).
    #[serde(with = "as_text")]
    pub language: Language,
    /// Monthly carrier-billing cap per subscriber in KRW; 0 = none (extension).
    pub monthly_carrier_cap: i64,
    /// Days a transferee has to answer a gift (extension).
    pub gift_answer_days: i64,
    /// Seconds a subscriber session may idle before it stops (extension).
    pub session_idle_secs: u64,
    /// Worker threads for subscriber sessions (extension; 0 = one per CPU).
    pub session_threads: usize,
    /// HTTP worker threads (extension; 0 = one per CPU).
    pub http_workers: usize,
    /// Database connections (extension).
    pub database_max_connections: u32,
    /// Carrier billing request timeout in milliseconds (extension).
    pub billing_timeout_ms: u64,
    /// Payment network request timeout in milliseconds (extension).
    pub psp_timeout_ms: u64,
    /// Run the delivery workers (SMS and MMS dispatchers, event relay) in this instance
    /// (extension; `false` makes an API-only instance whose outbox other instances deliver).
    pub delivery: bool,
    /// Months past its original validity a certificate may be extended, 3 at a time by
    /// `EXTEND` (extension; 0 = not offered).
    pub max_extension_months: u32,
    /// Seconds between runs of the certificate expiry job (extension).
    pub expiry_interval_secs: u64,
    /// Days before its expiry a certificate's owner is told by SMS (once per expiry
    /// date); 0 = no notices.
    pub expiry_notice_days: u32,
    /// Seconds a purchase or gift waits for the subscriber's `YES` before it is
    /// cancelled (`GIFTGATE_CONFIRM_SECS`).
    pub confirm_secs: u64,
    /// MO commands held at once (running, or waiting behind their subscriber's); at the
    /// bound the binds stop reading (extension).
    pub mo_in_flight: usize,
    /// Unacknowledged orders one AMQP consumer holds at once (extension).
    pub amqp_prefetch: u16,
    /// Order partitions by MSISDN hash for scale-out (extension; 0 = one queue).
    pub amqp_partitions: u16,
    /// Scale-out member id of this instance (extension; unset = a random one per start).
    pub amqp_instance_id: Option<String>,
    /// Milliseconds between scale-out heartbeats (extension).
    pub amqp_heartbeat_ms: u64,
    /// Milliseconds of silence after which a scale-out member is presumed gone (extension).
    pub amqp_member_timeout_ms: u64,
    /// Unfinished starts after which an order is dead-lettered as `delivery_limit`
    /// (extension; 0 = no limit).
    pub amqp_delivery_limit: u32,
    /// External content provider URL template with `{id}` (extension; unset = none).
    pub content_provider_url: Option<String>,
    /// Send GSM 03.38 text packed (7-bit) rather than unpacked (extension; per SMSC).
    pub smsc_gsm_packed: bool,
    /// Send non-GSM text as KS C 5601 (data_coding 0x0E) rather than UCS2 (extension).
    pub smsc_ksc5601: bool,
    /// How this SMSC writes message ids in `submit_sm_resp` and receipts: `opaque`,
    /// `hex` or `decimal`, as `submit,receipt` or one value for both (extension).
    #[serde(with = "as_text")]
    pub smsc_message_ids: IdNormalization,
    /// Largest content item accepted, bytes (extension).
    pub content_max_bytes: usize,
    /// Largest multimedia message, bytes; bigger gifts drop their largest extras (extension).
    pub mms_max_bytes: usize,
    /// MM7 version spoken to the MMSC: `5.3.0` (REL-5-MM7-1-2) or `6.8.0` (REL-6-MM7-1-4) (extension).
    #[serde(with = "as_text")]
    pub mm7_version: Mm7Version,
    /// MM7 basic-auth user (extension).
    pub mm7_username: Option<String>,
    /// MM7 basic-auth password (extension).
    pub mm7_password: Option<String>,
    /// MM7 VASPID (extension).
    pub mm7_vasp_id: String,
    /// MM7 VASID (extension).
    pub mm7_vas_id: String,
    /// Days after purchase within which an unused certificate is refunded in full
    /// (withdrawal; extension).
    pub withdrawal_days: u32,
    /// Whether an unused certificate stays refundable in full after the withdrawal
    /// period (extension; the standard terms: yes).
    pub refund_unused_after_withdrawal: bool,
    /// Whether the remaining balance of a partly used certificate is refunded once
    /// enough is used (extension).
    pub partial_refund: bool,
    /// Percent of the face value (over one order's certificates) that must be used
    /// before the balance is refunded (extension).
    pub partial_refund_used_percent: u32,
    /// The percent for face values up to `partial_refund_small_face` (extension).
    pub partial_refund_small_used_percent: u32,
    /// Face values up to this count as small for the partial refund (extension).
    pub partial_refund_small_face: u64,
    /// Percent of an expired balance paid back on claim (extension).
    pub expired_refund_percent: u32,
    /// The percent for face values above `expired_refund_large_above` (extension).
    pub expired_refund_large_percent: u32,
    /// Face values above this get `expired_refund_large_percent` (extension).
    pub expired_refund_large_above: u64,
    /// Percent of an expired balance paid when taken as carrier points (extension).
    pub expired_refund_points_percent: u32,
    /// Years from purchase during which an expired balance can be claimed; 0 = never
    /// (extension).
    pub expired_refund_years: u32,
    /// Days after expiry during which the holder has the claim, then the purchaser
    /// (extension).
    pub expired_holder_days: u32,
    /// Where refunds go that the carrier refuses: `bank` (transfer to the account the
    /// subscriber gives; queued until then), `points` (carrier points) or `none`
    /// (refused) (extension).
    #[serde(with = "as_text")]
    pub refund_fallback: RefundFallback,
    /// Base of the subscriber pages and of the links in messages (`GIFTGATE_PUBLIC_URL`);
    /// unset = `http://` + the HTTP listen address.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "sqlite://giftgate.db?mode=rwc".to_owned(),
            amqp_url: None,
            http_addr: "127.0.0.1:8080".to_owned(),
            smsc_url: None,
            smsc_system_id: "giftgate".to_owned(),
            smsc_password: "secret".to_owned(),
            smsc_system_type: String::new(),
            smsc_binds: 1,
            smsc_window: 64,
            smsc_tps: 0,
            short_code: "1555".to_owned(),
            mm7_url: None,
            simulators: false,
            previous_secret_key: None,
            billing_url: None,
            psp_url: None,
            admin_token: None,
            secret_key: None,
            country: "KR".to_owned(),
            log_format: "text".to_owned(),
            language: Language::Ko,
            monthly_carrier_cap: 500_000,
            gift_answer_days: 7,
            session_idle_secs: 60,
            session_threads: 0,
            http_workers: 0,
            database_max_connections: 16,
            billing_timeout_ms: 10_000,
            psp_timeout_ms: 10_000,
            delivery: true,
            max_extension_months: 0,
            expiry_interval_secs: 3600,
            expiry_notice_days: 30,
            confirm_secs: 300,
            mo_in_flight: giftgate_delivery::mo_intake::DEFAULT_MO_IN_FLIGHT,
            amqp_prefetch: 64,
            amqp_partitions: 0,
            amqp_instance_id: None,
            amqp_heartbeat_ms: 1_000,
            amqp_member_timeout_ms: 5_000,
            amqp_delivery_limit: 10,
            content_provider_url: None,
            smsc_gsm_packed: false,
            smsc_ksc5601: false,
            smsc_message_ids: IdNormalization::default(),
            content_max_bytes: 300 * 1024,
            mms_max_bytes: 300 * 1024,
            mm7_version: Mm7Version::Rel5,
            mm7_username: None,
            mm7_password: None,
            mm7_vasp_id: "giftgate".to_owned(),
            mm7_vas_id: "giftgate".to_owned(),
            withdrawal_days: 7,
            refund_unused_after_withdrawal: true,
            partial_refund: true,
            partial_refund_used_percent: 60,
            partial_refund_small_used_percent: 80,
            partial_refund_small_face: 10_000,
            expired_refund_percent: 90,
            expired_refund_large_percent: 95,
            expired_refund_large_above: 50_000,
            expired_refund_points_percent: 100,
            expired_refund_years: 5,
            expired_holder_days: 180,
            refund_fallback: RefundFallback::Bank,
            public_url: None,
        }
    }
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(#[from] Box<figment::Error>);

impl Settings {
    /// Reads defaults, the optional TOML file and the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Settings::load_from(file, std::env::vars())
    }

    /// Reads defaults, the optional TOML file and the `GIFTGATE_*` variables among
    /// `vars`. Text settings keep what was written (`1555`, `0000`): see
    /// [`config_sources`].
    pub fn load_from(
        file: Option<&Path>,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let defaults = Settings::default();
        let typed = config_sources::typed_keys(&defaults);
        let mut figment = Figment::from(Serialized::defaults(defaults));
        if let Some(file) = file {
            let layer = config_sources::toml_layer(file, &typed).map_err(ConfigError)?;
            figment = figment.merge(Serialized::globals(layer));
        }
        figment = figment.merge(Serialized::globals(config_sources::env_layer(vars, &typed)));
        figment.extract().map_err(|e| ConfigError(Box::new(e)))
    }

    /// The base of the subscriber pages, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => format!("http://{}", self.http_addr),
        }
    }

    /// The HTTP listen address.
    pub fn http_socket_addr(&self) -> Result<SocketAddr, std::net::AddrParseError> {
        self.http_addr.parse()
    }

    /// True when the database is the embedded SQLite.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

fn redacted(secret: &Option<String>) -> &'static str {
    if secret.is_some() {
        "<redacted>"
    } else {
        "<unset>"
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database_url",
                &giftgate_store::redact_url(&self.database_url),
            )
            .field(
                "amqp_url",
                &self.amqp_url.as_deref().map(giftgate_store::redact_url),
            )
            .field("http_addr", &self.http_addr)
            .field("smsc_url", &self.smsc_url)
            .field("smsc_system_id", &self.smsc_system_id)
            .field("smsc_password", &"<redacted>")
            .field("smsc_binds", &self.smsc_binds)
            .field("smsc_window", &self.smsc_window)
            .field("smsc_tps", &self.smsc_tps)
            .field("short_code", &self.short_code)
            .field("mm7_url", &self.mm7_url)
            .field("mm7_version", &self.mm7_version.version_string())
            .field("mm7_password", &redacted(&self.mm7_password))
            .field("simulators", &self.simulators)
            .field("billing_url", &self.billing_url)
            .field("psp_url", &self.psp_url)
            .field("admin_token", &redacted(&self.admin_token))
            .field("secret_key", &redacted(&self.secret_key))
            .field("previous_secret_key", &redacted(&self.previous_secret_key))
            .field("country", &self.country)
            .field("language", &self.language)
            .field("monthly_carrier_cap", &self.monthly_carrier_cap)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let settings = Settings {
            database_url: "postgres://app:hunter2@db/giftgate".into(),
            admin_token: Some("tok-very-secret".into()),
            secret_key: Some("00".repeat(32)),
            ..Settings::default()
        };
        let text = format!("{settings:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("tok-very-secret"), "{text}");
        assert!(!text.contains(&"00".repeat(32)), "{text}");
        assert!(text.contains("postgres://app:***@db/giftgate"), "{text}");
    }

    #[test]
    fn defaults_follow_the_contract() {
        let settings = Settings::default();
        assert_eq!(settings.database_url, "sqlite://giftgate.db?mode=rwc");
        assert_eq!(settings.http_addr, "127.0.0.1:8080");
        assert_eq!(settings.smsc_window, 64);
        assert_eq!(settings.short_code, "1555");
        assert_eq!(settings.language, Language::Ko);
        assert_eq!(settings.refund_fallback, RefundFallback::Bank);
        assert_eq!(settings.mm7_version, Mm7Version::Rel5);
        assert_eq!(settings.smsc_message_ids, IdNormalization::default());
    }

    #[test]
    fn choices_are_parsed_when_loaded() {
        let vars = [
            ("GIFTGATE_LANGUAGE", "en"),
            ("GIFTGATE_REFUND_FALLBACK", "none"),
            ("GIFTGATE_MM7_VERSION", "6.8.0"),
            ("GIFTGATE_SMSC_MESSAGE_IDS", "hex,decimal"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let settings = Settings::load_from(None, vars).unwrap();
        assert_eq!(settings.language, Language::En);
        assert_eq!(settings.refund_fallback, RefundFallback::Off);
        assert_eq!(settings.mm7_version, Mm7Version::Rel6);
        assert_eq!(
            settings.smsc_message_ids,
            IdNormalization {
                submit_resp: giftgate_smpp::IdFormat::Hex,
                receipt: giftgate_smpp::IdFormat::Decimal,
            }
        );
    }

    #[test]
    fn a_bad_choice_fails_the_load_naming_its_variable() {
        for (name, value) in [
            ("GIFTGATE_LANGUAGE", "fr"),
            ("GIFTGATE_REFUND_FALLBACK", "moon"),
            ("GIFTGATE_MM7_VERSION", "7.0.0"),
            ("GIFTGATE_SMSC_MESSAGE_IDS", "octal"),
        ] {
            let error = Settings::load_from(None, [(name.to_owned(), value.to_owned())])
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert!(error.contains(name), "{name}={value}: {error}");
        }
    }
}
