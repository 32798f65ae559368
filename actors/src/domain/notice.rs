//! The texts handsets receive, in Korean or English (one language per deployment).
//!
//! Each carries the figures the seed names: product, amount, balance, giver or
//! transferee, and — when a certificate is handed to its owner — code and PIN, written
//! `code 1234-5678-9012-3456` and `PIN 123456` (CONTRACT.md §4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::certificate_code::CertificateCode;
use super::format::Format;
use super::money::Money;
use super::pin::Pin;

mod security;

/// The language of handset texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Korean (default for Korean carriers).
    #[default]
    Ko,
    /// English.
    En,
}

/// A certificate as a notice shows it.
#[derive(Debug, Clone)]
pub struct CertificateLine<'a> {
    /// Product name.
    pub product: &'a str,
    /// The code.
    pub code: &'a CertificateCode,
    /// The PIN, when the message hands the certificate over.
    pub pin: Option<&'a Pin>,
    /// Current balance.
    pub balance: Money,
    /// Expiry, if any.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Builds the texts of one deployment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Notices {
    /// The deployment's language.
    pub language: Language,
}

impl Notices {
    /// How this deployment writes numbers, amounts and dates.
    pub fn format(&self) -> Format {
        Format::new(self.language)
    }

    fn won(&self, money: Money) -> String {
        self.format().money(money)
    }

    fn phone(&self, e164: &str) -> String {
        self.format().phone(e164)
    }

    fn line(&self, cert: &CertificateLine<'_>) -> String {
        let mut text = match self.language {
            Language::Ko => format!("{} code {}", cert.product, cert.code.grouped()),
            Language::En => format!("{}: code {}", cert.product, cert.code.grouped()),
        };
        if let Some(pin) = cert.pin {
            text.push_str(&format!(" PIN {}", pin.reveal()));
        }
        text.push_str(&format!(" ({})", self.won(cert.balance)));
        if let Some(expiry) = cert.expires_at {
            let date = self.format().date(expiry);
            text.push_str(&match self.language {
                Language::Ko => format!(" {date}까지"),
                Language::En => format!(" valid to {date}"),
            });
        }
        text
    }

    fn lines(&self, certs: &[CertificateLine<'_>]) -> String {
        certs
            .iter()
            .map(|c| self.line(c))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// To the buyer: what was bought and paid, with every code and PIN.
    pub fn purchased(&self, total: Money, method: &str, certs: &[CertificateLine<'_>]) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] 구매 완료 {}매, 결제 {} ({}).\n{}",
                certs.len(),
                self.won(total),
                method_ko(method),
                self.lines(certs)
            ),
            Language::En => format!(
                "[giftgate] Purchased {} certificate(s), paid {} by {}.\n{}",
                certs.len(),
                self.won(total),
                method,
                self.lines(certs)
            ),
        }
    }

    /// To the buyer: the purchase failed and nothing was charged.
    pub fn purchase_failed(&self, product: &str, reason: &str) -> String {
        match self.language {
            Language::Ko => {
                format!("[상품권] {product} 구매 실패 ({reason}). 결제되지 않았습니다.")
            }
            Language::En => {
                format!("[giftgate] Purchase of {product} failed ({reason}). Nothing was charged.")
            }
        }
    }

    /// To the giver: the gift is on its way.
    pub fn gift_sent(&self, to: &str, total: Money, count: usize) -> String {
        let to = self.phone(to);
        match self.language {
            Language::Ko => format!(
                "[상품권] {to}님께 상품권 {count}매({})를 선물했습니다.",
                self.won(total)
            ),
            Language::En => format!(
                "[giftgate] You sent {count} certificate(s) worth {} to {to} as a gift.",
                self.won(total)
            ),
        }
    }

    /// To the giver: the gift waits for their check (`YES` to send, `NO` to cancel)
    /// within `minutes`; `number` is the request's number when others wait too.
    pub fn gift_needs_confirmation(
        &self,
        to: &str,
        summary: &str,
        number: Option<u32>,
        minutes: i64,
    ) -> String {
        let to = self.phone(to);
        let within = self.format().minutes(minutes);
        let n = number.map(|n| format!(" {n}")).unwrap_or_default();
        match self.language {
            Language::Ko => format!(
                "[상품권] 선물 확인: {to}님께 {summary}. 보내려면 {within} 안에 예{n}(YES{n}), 취소는 아니오{n}(NO{n})로 답하세요."
            ),
            Language::En => format!(
                "[giftgate] Check your gift to {to}: {summary}. Reply YES{n} to send or NO{n} to cancel within {within}."
            ),
        }
    }

    /// To the subscriber: a purchase asked for by SMS was not confirmed in time.
    pub fn purchase_not_confirmed(&self, product: &str, quantity: u32) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] {product} {quantity}매 구매 요청을 기한 안에 확인하지 않아 취소했습니다. 결제되지 않았습니다."
            ),
            Language::En => format!(
                "[giftgate] Your request to buy {quantity} x {product} was not confirmed in time; nothing was charged."
            ),
        }
    }

    /// To the giver: a gift that waited for their check was not confirmed in time.
    pub fn gift_not_confirmed(&self, to: &str, total: Money) -> String {
        let to = self.phone(to);
        match self.language {
            Language::Ko => format!(
                "[상품권] {to}님께 보낼 선물({})을 기한 안에 확인하지 않아 취소했습니다. 상품권은 그대로 보유하고 계십니다.",
                self.won(total)
            ),
            Language::En => format!(
                "[giftgate] Your gift to {to} ({}) was not confirmed in time and was cancelled; the certificates are still yours.",
                self.won(total)
            ),
        }
    }

    /// To the giver: they cancelled a gift (before it was sent, or before the transferee
    /// answered); the certificates are theirs again.
    pub fn gift_cancelled_to_giver(&self, to: &str, total: Money) -> String {
        let to = self.phone(to);
        match self.language {
            Language::Ko => format!(
                "[상품권] {to}님께 보낸 선물({})을 취소했습니다. 상품권은 그대로 보유하고 계십니다.",
                self.won(total)
            ),
            Language::En => format!(
                "[giftgate] Your gift to {to} ({}) was cancelled; the certificates are yours again.",
                self.won(total)
            ),
        }
    }

    /// To the transferee: their rejection of a gift was carried out.
    pub fn gift_rejected_to_transferee(&self, giver: &str) -> String {
        let giver = self.phone(giver);
        match self.language {
            Language::Ko => format!("[상품권] {giver}님의 선물을 거절했습니다."),
            Language::En => format!("[giftgate] You rejected the gift from {giver}."),
        }
    }

    /// To the transferee: the giver cancelled a gift before it was answered.
    pub fn gift_cancelled_to_transferee(&self, giver: &str) -> String {
        let giver = self.phone(giver);
        match self.language {
            Language::Ko => format!("[상품권] {giver}님이 보낸 선물이 취소되었습니다."),
            Language::En => format!("[giftgate] {giver} cancelled the gift sent to you."),
        }
    }

    /// To the transferee: a gift arrived; how to accept or reject.
    pub fn gift_received(
        &self,
        gift_id: &str,
        giver: &str,
        total: Money,
        products: &str,
        message: Option<&str>,
    ) -> String {
        let giver = self.phone(giver);
        let message = message.map(|m| format!("\n\"{m}\"")).unwrap_or_default();
        match self.language {
            Language::Ko => format!(
                "[상품권] {giver}님이 {products}({})을 선물했습니다.{message}\n수락: ACCEPT {gift_id} / 거절: REJECT {gift_id}",
                self.won(total)
            ),
            Language::En => format!(
                "[giftgate] {giver} sent you a gift: {products} ({}).{message}\nReply ACCEPT {gift_id} to accept or REJECT {gift_id} to reject.",
                self.won(total)
            ),
        }
    }

    /// To the transferee: the accepted certificates, with code and PIN.
    pub fn gift_accepted_to_transferee(
        &self,
        giver: &str,
        certs: &[CertificateLine<'_>],
    ) -> String {
        let giver = self.phone(giver);
        match self.language {
            Language::Ko => format!(
                "[상품권] {giver}님의 선물을 받았습니다.\n{}",
                self.lines(certs)
            ),
            Language::En => format!(
                "[giftgate] You accepted the gift from {giver}.\n{}",
                self.lines(certs)
            ),
        }
    }

    /// To the giver: the transferee accepted.
    pub fn gift_accepted_to_giver(&self, transferee: &str, total: Money) -> String {
        let transferee = self.phone(transferee);
        match self.language {
            Language::Ko => format!(
                "[상품권] {transferee}님이 선물({})을 받았습니다.",
                self.won(total)
            ),
            Language::En => format!(
                "[giftgate] {transferee} accepted your gift ({}).",
                self.won(total)
            ),
        }
    }

    /// To the giver: the gift came back (rejected or unanswered).
    pub fn gift_returned(&self, transferee: &str, total: Money, expired: bool) -> String {
        let transferee = self.phone(transferee);
        match (self.language, expired) {
            (Language::Ko, false) => format!(
                "[상품권] {transferee}님이 선물을 거절하여 상품권({})이 돌아왔습니다.",
                self.won(total)
            ),
            (Language::Ko, true) => format!(
                "[상품권] {transferee}님이 기한 내 선물을 받지 않아 상품권({})이 돌아왔습니다.",
                self.won(total)
            ),
            (Language::En, false) => format!(
                "[giftgate] {transferee} rejected your gift; the certificates ({}) are yours again.",
                self.won(total)
            ),
            (Language::En, true) => format!(
                "[giftgate] {transferee} did not answer your gift in time; the certificates ({}) are yours again.",
                self.won(total)
            ),
        }
    }

    /// To the owner: value was used at a merchant.
    pub fn redeemed(
        &self,
        merchant: &str,
        amount: Money,
        balance: Money,
        code: &CertificateCode,
    ) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] {merchant}에서 {} 사용, 잔액 {} (code {})",
                self.won(amount),
                self.won(balance),
                code.grouped()
            ),
            Language::En => format!(
                "[giftgate] {} used at {merchant}; balance {} (code {}).",
                self.won(amount),
                self.won(balance),
                code.grouped()
            ),
        }
    }

    /// To the owner: a merchant cancelled a use.
    pub fn redemption_voided(&self, merchant: &str, amount: Money, balance: Money) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] {merchant} 사용 {} 취소, 잔액 {}",
                self.won(amount),
                self.won(balance)
            ),
            Language::En => format!(
                "[giftgate] {merchant} cancelled a use of {}; balance {}.",
                self.won(amount),
                self.won(balance)
            ),
        }
    }

    /// To the holder: a certificate was refunded the way it was paid.
    pub fn refunded(&self, code: &CertificateCode, amount: Money, method: &str) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] code {} 환불 {} ({}).",
                code.grouped(),
                self.won(amount),
                method_ko(method)
            ),
            Language::En => format!(
                "[giftgate] Certificate {} refunded: {} to your {method}.",
                code.grouped(),
                self.won(amount)
            ),
        }
    }

    /// To the claimant: the refundable share of an expired certificate's balance was
    /// paid back; the rest is kept under the terms.
    pub fn expired_refunded(
        &self,
        code: &CertificateCode,
        paid: Money,
        kept: Money,
        method: &str,
    ) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] code {} 유효기간 경과 잔액 환불 {} ({}), 약관에 따른 공제 {}.",
                code.grouped(),
                self.won(paid),
                method_ko(method),
                self.won(kept)
            ),
            Language::En => format!(
                "[giftgate] Expired certificate {} refunded: {} to your {method}; {} kept under the terms.",
                code.grouped(),
                self.won(paid),
                self.won(kept)
            ),
        }
    }

    /// To the transferee: the giver withdrew a gift before it was accepted (refunded).
    pub fn gift_withdrawn(&self, giver: &str, total: Money) -> String {
        let giver = self.phone(giver);
        match self.language {
            Language::Ko => format!(
                "[상품권] {giver}님이 보낸 선물({})이 환불되어 취소되었습니다.",
                self.won(total)
            ),
            Language::En => format!(
                "[giftgate] {giver} withdrew the gift ({}) before you accepted it; it was refunded.",
                self.won(total)
            ),
        }
    }

    /// To the payee: the carrier would not refund; the refund waits for a bank transfer.
    pub fn refund_queued(
        &self,
        code: &CertificateCode,
        amount: Money,
        has_account: bool,
    ) -> String {
        match (self.language, has_account) {
            (Language::Ko, true) => format!(
                "[상품권] code {} 환불 {}: 통신요금 환불이 불가하여 등록하신 계좌로 이체합니다.",
                code.grouped(),
                self.won(amount)
            ),
            (Language::Ko, false) => format!(
                "[상품권] code {} 환불 {}: 통신요금 환불이 불가합니다. 환불받을 계좌를 등록해 주세요.",
                code.grouped(),
                self.won(amount)
            ),
            (Language::En, true) => format!(
                "[giftgate] Refund of {} for certificate {}: the phone bill cannot be refunded; it goes to your bank account.",
                self.won(amount),
                code.grouped()
            ),
            (Language::En, false) => format!(
                "[giftgate] Refund of {} for certificate {}: the phone bill cannot be refunded; please register a bank account for it.",
                self.won(amount),
                code.grouped()
            ),
        }
    }

    /// To the owner: a certificate expired with what was left on it.
    pub fn expired(&self, code: &CertificateCode, lapsed: Money) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] code {} 유효기간이 지났습니다 (잔액 {}).",
                code.grouped(),
                self.won(lapsed)
            ),
            Language::En => format!(
                "[giftgate] Certificate {} has expired ({} was left on it).",
                code.grouped(),
                self.won(lapsed)
            ),
        }
    }

    /// To the owner: a certificate's validity was extended.
    pub fn extended(&self, code: &CertificateCode, until: DateTime<Utc>) -> String {
        let date = self.format().date(until);
        match self.language {
            Language::Ko => format!(
                "[상품권] code {} 유효기간이 {date}까지 연장되었습니다.",
                code.grouped()
            ),
            Language::En => format!(
                "[giftgate] Certificate {} is now valid until {date}.",
                code.grouped()
            ),
        }
    }

    /// To the owner, days before: a certificate expires on `at` with `balance` on it;
    /// `extendable` adds how to extend it (`EXTEND <code>`); `refundable` says what of the
    /// balance can still be claimed back after expiry (`REFUND <code>`).
    pub fn expiring(
        &self,
        code: &CertificateCode,
        balance: Money,
        at: DateTime<Utc>,
        extendable: bool,
        refundable: Option<Money>,
    ) -> String {
        let text = self.expiring_date(code, balance, at, extendable);
        let plain = code.as_str();
        match (self.language, refundable) {
            (_, None) => text,
            (Language::Ko, Some(amount)) => format!(
                "{text} 만료 후에도 {} 환불 신청 가능: 환불 {plain} (REFUND {plain})",
                self.won(amount)
            ),
            (Language::En, Some(amount)) => format!(
                "{text} After expiry {} stays refundable: reply REFUND {plain}.",
                self.won(amount)
            ),
        }
    }

    fn expiring_date(
        &self,
        code: &CertificateCode,
        balance: Money,
        at: DateTime<Utc>,
        extendable: bool,
    ) -> String {
        let date = self.format().date(at);
        let code_text = code.grouped();
        let plain = code.as_str();
        match (self.language, extendable) {
            (Language::Ko, false) => format!(
                "[상품권] code {code_text} 유효기간이 {date}에 끝납니다 (잔액 {}).",
                self.won(balance)
            ),
            (Language::Ko, true) => format!(
                "[상품권] code {code_text} 유효기간이 {date}에 끝납니다 (잔액 {}). \
                 3개월 연장: 연장 {plain} (EXTEND {plain})",
                self.won(balance)
            ),
            (Language::En, false) => format!(
                "[giftgate] Certificate {code_text} expires on {date} with {} left.",
                self.won(balance)
            ),
            (Language::En, true) => format!(
                "[giftgate] Certificate {code_text} expires on {date} with {} left. \
                 Reply EXTEND {plain} to extend it by 3 months.",
                self.won(balance)
            ),
        }
    }

    /// To the subscriber: an order could not be carried out.
    pub fn order_failed(&self, what: &str, reason: &str) -> String {
        match self.language {
            Language::Ko => format!("[상품권] {what} 실패: {reason}"),
            Language::En => format!("[giftgate] {what} failed: {reason}"),
        }
    }
}

fn method_ko(method: &str) -> &'static str {
    match method {
        "carrier" => "휴대폰 요금 합산",
        "card" => "카드",
        "bank" => "계좌",
        _ => "기타",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn purchase_text_carries_code_and_pin() {
        let code = CertificateCode::parse("4111111111111111").unwrap();
        let pin = Pin::parse("123456").unwrap();
        let balance = Money::parse("50000", Currency::KRW).unwrap();
        let lines = [CertificateLine {
            product: "Dept 50,000",
            code: &code,
            pin: Some(&pin),
            balance,
            expires_at: None,
        }];
        for language in [Language::Ko, Language::En] {
            let text = Notices { language }.purchased(balance, "carrier", &lines);
            assert!(text.contains("code 4111-1111-1111-1111"), "{text}");
            assert!(text.contains("PIN 123456"), "{text}");
            let amount = if language == Language::Ko {
                "50,000원"
            } else {
                "KRW 50,000"
            };
            assert!(text.contains(amount), "{text}");
        }
    }
}
