//! MO commands (CONTRACT.md §5): what a subscriber texts to the short code, parsed.
//! Case-insensitive, with the Korean aliases; anything unreadable is [`MoCommand::Help`]
//! with the reason, so the subscriber always gets an answer.

use crate::domain::{
    Category, CertificateCode, GiftId, Msisdn, ProductId, Region, WellKnownCategory,
};

/// A parsed MO command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoCommand {
    /// `BUY <product_id> [qty]` / `구매`: purchase on the phone bill, after confirmation.
    /// The product id is kept as typed; it matches the catalog regardless of case.
    Buy {
        /// The product, as typed.
        product_id: ProductId,
        /// How many (1–10).
        quantity: u32,
    },
    /// `YES [n]` / `예 [n]`: confirm the waiting request (number `n` when several wait).
    Yes(Option<u32>),
    /// `NO [n]` / `아니오 [n]`: cancel the waiting request (number `n` when several wait).
    No(Option<u32>),
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
    /// `LIST [category] [page]` / `목록`: the catalogue, a page at a time.
    List {
        /// Only this category (`LIST coffee`, `목록 커피`).
        category: Option<Category>,
        /// The page, from 1.
        page: u32,
    },
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
    /// `PIN <code>` / `핀`: a new PIN for a lost or exposed one, by SMS to the holder.
    Pin(CertificateCode),
    /// `HELP` / `도움말`, or anything else (with what was wrong).
    Help(Option<HelpReason>),
}

/// Why a text got the help answer instead of what it asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpReason {
    /// Not a command.
    UnknownCommand,
    /// A known command written wrongly; the usage of this keyword follows.
    Usage(&'static str),
    /// A quantity outside 1–10.
    Quantity,
    /// A certificate code that is not 16 digits with a valid check digit.
    CertificateCode,
    /// A phone number that is not valid.
    PhoneNumber,
}

impl MoCommand {
    /// The command's keyword, for logs (never the subscriber's data).
    pub fn keyword(&self) -> &'static str {
        match self {
            MoCommand::Buy { .. } => "BUY",
            MoCommand::Yes(_) => "YES",
            MoCommand::No(_) => "NO",
            MoCommand::Gift { .. } => "GIFT",
            MoCommand::Accept(_) => "ACCEPT",
            MoCommand::Reject(_) => "REJECT",
            MoCommand::Balance => "BAL",
            MoCommand::List { .. } => "LIST",
            MoCommand::Refund { .. } => "REFUND",
            MoCommand::Extend(_) => "EXTEND",
            MoCommand::Pin(_) => "PIN",
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
    let help = |why: HelpReason| MoCommand::Help(Some(why));
    match keyword.to_uppercase().as_str() {
        "BUY" | "구매" => {
            let Some(Ok(product_id)) = rest.first().map(|p| ProductId::parse(p)) else {
                return help(HelpReason::Usage("BUY"));
            };
            let quantity = match rest.get(1) {
                None => 1,
                Some(text) => match text.parse::<u32>() {
                    Ok(n) if (1..=10).contains(&n) => n,
                    _ => return help(HelpReason::Quantity),
                },
            };
            MoCommand::Buy {
                product_id,
                quantity,
            }
        }
        "YES" | "Y" | "예" | "네" => match request_number(&rest) {
            Ok(number) => MoCommand::Yes(number),
            Err(()) => help(HelpReason::Usage("YES")),
        },
        "NO" | "N" | "아니오" | "아니요" => match request_number(&rest) {
            Ok(number) => MoCommand::No(number),
            Err(()) => help(HelpReason::Usage("NO")),
        },
        "GIFT" | "선물" => {
            let (Some(code), Some(number)) = (rest.first(), rest.get(1)) else {
                return help(HelpReason::Usage("GIFT"));
            };
            let Ok(code) = CertificateCode::parse(code) else {
                return help(HelpReason::CertificateCode);
            };
            let Ok(to) = Msisdn::parse(number, region) else {
                return help(HelpReason::PhoneNumber);
            };
            let message = (rest.len() > 2).then(|| rest[2..].join(" "));
            let message = message.map(|m| m.chars().take(200).collect());
            MoCommand::Gift { code, to, message }
        }
        "ACCEPT" | "수락" => match rest.first().map(|id| GiftId::parse(&id.to_lowercase())) {
            None => MoCommand::Accept(None),
            Some(Ok(id)) => MoCommand::Accept(Some(id)),
            Some(Err(_)) => help(HelpReason::Usage("ACCEPT")),
        },
        "REJECT" | "거절" => match rest.first().map(|id| GiftId::parse(&id.to_lowercase())) {
            None => MoCommand::Reject(None),
            Some(Ok(id)) => MoCommand::Reject(Some(id)),
            Some(Err(_)) => help(HelpReason::Usage("REJECT")),
        },
        "BAL" | "BALANCE" | "잔액" => MoCommand::Balance,
        "LIST" | "목록" => match list_arguments(&rest) {
            Some((category, page)) => MoCommand::List { category, page },
            None => help(HelpReason::Usage("LIST")),
        },
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
                _ => help(HelpReason::Usage("REFUND")),
            }
        }
        "EXTEND" | "연장" => match rest.first().map(|c| CertificateCode::parse(c)) {
            Some(Ok(code)) => MoCommand::Extend(code),
            _ => help(HelpReason::Usage("EXTEND")),
        },
        "PIN" | "핀" => match rest.first().map(|c| CertificateCode::parse(c)) {
            Some(Ok(code)) if rest.len() == 1 => MoCommand::Pin(code),
            Some(Err(_)) => help(HelpReason::CertificateCode),
            _ => help(HelpReason::Usage("PIN")),
        },
        "HELP" | "도움말" | "?" => MoCommand::Help(None),
        _ => help(HelpReason::UnknownCommand),
    }
}

/// The optional request number after `YES`/`NO`.
fn request_number(rest: &[&str]) -> Result<Option<u32>, ()> {
    match rest {
        [] => Ok(None),
        [number] => match number.trim_start_matches('#').parse::<u32>() {
            Ok(n) if (1..=99).contains(&n) => Ok(Some(n)),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

/// `LIST [category] [page]`: a category word (English, or a Korean label such as
/// `커피`) and a page number, each optional, in either order.
fn list_arguments(rest: &[&str]) -> Option<(Option<Category>, u32)> {
    let mut category = None;
    let mut page = None;
    for word in rest {
        if let Ok(n) = word.parse::<u32>() {
            if page.is_some() || !(1..=999).contains(&n) {
                return None;
            }
            page = Some(n);
        } else if category.is_none() {
            let korean = WellKnownCategory::ALL
                .iter()
                .find(|known| known.korean() == *word)
                .map(|known| Category::from(*known));
            category = Some(korean.or_else(|| Category::parse(word).ok())?);
        } else {
            return None;
        }
    }
    Some((category, page.unwrap_or(1)))
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
    fn product_ids_keep_the_case_they_were_typed_in() {
        assert_eq!(
            kr("BUY ACC-B3A7EA 1"),
            MoCommand::Buy {
                product_id: ProductId::parse("ACC-B3A7EA").unwrap(),
                quantity: 1
            }
        );
    }

    #[test]
    fn pin_takes_exactly_one_valid_code_in_english_or_korean() {
        let code = CertificateCode::generate();
        assert_eq!(
            kr(&format!("PIN {}", code.grouped())),
            MoCommand::Pin(code.clone())
        );
        assert_eq!(
            kr(&format!("핀 {}", code.as_str())),
            MoCommand::Pin(code.clone())
        );
        assert_eq!(
            kr(&format!("pin {}", code.as_str())),
            MoCommand::Pin(code.clone())
        );
        assert_eq!(kr("PIN"), MoCommand::Help(Some(HelpReason::Usage("PIN"))));
        assert_eq!(
            kr("PIN 1234"),
            MoCommand::Help(Some(HelpReason::CertificateCode))
        );
        assert_eq!(
            kr(&format!("PIN {} 123456", code.as_str())),
            MoCommand::Help(Some(HelpReason::Usage("PIN")))
        );
    }

    #[test]
    fn yes_and_no_take_a_request_number() {
        assert_eq!(kr("YES 2"), MoCommand::Yes(Some(2)));
        assert_eq!(kr("예 3"), MoCommand::Yes(Some(3)));
        assert_eq!(kr("no #1"), MoCommand::No(Some(1)));
        assert_eq!(kr("아니오"), MoCommand::No(None));
        assert_eq!(kr("아니요 2"), MoCommand::No(Some(2)));
        assert!(matches!(kr("YES please"), MoCommand::Help(Some(_))));
        assert!(matches!(kr("YES 0"), MoCommand::Help(Some(_))));
    }

    #[test]
    fn list_takes_a_category_and_a_page_in_english_or_korean() {
        let coffee = Category::parse("coffee").ok();
        assert_eq!(
            kr("LIST"),
            MoCommand::List {
                category: None,
                page: 1
            }
        );
        assert_eq!(
            kr("목록 2"),
            MoCommand::List {
                category: None,
                page: 2
            }
        );
        assert_eq!(
            kr("list Coffee 3"),
            MoCommand::List {
                category: coffee.clone(),
                page: 3
            }
        );
        assert_eq!(
            kr("목록 커피"),
            MoCommand::List {
                category: coffee,
                page: 1
            }
        );
        assert_eq!(
            kr("목록 2 편의점"),
            MoCommand::List {
                category: Category::parse("convenience_store").ok(),
                page: 2
            }
        );
        assert!(matches!(kr("LIST 1 2"), MoCommand::Help(Some(_))));
        assert!(matches!(kr("LIST 커피 편의점"), MoCommand::Help(Some(_))));
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
        assert_eq!(kr("Yes"), MoCommand::Yes(None));
        assert_eq!(kr("예"), MoCommand::Yes(None));
        assert_eq!(kr("아니오"), MoCommand::No(None));
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
