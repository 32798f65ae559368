//! The catalog: issuers' products that can be bought as certificates.

use serde::{Deserialize, Serialize};

use super::ids::ProductId;
use super::money::Money;

/// Kind of certificate, as the seed names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A department store's certificate.
    DepartmentStore,
    /// Culture certificate (plays, movies).
    Culture,
    /// Book certificate.
    Book,
    /// The carrier's own general-use certificate.
    CarrierGeneral,
    /// A manufacturer's or another issuer's certificate.
    Other,
}

impl Category {
    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Category::DepartmentStore => "department_store",
            Category::Culture => "culture",
            Category::Book => "book",
            Category::CarrierGeneral => "carrier_general",
            Category::Other => "other",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "department_store" => Category::DepartmentStore,
            "culture" => Category::Culture,
            "book" => Category::Book,
            "carrier_general" => Category::CarrierGeneral,
            "other" => Category::Other,
            _ => return None,
        })
    }
}

/// A product of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Product id, e.g. `dept-50000`.
    pub id: ProductId,
    /// Who issues it (`Hyundai Department Store`).
    pub issuer: String,
    /// Kind of certificate.
    pub category: Category,
    /// Display name.
    pub name: String,
    /// Face value of one certificate.
    pub face_value: Money,
    /// Days a certificate stays valid; `None` never expires (carrier general-use).
    pub validity_days: Option<u32>,
    /// Whether it is on sale.
    pub active: bool,
}
