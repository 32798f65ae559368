//! Orders (CONTRACT.md §2): the one schema that arrives by AMQP, HTTP and, translated,
//! by MO SMS. Parsing turns untrusted JSON into an [`Order`] or an [`OrderError`] whose
//! `code` is stable (it names the dead-letter reason and the HTTP error).

use serde::Serialize;
use serde_json::{Map, Value};

use super::certificate_code::CertificateCode;
use super::ids::{ContentId, GiftId, OrderId, ProductId};
use super::msisdn::{Msisdn, Region};

/// Longest gift message, in characters.
pub const MAX_GIFT_MESSAGE_CHARS: usize = 200;
/// Most certificates one purchase may issue.
pub const MAX_QUANTITY: u32 = 10;

/// How a purchase is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Settlement {
    /// Added to the phone bill (internal settlement).
    Carrier,
    /// Card through the payment network.
    Card {
        /// The payment network's card token.
        token: String,
    },
    /// Bank account through the payment network.
    Bank {
        /// The payment network's account token.
        token: String,
    },
}

impl Settlement {
    /// `carrier`, `card` or `bank`.
    pub fn method(&self) -> &'static str {
        match self {
            Settlement::Carrier => "carrier",
            Settlement::Card { .. } => "card",
            Settlement::Bank { .. } => "bank",
        }
    }
}

/// Who gets a gift and what goes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftSpec {
    /// The transferee.
    pub to: Msisdn,
    /// The giver's message (at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Content ids packaged with the gift.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<ContentId>,
    /// Wait for the giver's check of the package before sending.
    pub confirm: bool,
}

/// A purchase order's fields: buy certificates (optionally straight as a gift).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseOrder {
    /// The catalog product.
    pub product_id: ProductId,
    /// 1 to 10 certificates.
    pub quantity: u32,
    /// How it is paid.
    pub settlement: Settlement,
    /// Buy straight as a gift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift: Option<GiftSpec>,
}

/// A gift order's fields: gift certificates the subscriber holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftOrder {
    /// The certificates to give.
    pub certificate_codes: Vec<CertificateCode>,
    /// To whom, and what goes with them.
    #[serde(flatten)]
    pub spec: GiftSpec,
}

/// An accept or reject order's fields: the transferee's answer to a gift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftAnswer {
    /// The gift.
    pub gift_id: GiftId,
}

/// A refund order's fields: refund a certificate through the way it was paid (or as
/// carrier points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundOrder {
    /// The certificate.
    pub certificate_code: CertificateCode,
    /// `"to": "points"`: credited to the holder's carrier points instead (an expired
    /// balance is then paid in full).
    #[serde(
        rename = "to",
        skip_serializing_if = "is_false",
        serialize_with = "points_target"
    )]
    pub to_points: bool,
}

/// What an order asks for; each kind carries its fields as one struct, so a step
/// matches the kind once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OrderKind {
    /// Buy certificates (optionally straight as a gift).
    Purchase(PurchaseOrder),
    /// Gift certificates the subscriber holds.
    Gift(GiftOrder),
    /// The transferee accepts a gift.
    Accept(GiftAnswer),
    /// The transferee rejects a gift; it returns to the giver.
    Reject(GiftAnswer),
    /// Refund a certificate through the way it was paid (or as carrier points).
    Refund(RefundOrder),
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Writes `to_points` as the schema's `"to": "points"`.
fn points_target<S: serde::Serializer>(_: &bool, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str("points")
}

impl OrderKind {
    /// The order type as written in the schema and used as AMQP routing key.
    pub fn type_name(&self) -> &'static str {
        match self {
            OrderKind::Purchase(_) => "purchase",
            OrderKind::Gift(_) => "gift",
            OrderKind::Accept(_) => "accept",
            OrderKind::Reject(_) => "reject",
            OrderKind::Refund(_) => "refund",
        }
    }
}

/// A validated order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// Idempotency key.
    pub order_id: OrderId,
    /// The subscriber who orders (buyer, giver, transferee, holder).
    pub msisdn: Msisdn,
    /// What is asked.
    #[serde(flatten)]
    pub kind: OrderKind,
}

/// Why an order was refused before anything happened. `code` is stable snake_case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct OrderError {
    /// Stable reason code (`malformed_json`, `missing_field`, `invalid_msisdn`, …).
    pub code: &'static str,
    /// Human explanation naming the field.
    pub detail: String,
}

impl OrderError {
    fn new(code: &'static str, detail: impl Into<String>) -> Self {
        OrderError {
            code,
            detail: detail.into(),
        }
    }
}

impl Order {
    /// Parses an order from JSON bytes, reading national numbers in `region`.
    pub fn from_json(bytes: &[u8], region: Region) -> Result<Order, OrderError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| OrderError::new("malformed_json", format!("not valid JSON: {e}")))?;
        Order::from_value(&value, region)
    }

    /// Parses an order from a JSON value.
    pub fn from_value(value: &Value, region: Region) -> Result<Order, OrderError> {
        let object = value
            .as_object()
            .ok_or_else(|| OrderError::new("not_an_object", "an order is a JSON object"))?;
        let fields = Fields { object, region };
        let order_id = OrderId::parse(fields.string("order_id")?)
            .map_err(|e| OrderError::new("invalid_order_id", e.to_string()))?;
        let msisdn = fields.msisdn("msisdn")?;
        let kind = match fields.string("type")? {
            "purchase" => OrderKind::Purchase(PurchaseOrder {
                product_id: fields.product_id()?,
                quantity: fields.quantity()?,
                settlement: fields.settlement()?,
                gift: fields.optional_gift()?,
            }),
            "gift" => OrderKind::Gift(GiftOrder {
                certificate_codes: fields.certificate_codes()?,
                spec: fields.gift_spec(object)?,
            }),
            "accept" => OrderKind::Accept(GiftAnswer {
                gift_id: fields.gift_id()?,
            }),
            "reject" => OrderKind::Reject(GiftAnswer {
                gift_id: fields.gift_id()?,
            }),
            "refund" => OrderKind::Refund(RefundOrder {
                certificate_code: fields.certificate_code("certificate_code")?,
                to_points: fields.refund_to_points()?,
            }),
            other => {
                return Err(OrderError::new(
                    "unknown_order_type",
                    format!(
                        "unknown order type {other:?}; expected purchase, gift, accept, reject or refund"
                    ),
                ));
            }
        };
        Ok(Order {
            order_id,
            msisdn,
            kind,
        })
    }

    /// The canonical JSON of the order, as stored.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The order type name.
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }
}

struct Fields<'a> {
    object: &'a Map<String, Value>,
    region: Region,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Result<&'a Value, OrderError> {
        match self.object.get(name) {
            Some(Value::Null) | None => Err(OrderError::new(
                "missing_field",
                format!("field {name:?} is required"),
            )),
            Some(value) => Ok(value),
        }
    }

    fn string(&self, name: &str) -> Result<&'a str, OrderError> {
        self.get(name)?
            .as_str()
            .ok_or_else(|| wrong_type(name, "a string"))
    }

    fn msisdn(&self, name: &str) -> Result<Msisdn, OrderError> {
        Msisdn::parse(self.string(name)?, self.region)
            .map_err(|e| OrderError::new("invalid_msisdn", format!("{name}: {e}")))
    }

    fn product_id(&self) -> Result<ProductId, OrderError> {
        ProductId::parse(self.string("product_id")?)
            .map_err(|e| OrderError::new("invalid_product_id", e.to_string()))
    }

    fn gift_id(&self) -> Result<GiftId, OrderError> {
        GiftId::parse(self.string("gift_id")?)
            .map_err(|e| OrderError::new("invalid_gift_id", e.to_string()))
    }

    fn quantity(&self) -> Result<u32, OrderError> {
        let value = match self.object.get("quantity") {
            None | Some(Value::Null) => return Ok(1),
            Some(value) => value,
        };
        let quantity = value
            .as_u64()
            .ok_or_else(|| wrong_type("quantity", "a whole number"))?;
        if !(1..=u64::from(MAX_QUANTITY)).contains(&quantity) {
            return Err(OrderError::new(
                "quantity_out_of_range",
                format!("quantity must be 1 to {MAX_QUANTITY}, got {quantity}"),
            ));
        }
        Ok(quantity as u32)
    }

    fn settlement(&self) -> Result<Settlement, OrderError> {
        let settlement = self
            .get("settlement")?
            .as_object()
            .ok_or_else(|| wrong_type("settlement", "an object"))?;
        let nested = Fields {
            object: settlement,
            region: self.region,
        };
        let method = nested
            .string("method")
            .map_err(|e| OrderError::new(e.code, format!("settlement.{}", e.detail)))?;
        let token = || -> Result<String, OrderError> {
            let token = nested
                .string("token")
                .map_err(|e| OrderError::new(e.code, format!("settlement.{}", e.detail)))?;
            if token.is_empty() || token.len() > 256 {
                return Err(OrderError::new(
                    "invalid_settlement",
                    "settlement.token must be 1-256 characters",
                ));
            }
            Ok(token.to_owned())
        };
        match method {
            "carrier" => Ok(Settlement::Carrier),
            "card" => Ok(Settlement::Card { token: token()? }),
            "bank" => Ok(Settlement::Bank { token: token()? }),
            other => Err(OrderError::new(
                "invalid_settlement",
                format!("settlement method {other:?}; expected carrier, card or bank"),
            )),
        }
    }

    fn refund_to_points(&self) -> Result<bool, OrderError> {
        match self.object.get("to") {
            None | Some(Value::Null) => Ok(false),
            Some(Value::String(to)) if to == "points" => Ok(true),
            Some(_) => Err(OrderError::new(
                "invalid_refund_target",
                "\"to\" is \"points\" or absent (the way it was paid)",
            )),
        }
    }

    fn optional_gift(&self) -> Result<Option<GiftSpec>, OrderError> {
        match self.object.get("gift") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(gift)) => {
                let nested = Fields {
                    object: gift,
                    region: self.region,
                };
                nested.gift_spec(gift).map(Some)
            }
            Some(_) => Err(wrong_type("gift", "an object")),
        }
    }

    fn gift_spec(&self, object: &Map<String, Value>) -> Result<GiftSpec, OrderError> {
        let to = self.msisdn("to")?;
        let message = match object.get("message") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => {
                if text.chars().count() > MAX_GIFT_MESSAGE_CHARS {
                    return Err(OrderError::new(
                        "message_too_long",
                        format!("message is limited to {MAX_GIFT_MESSAGE_CHARS} characters"),
                    ));
                }
                Some(text.clone())
            }
            Some(_) => return Err(wrong_type("message", "a string")),
        };
        let extras = match object.get("extras") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .ok_or_else(|| wrong_type("extras", "an array of content ids"))
                        .and_then(|id| {
                            ContentId::parse(id)
                                .map_err(|e| OrderError::new("invalid_content_id", e.to_string()))
                        })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(wrong_type("extras", "an array of content ids")),
        };
        let confirm = match object.get("confirm") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(wrong_type("confirm", "true or false")),
        };
        Ok(GiftSpec {
            to,
            message,
            extras,
            confirm,
        })
    }

    fn certificate_code(&self, name: &str) -> Result<CertificateCode, OrderError> {
        CertificateCode::parse(self.string(name)?)
            .map_err(|e| OrderError::new("invalid_certificate_code", format!("{name}: {e}")))
    }

    fn certificate_codes(&self) -> Result<Vec<CertificateCode>, OrderError> {
        let items = self
            .get("certificate_codes")?
            .as_array()
            .ok_or_else(|| wrong_type("certificate_codes", "an array of codes"))?;
        if items.is_empty() || items.len() > MAX_QUANTITY as usize {
            return Err(OrderError::new(
                "invalid_certificate_codes",
                format!("certificate_codes must hold 1 to {MAX_QUANTITY} codes"),
            ));
        }
        let mut codes = Vec::with_capacity(items.len());
        for item in items {
            let text = item
                .as_str()
                .ok_or_else(|| wrong_type("certificate_codes", "an array of codes"))?;
            let code = CertificateCode::parse(text).map_err(|e| {
                OrderError::new(
                    "invalid_certificate_code",
                    format!("certificate_codes: {e}"),
                )
            })?;
            if codes.contains(&code) {
                return Err(OrderError::new(
                    "invalid_certificate_codes",
                    "certificate_codes lists a code twice",
                ));
            }
            codes.push(code);
        }
        Ok(codes)
    }
}

fn wrong_type(name: &str, expected: &str) -> OrderError {
    OrderError::new("wrong_type", format!("field {name:?} must be {expected}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<Order, OrderError> {
        Order::from_value(&value, Region::KR)
    }

    #[test]
    fn a_purchase_parses_with_defaults() {
        let order = parse(
            json!({"order_id":"o-1","type":"purchase","msisdn":"010-1234-5678",
            "product_id":"dept-50000","settlement":{"method":"carrier"}}),
        )
        .unwrap();
        assert_eq!(order.msisdn.as_str(), "+821012345678");
        assert!(matches!(
            order.kind,
            OrderKind::Purchase(PurchaseOrder {
                quantity: 1,
                settlement: Settlement::Carrier,
                gift: None,
                ..
            })
        ));
    }

    #[test]
    fn a_purchase_as_gift_parses() {
        let order = parse(
            json!({"order_id":"o-2","type":"purchase","msisdn":"01012345678",
            "product_id":"book-10000","quantity":2,"settlement":{"method":"card","token":"tok_ok"},
            "gift":{"to":"01098765432","message":"생일 축하해","extras":["ring-001"]}}),
        )
        .unwrap();
        let OrderKind::Purchase(PurchaseOrder {
            gift: Some(gift),
            quantity,
            ..
        }) = order.kind
        else {
            panic!()
        };
        assert_eq!(quantity, 2);
        assert_eq!(gift.to.as_str(), "+821098765432");
        assert!(!gift.confirm);
    }

    #[test]
    fn each_bad_input_has_its_code() {
        let base = json!({"order_id":"o","type":"purchase","msisdn":"01012345678",
            "product_id":"p","settlement":{"method":"carrier"}});
        let with = |key: &str, value: Value| {
            let mut v = base.clone();
            v[key] = value;
            parse(v).unwrap_err().code
        };
        assert_eq!(with("quantity", json!(0)), "quantity_out_of_range");
        assert_eq!(with("quantity", json!(11)), "quantity_out_of_range");
        assert_eq!(with("quantity", json!("2")), "wrong_type");
        assert_eq!(with("quantity", json!(1.5)), "wrong_type");
        assert_eq!(
            with("msisdn", json!("12345678901234567890")),
            "invalid_msisdn"
        );
        assert_eq!(with("type", json!("steal")), "unknown_order_type");
        assert_eq!(with("order_id", json!("bad id")), "invalid_order_id");
        assert_eq!(
            with("settlement", json!({"method":"cash"})),
            "invalid_settlement"
        );
        assert_eq!(
            with("settlement", json!({"method":"card"})),
            "missing_field"
        );
        assert_eq!(with("msisdn", Value::Null), "missing_field");
        assert_eq!(parse(json!([1, 2])).unwrap_err().code, "not_an_object");
        assert_eq!(
            Order::from_json(b"{not json", Region::KR).unwrap_err().code,
            "malformed_json"
        );
    }

    #[test]
    fn gift_orders_check_codes_and_message() {
        let good = json!({"order_id":"g","type":"gift","msisdn":"01012345678",
            "certificate_codes":["4111111111111111"],"to":"01098765432","confirm":true});
        let order = parse(good.clone()).unwrap();
        assert!(matches!(order.kind, OrderKind::Gift(ref gift) if gift.spec.confirm));
        let mut long = good.clone();
        long["message"] = json!("가".repeat(201));
        assert_eq!(parse(long).unwrap_err().code, "message_too_long");
        let mut bad_code = good.clone();
        bad_code["certificate_codes"] = json!(["4111111111111112"]);
        assert_eq!(
            parse(bad_code).unwrap_err().code,
            "invalid_certificate_code"
        );
        let mut twice = good;
        twice["certificate_codes"] = json!(["4111111111111111", "4111-1111-1111-1111"]);
        assert_eq!(parse(twice).unwrap_err().code, "invalid_certificate_codes");
    }

    #[test]
    fn canonical_json_parses_back_to_the_same_order() {
        let order = parse(
            json!({"order_id":"o-3","type":"gift","msisdn":"01012345678",
            "certificate_codes":["4111111111111111"],"to":"01098765432","message":"hi",
            "extras":["card-001"]}),
        )
        .unwrap();
        assert_eq!(parse(order.to_json()).unwrap(), order);
        let points = parse(
            json!({"order_id":"o-4","type":"refund","msisdn":"01012345678",
            "certificate_code":"4111111111111111","to":"points"}),
        )
        .unwrap();
        assert_eq!(points.to_json()["to"], "points");
        assert_eq!(parse(points.to_json()).unwrap(), points);
        let bad = json!({"order_id":"o-5","type":"refund","msisdn":"01012345678",
            "certificate_code":"4111111111111111","to":"moon"});
        assert_eq!(parse(bad).unwrap_err().code, "invalid_refund_target");
    }

    /// The JSON of one order of every kind, exactly as the schema stores and sends it
    /// (written from the struct-variant `OrderKind`, before the kinds became structs).
    #[test]
    fn every_kind_serializes_to_the_same_text() {
        let cases = [
            r#"{"order_id":"o-p1","msisdn":"+821012345678","type":"purchase","product_id":"dept-50000","quantity":1,"settlement":{"method":"carrier"}}"#,
            r#"{"order_id":"o-p2","msisdn":"+821012345678","type":"purchase","product_id":"book-10000","quantity":2,"settlement":{"method":"card","token":"tok_ok"},"gift":{"to":"+821098765432","message":"생일 축하해","extras":["ring-001"],"confirm":true}}"#,
            r#"{"order_id":"o-p3","msisdn":"+821012345678","type":"purchase","product_id":"book-10000","quantity":3,"settlement":{"method":"bank","token":"acct_1"},"gift":{"to":"+821098765432","confirm":false}}"#,
            r#"{"order_id":"o-g1","msisdn":"+821012345678","type":"gift","certificate_codes":["4111111111111111"],"to":"+821098765432","message":"hi","extras":["card-001"],"confirm":false}"#,
            r#"{"order_id":"o-g2","msisdn":"+821012345678","type":"gift","certificate_codes":["4111111111111111"],"to":"+821098765432","confirm":true}"#,
            r#"{"order_id":"o-a1","msisdn":"+821098765432","type":"accept","gift_id":"g-1"}"#,
            r#"{"order_id":"o-r1","msisdn":"+821098765432","type":"reject","gift_id":"g-1"}"#,
            r#"{"order_id":"o-f1","msisdn":"+821012345678","type":"refund","certificate_code":"4111111111111111"}"#,
            r#"{"order_id":"o-f2","msisdn":"+821012345678","type":"refund","certificate_code":"4111111111111111","to":"points"}"#,
        ];
        for text in cases {
            let order = Order::from_json(text.as_bytes(), Region::KR).unwrap();
            assert_eq!(serde_json::to_string(&order).unwrap(), text);
            assert_eq!(
                order.to_json(),
                serde_json::from_str::<Value>(text).unwrap()
            );
            assert_eq!(parse(order.to_json()).unwrap(), order);
        }
    }
}
