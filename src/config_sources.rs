//! The layers of [`Settings`](crate::config::Settings) as written: the TOML file and
//! `GIFTGATE_*` variables, read so that a setting holding text keeps the text it was
//! given. Korean short codes are numbers and SMPP passwords may be `0000`: figment alone
//! would read `GIFTGATE_SHORT_CODE=1555` as the integer 1555 (and refuse it for a
//! string) and `0000` as 0. Here a key whose default is a number or a boolean is parsed
//! as one; every other key (text, and optional text) keeps its value verbatim — from the
//! environment as the characters given, from TOML a bare number as its digits.

use std::collections::BTreeSet;
use std::path::Path;

use figment::Provider;
use figment::providers::{Format, Toml};
use figment::value::{Dict, Num, Value};

/// The environment variables' prefix.
pub const ENV_PREFIX: &str = "GIFTGATE_";

/// The keys whose default is a number or a boolean (parsed); all others are text.
pub fn typed_keys<T: serde::Serialize>(defaults: &T) -> BTreeSet<String> {
    match serde_json::to_value(defaults) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter(|(_, value)| value.is_number() || value.is_boolean())
            .map(|(key, _)| key)
            .collect(),
        _ => BTreeSet::new(),
    }
}

/// The `GIFTGATE_*` variables among `vars` as a layer: keys lower-cased without the
/// prefix; typed keys parsed, text keys verbatim.
pub fn env_layer(
    vars: impl IntoIterator<Item = (String, String)>,
    typed: &BTreeSet<String>,
) -> Dict {
    vars.into_iter()
        .filter_map(|(name, value)| {
            let key = name.strip_prefix(ENV_PREFIX)?.to_ascii_lowercase();
            if key.is_empty() {
                return None;
            }
            let value = if typed.contains(&key) {
                value.parse::<Value>().unwrap_or(Value::from(value))
            } else {
                Value::from(value)
            };
            Some((key, value))
        })
        .collect()
}

/// The TOML file as a layer: a bare number under a text key becomes its digits.
pub fn toml_layer(file: &Path, typed: &BTreeSet<String>) -> Result<Dict, Box<figment::Error>> {
    let data = Toml::file_exact(file).data().map_err(Box::new)?;
    let mut layer = Dict::new();
    for (_, dict) in data {
        for (key, value) in dict {
            let value = if typed.contains(&key) {
                value
            } else {
                as_text(value)
            };
            layer.insert(key, value);
        }
    }
    Ok(layer)
}

/// A number written where text belongs, as the text of its digits.
fn as_text(value: Value) -> Value {
    match value {
        Value::Num(tag, num) => {
            let text = match num {
                Num::U8(n) => n.to_string(),
                Num::U16(n) => n.to_string(),
                Num::U32(n) => n.to_string(),
                Num::U64(n) => n.to_string(),
                Num::U128(n) => n.to_string(),
                Num::USize(n) => n.to_string(),
                Num::I8(n) => n.to_string(),
                Num::I16(n) => n.to_string(),
                Num::I32(n) => n.to_string(),
                Num::I64(n) => n.to_string(),
                Num::I128(n) => n.to_string(),
                Num::ISize(n) => n.to_string(),
                Num::F32(n) => n.to_string(),
                Num::F64(n) => n.to_string(),
            };
            Value::String(tag, text)
        }
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn text_keys() -> Vec<String> {
        let typed = typed_keys(&Settings::default());
        let all = match serde_json::to_value(Settings::default()).unwrap() {
            serde_json::Value::Object(fields) => fields.into_iter().map(|(k, _)| k),
            _ => unreachable!("settings serialize as an object"),
        };
        all.filter(|key| !typed.contains(key)).collect()
    }

    /// The text keys read as one of a few words ([`crate::config::choices`]): digits are
    /// no value of theirs, so they are refused when loaded rather than kept.
    const CHOICE_KEYS: [&str; 4] = [
        "language",
        "refund_fallback",
        "mm7_version",
        "smsc_message_ids",
    ];

    /// The text keys holding free text.
    fn free_text_keys() -> Vec<String> {
        text_keys()
            .into_iter()
            .filter(|key| !CHOICE_KEYS.contains(&key.as_str()))
            .collect()
    }

    fn field(settings: &Settings, key: &str) -> serde_json::Value {
        serde_json::to_value(settings).unwrap()[key].clone()
    }

    fn temp_toml(body: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!(
            "giftgate-settings-{}.toml",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::write(&path, body).unwrap();
        path
    }

    #[test]
    fn the_text_keys_are_every_text_setting() {
        let keys = text_keys();
        for key in [
            "short_code",
            "smsc_password",
            "smsc_system_id",
            "smsc_system_type",
            "admin_token",
            "mm7_vasp_id",
            "mm7_password",
            "country",
        ] {
            assert!(keys.contains(&key.to_owned()), "{key} in {keys:?}");
        }
        assert!(!keys.contains(&"smsc_window".to_owned()));
        assert!(keys.len() >= 25, "{keys:?}");
        for key in CHOICE_KEYS {
            assert!(keys.contains(&key.to_owned()), "{key} in {keys:?}");
        }
    }

    #[test]
    fn every_choice_setting_refuses_digits_naming_its_variable() {
        for key in CHOICE_KEYS {
            let name = format!("GIFTGATE_{}", key.to_uppercase());
            let Err(error) = Settings::load_from(None, [(name.clone(), "0042".to_owned())]) else {
                panic!("{name}=0042 accepted")
            };
            assert!(error.to_string().contains(&name), "{name}: {error}");
            let bare = temp_toml(&format!("{key} = 1555\n"));
            let Err(error) = Settings::load_from(Some(&bare), []) else {
                panic!("{key} = 1555 accepted")
            };
            assert!(error.to_string().contains(&name), "{key}: {error}");
            std::fs::remove_file(bare).unwrap();
        }
    }

    #[test]
    fn every_text_setting_keeps_digits_from_the_environment() {
        for key in free_text_keys() {
            let name = format!("GIFTGATE_{}", key.to_uppercase());
            let settings = Settings::load_from(None, [(name.clone(), "0042".to_owned())])
                .unwrap_or_else(|e| panic!("{name}=0042: {e}"));
            assert_eq!(field(&settings, &key), "0042", "{name}");
        }
    }

    #[test]
    fn every_text_setting_takes_a_bare_number_or_quoted_digits_in_toml() {
        for key in free_text_keys() {
            let bare = temp_toml(&format!("{key} = 1555\n"));
            let settings = Settings::load_from(Some(&bare), [])
                .unwrap_or_else(|e| panic!("{key} = 1555: {e}"));
            assert_eq!(field(&settings, &key), "1555", "{key}");
            let quoted = temp_toml(&format!("{key} = \"0000\"\n"));
            let settings = Settings::load_from(Some(&quoted), []).unwrap();
            assert_eq!(field(&settings, &key), "0000", "{key}");
            std::fs::remove_file(bare).unwrap();
            std::fs::remove_file(quoted).unwrap();
        }
    }

    #[test]
    fn numbers_and_switches_are_still_parsed_and_checked() {
        let vars = [
            ("GIFTGATE_SMSC_WINDOW".to_owned(), "32".to_owned()),
            ("GIFTGATE_DELIVERY".to_owned(), "false".to_owned()),
            ("OTHER_SHORT_CODE".to_owned(), "9".to_owned()),
        ];
        let settings = Settings::load_from(None, vars).unwrap();
        assert_eq!(settings.smsc_window, 32);
        assert!(!settings.delivery);
        assert_eq!(settings.short_code, "1555", "other prefixes are not ours");
        let error = Settings::load_from(
            None,
            [("GIFTGATE_SMSC_WINDOW".to_owned(), "many".to_owned())],
        )
        .unwrap_err();
        assert!(error.to_string().contains("smsc_window"), "{error}");
        let from_file = temp_toml("smsc_window = 16\nshort_code = 1588\n");
        let settings = Settings::load_from(
            Some(&from_file),
            [("GIFTGATE_SHORT_CODE".to_owned(), "0700".to_owned())],
        )
        .unwrap();
        assert_eq!(
            (settings.smsc_window, settings.short_code.as_str()),
            (16, "0700"),
            "the environment wins over the file"
        );
        std::fs::remove_file(from_file).unwrap();
    }
}
