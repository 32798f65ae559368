//! Which payment and messaging rails are real and which are the built-in simulators, and
//! the rule that production never runs on pretend rails by accident.
//!
//! With no URL, a rail is served by its simulator in this process: the billing simulator
//! approves every charge and the SMSC and MMSC simulators reach no handset. That is what
//! the embedded SQLite default and `demo` are for. On PostgreSQL, `serve` refuses to start
//! with a simulated rail unless `GIFTGATE_SIMULATORS=true` says it is meant (a staging
//! deployment, a load test); a forgotten variable in production must not mean free
//! certificates and silent handsets.

use crate::config::Settings;

/// A rail: its name in `/readyz` and metrics, and the variable that makes it real.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rail {
    /// `billing`, `psp`, `smsc` or `mm7`.
    pub name: &'static str,
    /// The variable holding its URL.
    pub variable: &'static str,
}

/// Every rail the gateway talks to.
pub const RAILS: [Rail; 4] = [
    Rail {
        name: "billing",
        variable: "GIFTGATE_BILLING_URL",
    },
    Rail {
        name: "psp",
        variable: "GIFTGATE_PSP_URL",
    },
    Rail {
        name: "smsc",
        variable: "GIFTGATE_SMSC_URL",
    },
    Rail {
        name: "mm7",
        variable: "GIFTGATE_MM7_URL",
    },
];

/// `serve` on PostgreSQL with rails left to simulators nobody asked for.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "refusing to serve on PostgreSQL with built-in simulators for {}: set {} \
     (or GIFTGATE_SIMULATORS=true if simulators are meant)",
    .0.iter().map(|r| r.name).collect::<Vec<_>>().join(", "),
    .0.iter().map(|r| r.variable).collect::<Vec<_>>().join(", ")
)]
pub struct PretendRails(pub Vec<Rail>);

fn url_of<'a>(settings: &'a Settings, rail: &Rail) -> Option<&'a str> {
    match rail.name {
        "billing" => settings.billing_url.as_deref(),
        "psp" => settings.psp_url.as_deref(),
        "smsc" => settings.smsc_url.as_deref(),
        _ => settings.mm7_url.as_deref(),
    }
    .filter(|url| !url.trim().is_empty())
}

/// The rails these settings leave to the built-in simulators.
pub fn simulated_rails(settings: &Settings) -> Vec<Rail> {
    RAILS
        .into_iter()
        .filter(|rail| url_of(settings, rail).is_none())
        .collect()
}

/// Refuses simulated rails on PostgreSQL unless `simulators` is set.
pub fn refuse_pretend_rails(settings: &Settings) -> Result<(), PretendRails> {
    let simulated = simulated_rails(settings);
    if settings.is_sqlite() || settings.simulators || simulated.is_empty() {
        Ok(())
    } else {
        Err(PretendRails(simulated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postgres() -> Settings {
        Settings {
            database_url: "postgres://db/giftgate".to_owned(),
            ..Settings::default()
        }
    }

    #[test]
    fn postgres_without_rails_names_every_missing_variable() {
        let Err(error) = refuse_pretend_rails(&postgres()) else {
            panic!("pretend rails accepted on PostgreSQL")
        };
        let text = error.to_string();
        for rail in RAILS {
            assert!(text.contains(rail.variable), "{text}");
        }
        let partly = Settings {
            billing_url: Some("http://billing".to_owned()),
            smsc_url: Some("smpp://smsc:2775".to_owned()),
            ..postgres()
        };
        let Err(PretendRails(missing)) = refuse_pretend_rails(&partly) else {
            panic!("two rails are still simulated")
        };
        assert_eq!(
            missing.iter().map(|r| r.name).collect::<Vec<_>>(),
            ["psp", "mm7"]
        );
    }

    #[test]
    fn sqlite_the_switch_and_real_rails_pass() {
        assert!(refuse_pretend_rails(&Settings::default()).is_ok());
        let switched = Settings {
            simulators: true,
            ..postgres()
        };
        assert!(refuse_pretend_rails(&switched).is_ok());
        assert_eq!(simulated_rails(&switched).len(), 4);
        let real = Settings {
            billing_url: Some("http://billing".to_owned()),
            psp_url: Some("http://psp".to_owned()),
            smsc_url: Some("smpp://smsc:2775".to_owned()),
            mm7_url: Some("http://mmsc/mm7".to_owned()),
            ..postgres()
        };
        assert!(refuse_pretend_rails(&real).is_ok());
        assert!(simulated_rails(&real).is_empty());
    }
}
