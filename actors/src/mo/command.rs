//! MO commands (CONTRACT.md §5): what a subscriber texts to the short code, parsed.
//! Case-insensitive, with the Korean aliases; anything unreadable is [`MoCommand::Help`]
//! with the reason, so the subscriber always gets an answer.

use crate::domain::{CertificateCode, GiftId, Msisdn, ProductId, Region};

/// A parsed MO command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoCommand {
    /// `BUY <product_id> [qty]` / `구매`: purchase on the phone bill, after confirmation.
    Buy {
        /// The product.
        product_id: ProductId,
        /// How many (1–10).
        quantity: u32,
    },
    /// `YES` / `예`: confirm what is pending.
    Yes,
    /// `NO` / `아니오`: cancel what is pending.
    No,
    /// `GIFT <code> <msisdn> [message]` / `선물`.
    Gift {
        /// The certificate.
        code: CertificateCode,
        /// The transferee.
        to: Msisdn,
        /// The message, if any.
        message: Option<String>,
    },
    /// `ACCEPT [gift_id]` / `수락`.
    Accept(Option<GiftId>),
    /// `REJECT [gift_id]` / `거절`.
    Reject(Option<GiftId>),
    /// `BAL` / `잔액`.
    Balance,
    /// `REFUND <code> [POINTS]` / `환불 <코드> [포인트]`: through the way it was paid, or
    /// as carrier points.
    Refund {
        /// The certificate.
        code: CertificateCode,
        /// Taken as carrier points.
        to_points: bool,
    },
    /// `EXTEND <code>` / `연장`.
    Extend(CertificateCode),
    /// `HELP` / `도움말`, or anything else (with what was wrong).
    Help(Option<String>),
}

impl MoCommand {
    /// The command's keyword, for logs (never the subscriber's data).
    pub fn keyword(&self) -> &'static str {
        match self {
            MoCommand::Buy { .. } => "BUY",
            MoCommand::Yes => "YES",
            MoCommand::No => "NO",
            MoCommand::Gift { .. } => "GIFT",
            MoCommand::Accept(_) => "ACCEPT",
            MoCommand::Reject(_) => "REJECT",
            MoCommand::Balance => "BAL",
            MoCommand::Refund { .. } => "REFUND",
            MoCommand::Extend(_) => "EXTEND",
            MoCommand::Help(_) => "HELP",
        }
    }
}

/// Parses one MO text in `region` (for national numbers in `GIFT`).
pub fn parse(text: &str, region: Region) -> MoCommand {
    let mut words = text.split_whitespace();
    let Some(keyword) = words.next() else {
        return MoCommand::Help(None);
    };
    let rest: Vec<&str> = words.collect();
    let help = |why: &str| MoCommand::Help(Some(why.to_owned()));
    match keyword.to_uppercase().as_str() {
        "BUY" | "구매" => {
            let Some(product) = rest.first() else {
                return help("BUY <product> [qty]");
            };
            let Ok(product_id) = ProductId::parse(&product.to_lowercase()) else {
                return help("BUY <product> [qty]");
            };
            let quantity = match rest.get(1) {
                None => 1,
                Some(text) => match text.parse::<u32>() {
                    Ok(n) if (1..=10).contains(&n) => n,
                    _ => return help("quantity is 1-10"),
                },
            };
            MoCommand::Buy {
                product_id,
                quantity,
            }
        }
        "YES" | "Y" | "예" | "네" => MoCommand::Yes,
        "NO" | "N" | "아니오" | "아니요" => MoCommand::No,
        "GIFT" | "선물" => {
            let (Some(code), Some(number)) = (rest.first(), rest.get(1)) else {
                return help("GIFT <code> <phone> [message]");
            };
            let Ok(code) = CertificateCode::parse(code) else {
                return help("the certificate code has 16 digits");
            };
            let Ok(to) = Msisdn::parse(number, region) else {
                return help("the phone number is not valid");
            };
            let message = (rest.len() > 2).then(|| rest[2..].join(" "));
            let message = message.map(|m| m.chars().take(200).collect());
            MoCommand::Gift { code, to, message }
        }
        "ACCEPT" | "수락" => match rest.first().map(|id| GiftId::parse(&id.to_lowercase())) {
            None => MoCommand::Accept(None),
            Some(Ok(id)) => MoCommand::Accept(Some(id)),
            Some(Err(_)) => help("ACCEPT [gift id]"),
        },
        "REJECT" | "거절" => match rest.first().map(|id| GiftId::parse(&id.to_lowercase())) {
            None => MoCommand::Reject(None),
            Some(Ok(id)) => MoCommand::Reject(Some(id)),
            Some(Err(_)) => help("REJECT [gift id]"),
        },
        "BAL" | "BALANCE" | "잔액" => MoCommand::Balance,
        "REFUND" | "환불" => {
            let target = rest.get(1).map(|word| word.to_uppercase());
            match (
                rest.first().map(|c| CertificateCode::parse(c)),
                target.as_deref(),
            ) {
                (Some(Ok(code)), None) => MoCommand::Refund {
                    code,
                    to_points: false,
                },
                (Some(Ok(code)), Some("POINTS" | "포인트")) => MoCommand::Refund {
                    code,
                    to_points: true,
                },
                _ => help("REFUND <code> [POINTS]"),
            }
        }
        "EXTEND" | "연장" => match rest.first().map(|c| CertificateCode::parse(c)) {
            Some(Ok(code)) => MoCommand::Extend(code),
            _ => help("EXTEND <code>"),
        },
        "HELP" | "도움말" | "?" => MoCommand::Help(None),
        _ => help("unknown command"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kr(text: &str) -> MoCommand {
        parse(text, Region::KR)
    }

    #[test]
    fn commands_and_korean_aliases() {
        assert_eq!(
            kr("buy dept-50000 2"),
            MoCommand::Buy {
                product_id: ProductId::parse("dept-50000").unwrap(),
                quantity: 2
            }
        );
        assert_eq!(
            kr("구매 book-10000"),
            MoCommand::Buy {
                product_id: ProductId::parse("book-10000").unwrap(),
                quantity: 1
            }
        );
        assert_eq!(kr("Yes"), MoCommand::Yes);
        assert_eq!(kr("예"), MoCommand::Yes);
        assert_eq!(kr("아니오"), MoCommand::No);
        assert_eq!(kr("bal"), MoCommand::Balance);
        assert_eq!(kr("잔액"), MoCommand::Balance);
        assert_eq!(kr("도움말"), MoCommand::Help(None));
        assert_eq!(kr("수락"), MoCommand::Accept(None));
        assert_eq!(
            kr("REJECT gabc23456"),
            MoCommand::Reject(Some(GiftId::parse("gabc23456").unwrap()))
        );
        assert_eq!(
            kr("환불 4111-1111-1111-1111"),
            MoCommand::Refund {
                code: CertificateCode::parse("4111111111111111").unwrap(),
                to_points: false
            }
        );
        assert_eq!(
            kr("refund 4111111111111111 points"),
            MoCommand::Refund {
                code: CertificateCode::parse("4111111111111111").unwrap(),
                to_points: true
            }
        );
        assert_eq!(
            kr("환불 4111111111111111 포인트"),
            MoCommand::Refund {
                code: CertificateCode::parse("4111111111111111").unwrap(),
                to_points: true
            }
        );
        assert!(matches!(
            kr("REFUND 4111111111111111 cash"),
            MoCommand::Help(Some(_))
        ));
    }

    #[test]
    fn gift_takes_code_number_and_message() {
        let MoCommand::Gift { code, to, message } =
            kr("선물 4111111111111111 010-9876-5432 생일 축하해")
        else {
            panic!()
        };
        assert_eq!(code.as_str(), "4111111111111111");
        assert_eq!(to.as_str(), "+821098765432");
        assert_eq!(message.as_deref(), Some("생일 축하해"));
    }

    #[test]
    fn bad_input_gets_help_with_a_reason() {
        assert!(matches!(kr("buy"), MoCommand::Help(Some(_))));
        assert!(matches!(kr("buy dept 11"), MoCommand::Help(Some(_))));
        assert!(matches!(kr("gift 123 010"), MoCommand::Help(Some(_))));
        assert!(matches!(kr("steal everything"), MoCommand::Help(Some(_))));
        assert_eq!(kr("   "), MoCommand::Help(None));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let _ = kr(&text);
        }
    }
}
