//! The settlement file: how a carrier or payment network delivers what it settled, one
//! CSV row per charge or refund (RFC 4180, UTF-8, a header row, any row order).
//!
//! | column | meaning |
//! |---|---|
//! | `rail` | `carrier` (carrier billing) or `psp` (payment network: card, bank) |
//! | `kind` | `charge` (charge / capture) or `refund` |
//! | `order_id` | the merchant reference: giftgate's purchase order id |
//! | `idempotency_key` | the key giftgate sent: `{order_id}:charge` / `{order_id}:capture`, `{order_id}:refund:{refund_key}` |
//! | `rail_reference` | the rail's own reference of the payment (reservation or payment id); may be empty, but a repair needs it |
//! | `payer` | the payer's E.164 number (`+821012345678`); may be empty |
//! | `amount` | decimal in major units (`50000`, `12.50`), never more decimals than the currency has |
//! | `currency` | ISO 4217 code |
//! | `settled_at` | RFC 3339 time (`2026-11-25T10:00:00Z`) |
//!
//! Rows settled on other days than the one reconciled are ignored.

use std::borrow::Borrow;
use std::io;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use giftgate_actors::domain::{Currency, Money, Rail, SettlementKind, SettlementRecord};
use serde::{Deserialize, Serialize};

/// Why a settlement file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The file could not be opened or a row not parsed as CSV.
    #[error("settlement file {path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// The reader's error (with its position).
        #[source]
        source: csv::Error,
    },
    /// A row has a value outside the format.
    #[error("settlement file {path}, line {line}: {detail}")]
    Row {
        /// The file.
        path: String,
        /// The record's number counted as lines (1 is the header).
        line: u64,
        /// What is wrong.
        detail: String,
    },
}

/// One row as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvRow {
    /// `carrier` or `psp`.
    pub rail: String,
    /// `charge` or `refund`.
    pub kind: String,
    /// The purchase order.
    pub order_id: String,
    /// The idempotency key giftgate sent.
    pub idempotency_key: String,
    /// The rail's reference.
    pub rail_reference: String,
    /// The payer.
    pub payer: String,
    /// Major units.
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
    /// RFC 3339.
    pub settled_at: String,
}

impl CsvRow {
    /// The row of a record (the idempotency key as giftgate derives it).
    pub fn of(record: &SettlementRecord) -> Self {
        let key = match (record.kind, record.rail) {
            (SettlementKind::Charge, Rail::Carrier) => format!("{}:charge", record.order_id),
            (SettlementKind::Charge, Rail::Psp) => format!("{}:capture", record.order_id),
            (SettlementKind::Refund, _) => {
                format!("{}:refund:{}", record.order_id, record.refund_key)
            }
        };
        CsvRow {
            rail: record.rail.as_str().to_owned(),
            kind: record.kind.as_str().to_owned(),
            order_id: record.order_id.clone(),
            idempotency_key: key,
            rail_reference: record.rail_reference.clone().unwrap_or_default(),
            payer: record.payer.clone().unwrap_or_default(),
            amount: record.amount.amount().to_string(),
            currency: record.amount.currency().code().to_owned(),
            settled_at: record
                .at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        }
    }

    fn record(&self) -> Result<SettlementRecord, String> {
        let rail = Rail::parse(&self.rail)
            .ok_or_else(|| format!("rail {:?} is not carrier or psp", self.rail))?;
        let kind = SettlementKind::parse(&self.kind)
            .ok_or_else(|| format!("kind {:?} is not charge or refund", self.kind))?;
        if self.order_id.is_empty() {
            return Err("order_id is empty".to_owned());
        }
        let currency = Currency::parse(&self.currency).map_err(|e| e.to_string())?;
        let amount = Money::parse(&self.amount, currency).map_err(|e| e.to_string())?;
        let at = DateTime::parse_from_rfc3339(&self.settled_at)
            .map_err(|e| format!("settled_at {:?}: {e}", self.settled_at))?
            .with_timezone(&Utc);
        let refund_key = match kind {
            SettlementKind::Charge => String::new(),
            SettlementKind::Refund => refund_key(&self.order_id, &self.idempotency_key),
        };
        Ok(SettlementRecord {
            rail,
            kind,
            order_id: self.order_id.clone(),
            refund_key,
            amount,
            rail_reference: Some(self.rail_reference.clone()).filter(|r| !r.is_empty()),
            payer: Some(self.payer.clone()).filter(|p| !p.is_empty()),
            at,
        })
    }
}

/// The refund key within an order of a refund's idempotency key
/// (`{order_id}:refund:{refund_key}`), or the whole key when it is not of that form.
pub fn refund_key(order_id: &str, idempotency_key: &str) -> String {
    idempotency_key
        .strip_prefix(order_id)
        .and_then(|rest| rest.strip_prefix(":refund:"))
        .unwrap_or(idempotency_key)
        .to_owned()
}

/// Reads the rows of `rail` settled on `day` from a settlement file; a row of another
/// rail is an error (each rail delivers its own file).
pub fn read(path: &Path, rail: Rail, day: NaiveDate) -> Result<Vec<SettlementRecord>, CsvError> {
    let shown = path.display().to_string();
    let csv_error = |source| CsvError::Csv {
        path: shown.clone(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(csv_error)?;
    let mut records = Vec::new();
    for (index, row) in (2_u64..).zip(reader.deserialize::<CsvRow>()) {
        let row = row.map_err(csv_error)?;
        let line = |detail: String| CsvError::Row {
            path: shown.clone(),
            line: index,
            detail,
        };
        let record = row.record().map_err(line)?;
        if record.rail != rail {
            return Err(line(format!(
                "a {} row in the {} settlement file",
                record.rail.as_str(),
                rail.as_str()
            )));
        }
        if record.at.date_naive() == day {
            records.push(record);
        }
    }
    Ok(records)
}

/// Writes records as a settlement file (header first).
pub fn write<R: Borrow<SettlementRecord>>(
    out: impl io::Write,
    records: impl IntoIterator<Item = R>,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    for record in records {
        writer.serialize(CsvRow::of(record.borrow()))?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn record(kind: SettlementKind, key: &str, amount: &str) -> SettlementRecord {
        SettlementRecord {
            rail: Rail::Carrier,
            kind,
            order_id: "ord-1".to_owned(),
            refund_key: key.to_owned(),
            amount: Money::parse(amount, Currency::KRW).unwrap(),
            rail_reference: Some("sim-1".to_owned()),
            payer: Some("+821012345678".to_owned()),
            at: Utc.with_ymd_and_hms(2026, 11, 25, 23, 59, 59).unwrap(),
        }
    }

    #[test]
    fn written_records_read_back_and_other_days_are_left_out() {
        let records = vec![
            record(SettlementKind::Charge, "", "50000"),
            record(SettlementKind::Refund, "1234567890123452", "50000"),
        ];
        let file = tempfile::NamedTempFile::new().unwrap();
        write(file.as_file(), &records).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(read(file.path(), Rail::Carrier, day).unwrap(), records);
        let next = day.succ_opt().unwrap();
        assert!(read(file.path(), Rail::Carrier, next).unwrap().is_empty());
        assert!(matches!(
            read(file.path(), Rail::Psp, day),
            Err(CsvError::Row { .. })
        ));
    }

    #[test]
    fn bad_values_are_refused_with_their_reason() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            file.path(),
            "rail,kind,order_id,idempotency_key,rail_reference,payer,amount,currency,settled_at\n\
             carrier,charge,ord-1,ord-1:charge,,,10.5,KRW,2026-11-25T10:00:00Z\n",
        )
        .unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let error = read(file.path(), Rail::Carrier, day).unwrap_err();
        assert!(error.to_string().contains("line"), "{error}");
    }

    #[test]
    fn refund_keys_come_from_the_idempotency_key() {
        assert_eq!(refund_key("ord-1", "ord-1:refund:abc"), "abc");
        assert_eq!(refund_key("ord-1", "something-else"), "something-else");
    }
}
