//! Every reason the core can give for answering "no", as one closed list.
//!
//! A refusal's code is part of the contract (CONTRACT.md): it goes unchanged into
//! `order.failed` events, HTTP error bodies and the failed order's stored reason. Being an
//! enum, a new reason cannot be written without its words for the subscriber
//! ([`RefusalCode::words`]) and its HTTP status (`src/http/error.rs`), both exhaustive
//! matches the compiler checks.

use super::notice::Language;

/// A stable snake_case reason code (`insufficient_balance`, `billing_declined`, …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
    strum::Display,
)]
#[strum(serialize_all = "snake_case")]
pub enum RefusalCode {
    /// This certificate has already been refunded.
    AlreadyRefunded,
    /// That use was already cancelled.
    AlreadyVoided,
    /// Your carrier declined the charge to your phone bill.
    BillingDeclined,
    /// This would go over your monthly phone-bill limit.
    BillingLimitExceeded,
    /// This certificate is blocked. Please call the call center.
    Blocked,
    /// The card was declined.
    CardDeclined,
    /// You hold no certificate with that code.
    CertificateNotFound,
    /// The code has expired; ask for a new one.
    CodeExpired,
    /// The chosen extra cannot be fetched right now.
    ContentUnavailable,
    /// The request could not be read.
    CorruptOrder,
    /// The currencies do not match.
    CurrencyMismatch,
    /// The certificate has expired.
    Expired,
    /// The validity cannot be extended any further.
    ExtensionLimitReached,
    /// Validity extension is not offered.
    ExtensionNotOffered,
    /// The gift was not answered in time.
    GiftExpired,
    /// There is no such gift for you.
    GiftNotFound,
    /// That gift has already been settled.
    GiftNotPending,
    /// That request key was already used for something else.
    IdempotencyKeyReused,
    /// The balance is too low.
    InsufficientBalance,
    /// Insufficient funds; nothing was charged.
    InsufficientFunds,
    /// The bank account details are not valid.
    InvalidAccount,
    /// Give who acts (actor) in 1 to 64 characters.
    InvalidActor,
    /// The amount is not valid.
    InvalidAmount,
    /// The certificate codes are not valid.
    InvalidCertificateCodes,
    /// The command could not be understood.
    InvalidCommand,
    /// The language must be Korean (ko) or English (en).
    InvalidLanguage,
    /// The PIN is wrong.
    InvalidPin,
    /// Give a reason in 1 to 200 characters.
    InvalidReason,
    /// Write the text in 1 to 4000 characters.
    InvalidText,
    /// A gift must go to another number.
    InvalidTransferee,
    /// Ask for a sign-in code first.
    NoSignIn,
    /// Only a certificate in use can be blocked.
    NotBlockable,
    /// This certificate is not blocked.
    NotBlocked,
    /// This certificate cannot be extended.
    NotExtendable,
    /// Not found.
    NotFound,
    /// This certificate cannot be gifted now.
    NotGiftable,
    /// This certificate cannot be used now.
    NotRedeemable,
    /// This certificate cannot be refunded under the terms.
    NotRefundable,
    /// A new PIN cannot be issued for this certificate in its current state.
    NotRekeyable,
    /// That use cannot be cancelled.
    NotVoidable,
    /// The payment was declined.
    PaymentDeclined,
    /// The payment did not go through.
    PaymentFailed,
    /// That way of paying is not available now.
    PaymentUnavailable,
    /// The payment's outcome is still being checked.
    PaymentUnknown,
    /// Too many wrong PINs; it is locked for a while.
    PinLocked,
    /// That product is not on sale now.
    ProductUnavailable,
    /// Too many requests; try again in an hour.
    RateLimited,
    /// This certificate is used up.
    Redeemed,
    /// A refund is already under way.
    RefundPending,
    /// The refund was refused where it was paid.
    RefundRefused,
    /// Too many wrong codes; ask for a new one.
    SignInLocked,
    /// There is no such extra.
    UnknownContent,
    /// There is no such product.
    UnknownProduct,
    /// That content is not supported.
    UnsupportedContent,
    /// That code is not right.
    WrongCode,
    /// That request cannot be handled here.
    WrongOrderType,
}

impl RefusalCode {
    /// The code as written in events, HTTP errors and stored order reasons.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The refusal in words a subscriber reads (never the bare code; issue 15: SMS
    /// answers once read `처리하지 못했습니다: unknown_product (nosuch-9)`).
    pub fn words(self, language: Language) -> &'static str {
        let (korean, english) = match self {
            RefusalCode::AlreadyRefunded => (
                "이미 환불된 상품권입니다.",
                "This certificate has already been refunded.",
            ),
            RefusalCode::AlreadyVoided => (
                "이미 취소된 사용 내역입니다.",
                "That use was already cancelled.",
            ),
            RefusalCode::BillingDeclined => (
                "통신사에서 휴대폰 요금 결제를 승인하지 않았습니다.",
                "Your carrier declined the charge to your phone bill.",
            ),
            RefusalCode::BillingLimitExceeded => (
                "이번 달 휴대폰 결제 한도를 넘습니다.",
                "This would go over your monthly phone-bill limit.",
            ),
            RefusalCode::Blocked => (
                "분실·도난 신고로 사용이 정지된 상품권입니다. 고객센터로 문의해 주세요.",
                "This certificate is blocked. Please call the call center.",
            ),
            RefusalCode::CardDeclined => ("카드 결제가 거절되었습니다.", "The card was declined."),
            RefusalCode::CertificateNotFound => (
                "보유하신 상품권 중에 그 번호가 없습니다.",
                "You hold no certificate with that code.",
            ),
            RefusalCode::CodeExpired => (
                "인증번호가 만료되었습니다. 새 번호를 받아 주세요.",
                "The code has expired; ask for a new one.",
            ),
            RefusalCode::ContentUnavailable => (
                "선택한 부가 콘텐츠를 지금 가져올 수 없습니다.",
                "The chosen extra cannot be fetched right now.",
            ),
            RefusalCode::CorruptOrder => {
                ("요청을 읽을 수 없습니다.", "The request could not be read.")
            }
            RefusalCode::CurrencyMismatch => {
                ("통화가 맞지 않습니다.", "The currencies do not match.")
            }
            RefusalCode::Expired => (
                "유효기간이 지난 상품권입니다.",
                "The certificate has expired.",
            ),
            RefusalCode::ExtensionLimitReached => (
                "더 이상 유효기간을 연장할 수 없습니다.",
                "The validity cannot be extended any further.",
            ),
            RefusalCode::ExtensionNotOffered => (
                "유효기간 연장은 제공되지 않습니다.",
                "Validity extension is not offered.",
            ),
            RefusalCode::GiftExpired => (
                "답할 수 있는 기한이 지난 선물입니다.",
                "The gift was not answered in time.",
            ),
            RefusalCode::GiftNotFound => (
                "해당 선물을 찾을 수 없습니다.",
                "There is no such gift for you.",
            ),
            RefusalCode::GiftNotPending => (
                "이미 처리된 선물입니다.",
                "That gift has already been settled.",
            ),
            RefusalCode::IdempotencyKeyReused => (
                "같은 요청 번호가 다른 내용으로 쓰였습니다.",
                "That request key was already used for something else.",
            ),
            RefusalCode::InsufficientBalance => ("잔액이 부족합니다.", "The balance is too low."),
            RefusalCode::InsufficientFunds => (
                "잔액이 부족하여 결제되지 않았습니다.",
                "Insufficient funds; nothing was charged.",
            ),
            RefusalCode::InvalidAccount => (
                "계좌 정보가 올바르지 않습니다.",
                "The bank account details are not valid.",
            ),
            RefusalCode::InvalidActor => (
                "처리자(actor)를 1~64자로 적어 주세요.",
                "Give who acts (actor) in 1 to 64 characters.",
            ),
            RefusalCode::InvalidAmount => ("금액이 올바르지 않습니다.", "The amount is not valid."),
            RefusalCode::InvalidCertificateCodes => (
                "상품권 번호가 올바르지 않습니다.",
                "The certificate codes are not valid.",
            ),
            RefusalCode::InvalidCommand => (
                "명령을 이해하지 못했습니다.",
                "The command could not be understood.",
            ),
            RefusalCode::InvalidLanguage => (
                "언어는 한국어(ko) 또는 영어(en)만 됩니다.",
                "The language must be Korean (ko) or English (en).",
            ),
            RefusalCode::InvalidPin => ("PIN이 맞지 않습니다.", "The PIN is wrong."),
            RefusalCode::InvalidReason => (
                "사유를 1~200자로 적어 주세요.",
                "Give a reason in 1 to 200 characters.",
            ),
            RefusalCode::InvalidText => (
                "내용을 1~4000자로 적어 주세요.",
                "Write the text in 1 to 4000 characters.",
            ),
            RefusalCode::InvalidTransferee => (
                "자기 자신에게는 선물할 수 없습니다.",
                "A gift must go to another number.",
            ),
            RefusalCode::NoSignIn => (
                "먼저 인증번호를 받아 주세요.",
                "Ask for a sign-in code first.",
            ),
            RefusalCode::NotBlockable => (
                "사용 중인 상품권만 정지할 수 있습니다.",
                "Only a certificate in use can be blocked.",
            ),
            RefusalCode::NotBlocked => (
                "정지된 상품권이 아닙니다.",
                "This certificate is not blocked.",
            ),
            RefusalCode::NotExtendable => (
                "연장할 수 없는 상품권입니다.",
                "This certificate cannot be extended.",
            ),
            RefusalCode::NotFound => ("찾을 수 없습니다.", "Not found."),
            RefusalCode::NotGiftable => (
                "지금은 선물할 수 없는 상품권입니다.",
                "This certificate cannot be gifted now.",
            ),
            RefusalCode::NotRedeemable => (
                "지금은 사용할 수 없는 상품권입니다.",
                "This certificate cannot be used now.",
            ),
            RefusalCode::NotRefundable => (
                "환불 조건에 해당하지 않습니다.",
                "This certificate cannot be refunded under the terms.",
            ),
            RefusalCode::NotRekeyable => (
                "이 상품권은 새 PIN을 받을 수 없는 상태입니다.",
                "A new PIN cannot be issued for this certificate in its current state.",
            ),
            RefusalCode::NotVoidable => (
                "취소할 수 없는 사용 내역입니다.",
                "That use cannot be cancelled.",
            ),
            RefusalCode::PaymentDeclined => {
                ("결제가 승인되지 않았습니다.", "The payment was declined.")
            }
            RefusalCode::PaymentFailed => (
                "결제가 완료되지 않았습니다.",
                "The payment did not go through.",
            ),
            RefusalCode::PaymentUnavailable => (
                "그 결제 수단은 지금 쓸 수 없습니다.",
                "That way of paying is not available now.",
            ),
            RefusalCode::PaymentUnknown => (
                "결제 결과를 확인하고 있습니다.",
                "The payment's outcome is still being checked.",
            ),
            RefusalCode::PinLocked => (
                "PIN을 여러 번 틀려 잠시 쓸 수 없습니다.",
                "Too many wrong PINs; it is locked for a while.",
            ),
            RefusalCode::ProductUnavailable => (
                "지금 판매하지 않는 상품입니다.",
                "That product is not on sale now.",
            ),
            RefusalCode::RateLimited => (
                "요청이 너무 많습니다. 한 시간 뒤에 다시 해 주세요.",
                "Too many requests; try again in an hour.",
            ),
            RefusalCode::Redeemed => ("모두 사용한 상품권입니다.", "This certificate is used up."),
            RefusalCode::RefundPending => (
                "이미 환불이 진행 중입니다.",
                "A refund is already under way.",
            ),
            RefusalCode::RefundRefused => (
                "결제하신 곳에서 환불을 거절했습니다.",
                "The refund was refused where it was paid.",
            ),
            RefusalCode::SignInLocked => (
                "인증번호를 여러 번 틀렸습니다. 새 번호를 받아 주세요.",
                "Too many wrong codes; ask for a new one.",
            ),
            RefusalCode::UnknownContent => ("없는 부가 콘텐츠입니다.", "There is no such extra."),
            RefusalCode::UnknownProduct => ("없는 상품입니다.", "There is no such product."),
            RefusalCode::UnsupportedContent => (
                "지원하지 않는 콘텐츠입니다.",
                "That content is not supported.",
            ),
            RefusalCode::WrongCode => ("인증번호가 맞지 않습니다.", "That code is not right."),
            RefusalCode::WrongOrderType => (
                "여기서 처리할 수 없는 요청입니다.",
                "That request cannot be handled here.",
            ),
        };
        match language {
            Language::Ko => korean,
            Language::En => english,
        }
    }
}

impl serde::Serialize for RefusalCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The words for a reason code read back from an event, a stored order or another
/// part of the gateway, or a general sentence for a code from elsewhere.
pub fn refusal_text_or_general(code: &str, language: Language) -> &'static str {
    match code.parse::<RefusalCode>() {
        Ok(code) => code.words(language),
        Err(_) => match language {
            Language::Ko => "요청을 처리하지 못했습니다.",
            Language::En => "The request could not be carried out.",
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for code in RefusalCode::iter() {
            assert_eq!(code.as_str().parse::<RefusalCode>(), Ok(code));
            assert_eq!(code.to_string(), code.as_str());
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
    }

    #[test]
    fn the_words_never_show_a_code_and_differ_by_language() {
        let mut english_seen = BTreeSet::new();
        for code in RefusalCode::iter() {
            let (korean, english) = (code.words(Language::Ko), code.words(Language::En));
            assert!(!korean.is_empty() && !english.is_empty(), "{code}");
            if code.as_str().contains('_') {
                assert!(!korean.contains(code.as_str()) && !english.contains(code.as_str()));
            }
            assert_ne!(korean, english, "{code}");
            english_seen.insert(english);
        }
        assert!(
            english_seen.len() > 40,
            "most codes have words of their own"
        );
    }

    #[test]
    fn an_unknown_code_still_gets_a_sentence() {
        assert_eq!(
            refusal_text_or_general("no_such_code", Language::En),
            "The request could not be carried out."
        );
        assert_eq!(
            refusal_text_or_general("unknown_product", Language::Ko),
            "없는 상품입니다."
        );
    }
}
