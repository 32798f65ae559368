//! The answers to MO commands, in the deployment's language, in words: refusals by
//! their text (`domain::refusal_code`), numbers, amounts and dates by `domain::format`.

use chrono::{DateTime, Utc};

use super::command::HelpReason;
use crate::domain::refusal_code::refusal_text_or_general;
use crate::domain::{CertificateStatus, Format, Language, Money, RefusalCode};

/// Builds MO answers.
#[derive(Debug, Clone, Copy)]
pub struct Replies {
    /// The deployment's language.
    pub language: Language,
}

/// One certificate as `BAL` lists it.
#[derive(Debug, Clone)]
pub struct BalanceLine<'a> {
    /// Product name.
    pub product: &'a str,
    /// The code, grouped (`1234-5678-9012-3456`).
    pub code: String,
    /// What is left on it.
    pub balance: Money,
    /// Its status.
    pub status: CertificateStatus,
    /// Its expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Replies {
    /// The answers of one deployment.
    pub fn new(language: Language) -> Self {
        Replies { language }
    }

    fn format(&self) -> Format {
        Format::new(self.language)
    }

    fn text(&self, korean: impl Into<String>, english: impl Into<String>) -> String {
        match self.language {
            Language::Ko => format!("[상품권] {}", korean.into()),
            Language::En => format!("[giftgate] {}", english.into()),
        }
    }

    /// The command list (`HELP`, and anything unreadable with the reason first).
    pub fn help(&self, why: Option<HelpReason>) -> String {
        let why = why.map(|w| self.reason(w) + " ").unwrap_or_default();
        self.text(
            format!(
                "{why}명령: 목록 [분류] [쪽] / 구매 <상품> [수량] / 예 [번호] / 아니오 [번호] / 선물 <코드> <번호> [메시지] / 수락 / 거절 / 잔액 / 환불 <코드> [포인트] / 연장 <코드> / 핀 <코드> / 도움말"
            ),
            format!(
                "{why}Commands: LIST [category] [page], BUY <product> [qty], YES [n], NO [n], GIFT <code> <phone> [message], ACCEPT [id], REJECT [id], BAL, REFUND <code> [POINTS], EXTEND <code>, PIN <code>, HELP"
            ),
        )
    }

    fn reason(&self, why: HelpReason) -> String {
        let (korean, english) = match why {
            HelpReason::UnknownCommand => ("알 수 없는 명령입니다.", "Unknown command."),
            HelpReason::Quantity => ("수량은 1~10입니다.", "The quantity is 1 to 10."),
            HelpReason::CertificateCode => (
                "상품권 번호는 16자리입니다.",
                "A certificate code has 16 digits.",
            ),
            HelpReason::PhoneNumber => (
                "받는 분 전화번호가 올바르지 않습니다.",
                "The phone number is not valid.",
            ),
            HelpReason::Usage(keyword) => {
                let (korean, english) = usage(keyword);
                return match self.language {
                    Language::Ko => format!("사용법: {korean}."),
                    Language::En => format!("Usage: {english}."),
                };
            }
        };
        match self.language {
            Language::Ko => korean.to_owned(),
            Language::En => english.to_owned(),
        }
    }

    /// Asks to confirm a purchase on the phone bill within `minutes`; `number` is the
    /// request's number when other requests wait too.
    pub fn confirm_purchase(
        &self,
        product: &str,
        quantity: u32,
        total: Money,
        number: Option<u32>,
        minutes: i64,
    ) -> String {
        let format = self.format();
        let (total, within) = (format.money(total), format.minutes(minutes));
        let n = number.map(|n| format!(" {n}")).unwrap_or_default();
        self.text(
            format!(
                "{product} {quantity}매 {total}을 휴대폰 요금으로 결제할까요? {within} 안에 예{n}(YES{n}) 또는 아니오{n}(NO{n})로 답하세요."
            ),
            format!(
                "Buy {quantity} x {product} for {total} on your phone bill? Reply YES{n} or NO{n} within {within}."
            ),
        )
    }

    /// Nothing waits for a YES or NO.
    pub fn nothing_pending(&self) -> String {
        self.text("확인할 요청이 없습니다.", "There is nothing to confirm.")
    }

    /// No waiting request has the number the subscriber gave.
    pub fn no_such_request(&self, number: u32) -> String {
        self.text(
            format!("{number}번 요청이 없습니다. 예(YES)만 보내면 대기 중인 요청을 알려 드립니다."),
            format!("There is no request {number}. Reply YES alone to see what is waiting."),
        )
    }

    /// Several requests wait: which one? `lines` describe them, each with its number.
    pub fn which_request(&self, lines: &[String]) -> String {
        self.text(
            format!(
                "대기 중인 요청이 {}건입니다. 예 <번호> 또는 아니오 <번호>로 답하세요.\n{}",
                lines.len(),
                lines.join("\n")
            ),
            format!(
                "{} requests are waiting; reply YES <n> or NO <n>.\n{}",
                lines.len(),
                lines.join("\n")
            ),
        )
    }

    /// A waiting purchase, as [`Replies::which_request`] lists it.
    pub fn waiting_purchase(
        &self,
        number: u32,
        product: &str,
        quantity: u32,
        total: Money,
    ) -> String {
        let total = self.format().money(total);
        match self.language {
            Language::Ko => format!("{number}) 구매 {product} {quantity}매 {total}"),
            Language::En => format!("{number}) buy {quantity} x {product}, {total}"),
        }
    }

    /// A gift waiting for the giver's check, as [`Replies::which_request`] lists it.
    pub fn waiting_gift(&self, number: u32, to: &str) -> String {
        let to = self.format().phone(to);
        match self.language {
            Language::Ko => format!("{number}) 선물 {to}님께"),
            Language::En => format!("{number}) gift to {to}"),
        }
    }

    /// The request was cancelled.
    pub fn cancelled(&self) -> String {
        self.text("요청을 취소했습니다.", "Cancelled.")
    }

    /// A command could not be carried out: the refusal in words.
    pub fn failed(&self, code: RefusalCode) -> String {
        let words = code.words(self.language);
        self.text(words, words)
    }

    /// A stored order's failure reason in words (a refusal code, or a general sentence
    /// for a reason from elsewhere).
    pub fn failed_reason(&self, reason: &str) -> String {
        let words = refusal_text_or_general(reason, self.language);
        self.text(words, words)
    }

    /// `BUY` of a product the catalog does not hold.
    pub fn unknown_product(&self, typed: &str) -> String {
        self.text(
            format!("'{typed}' 상품이 없습니다. 상품 목록은 목록(LIST)으로 보세요."),
            format!("There is no product '{typed}'. Reply LIST for the catalogue."),
        )
    }

    /// The balance list.
    pub fn balance(&self, lines: &[BalanceLine<'_>]) -> String {
        if lines.is_empty() {
            return self.text("보유한 상품권이 없습니다.", "You hold no certificates.");
        }
        let format = self.format();
        let lines: Vec<String> = lines
            .iter()
            .map(|line| {
                let status = match (self.language, line.status) {
                    (Language::Ko, CertificateStatus::PendingGift) => " 선물 중",
                    (Language::En, CertificateStatus::PendingGift) => " gift pending",
                    (Language::Ko, CertificateStatus::Blocked) => " 사용 정지",
                    (Language::En, CertificateStatus::Blocked) => " blocked",
                    _ => "",
                };
                let until = line.expires_at.map(|at| match self.language {
                    Language::Ko => format!(" {}까지", format.date(at)),
                    Language::En => format!(" to {}", format.date(at)),
                });
                format!(
                    "{} {} {}{status}{}",
                    line.product,
                    line.code,
                    format.money(line.balance),
                    until.unwrap_or_default()
                )
            })
            .collect();
        self.text(
            format!("보유 상품권\n{}", lines.join("\n")),
            format!("Your certificates\n{}", lines.join("\n")),
        )
    }

    /// One page of the catalogue: `lines` are `id name price`; `next` is the next
    /// page's number when there is one.
    pub fn catalog_page(
        &self,
        lines: &[String],
        page: u32,
        pages: u32,
        next: Option<String>,
    ) -> String {
        if lines.is_empty() {
            return self.text(
                "해당하는 상품이 없습니다. 목록(LIST)으로 전체 상품을 보세요.",
                "No products match. Reply LIST for the whole catalogue.",
            );
        }
        let more_ko = next
            .as_ref()
            .map(|n| format!("\n다음: {n}"))
            .unwrap_or_default();
        let more_en = next.map(|n| format!("\nMore: {n}")).unwrap_or_default();
        self.text(
            format!(
                "상품 목록 {page}/{pages} (구매 <상품> [수량])\n{}{more_ko}",
                lines.join("\n")
            ),
            format!(
                "Catalogue {page}/{pages} (BUY <product> [qty])\n{}{more_en}",
                lines.join("\n")
            ),
        )
    }

    /// A catalogue line: `id name price`.
    pub fn catalog_line(&self, id: &str, name: &str, price: Money) -> String {
        format!("{id} {name} {}", self.format().money(price))
    }

    /// Which gift to answer is unclear.
    pub fn which_gift(&self, count: usize) -> String {
        match count {
            0 => self.text("답할 선물이 없습니다.", "You have no gift to answer."),
            _ => self.text(
                "선물이 여러 개입니다. 수락 <선물번호> 또는 거절 <선물번호>로 답하세요.",
                "You have several gifts; reply ACCEPT <gift id> or REJECT <gift id>.",
            ),
        }
    }

    /// Validity extension is not offered by this deployment.
    pub fn extension_unavailable(&self) -> String {
        self.failed(RefusalCode::ExtensionNotOffered)
    }
}

/// How each command is written, `(Korean, English)`.
fn usage(keyword: &str) -> (&'static str, &'static str) {
    match keyword {
        "BUY" => ("구매 <상품> [수량]", "BUY <product> [qty]"),
        "YES" => ("예 [번호]", "YES [n]"),
        "NO" => ("아니오 [번호]", "NO [n]"),
        "GIFT" => (
            "선물 <코드> <전화번호> [메시지]",
            "GIFT <code> <phone> [message]",
        ),
        "ACCEPT" => ("수락 [선물번호]", "ACCEPT [gift id]"),
        "REJECT" => ("거절 [선물번호]", "REJECT [gift id]"),
        "LIST" => ("목록 [분류] [쪽]", "LIST [category] [page]"),
        "REFUND" => ("환불 <코드> [포인트]", "REFUND <code> [POINTS]"),
        "EXTEND" => ("연장 <코드>", "EXTEND <code>"),
        "PIN" => ("핀 <코드>", "PIN <code>"),
        _ => ("도움말", "HELP"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    #[test]
    fn refusals_are_answered_in_words_never_codes() {
        for language in [Language::Ko, Language::En] {
            let text = Replies::new(language).failed(RefusalCode::BillingDeclined);
            assert!(!text.contains("billing_declined"), "{text}");
        }
        assert_eq!(
            Replies::new(Language::Ko).failed(RefusalCode::UnknownProduct),
            "[상품권] 없는 상품입니다."
        );
    }

    #[test]
    fn a_purchase_question_names_its_number_only_when_others_wait() {
        let total = Money::from_minor_units(20_000, Currency::KRW).unwrap();
        let ko = Replies::new(Language::Ko);
        let alone = ko.confirm_purchase("Book 10,000", 2, total, None, 5);
        assert!(
            alone.contains("20,000원") && alone.contains("5분") && alone.contains("예(YES)"),
            "{alone}"
        );
        let second = ko.confirm_purchase("Book 10,000", 2, total, Some(2), 5);
        assert!(
            second.contains("예 2(YES 2)") && second.contains("아니오 2(NO 2)"),
            "{second}"
        );
        let en = Replies::new(Language::En).confirm_purchase("Book", 1, total, Some(3), 1);
        assert!(
            en.contains("YES 3 or NO 3 within 1 minute") && en.contains("KRW 20,000"),
            "{en}"
        );
    }

    #[test]
    fn every_usage_has_both_languages() {
        for keyword in [
            "BUY", "YES", "NO", "GIFT", "ACCEPT", "REJECT", "LIST", "REFUND", "EXTEND", "PIN",
            "HELP",
        ] {
            let (korean, english) = usage(keyword);
            assert!(!korean.is_empty() && !english.is_empty());
            let text = Replies::new(Language::Ko).help(Some(HelpReason::Usage(keyword)));
            assert!(text.contains(korean), "{text}");
        }
    }
}
