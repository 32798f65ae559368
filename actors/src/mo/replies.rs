//! The answers to MO commands, in the deployment's language.

use crate::domain::{Language, Money};

/// Builds MO answers.
#[derive(Debug, Clone, Copy)]
pub struct Replies {
    /// The deployment's language.
    pub language: Language,
}

impl Replies {
    /// The command list (`HELP`, and anything unreadable with the reason first).
    pub fn help(&self, why: Option<&str>) -> String {
        let why = why.map(|w| format!("({w}) ")).unwrap_or_default();
        match self.language {
            Language::Ko => format!(
                "[상품권] {why}명령: 구매 <상품> [수량] / 예 / 아니오 / 선물 <코드> <번호> [메시지] / 수락 / 거절 / 잔액 / 환불 <코드> [포인트] / 연장 <코드> / 도움말"
            ),
            Language::En => format!(
                "[giftgate] {why}Commands: BUY <product> [qty], YES, NO, GIFT <code> <phone> [message], ACCEPT [id], REJECT [id], BAL, REFUND <code> [POINTS], EXTEND <code>, HELP"
            ),
        }
    }

    /// Asks to confirm a purchase on the phone bill.
    pub fn confirm_purchase(&self, product: &str, quantity: u32, total: Money) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] {product} {quantity}매 {total}을 휴대폰 요금으로 결제할까요? 5분 안에 예 또는 아니오로 답하세요."
            ),
            Language::En => format!(
                "[giftgate] Buy {quantity} x {product} for {total} on your phone bill? Reply YES or NO within 5 minutes."
            ),
        }
    }

    /// Nothing waits for a YES or NO.
    pub fn nothing_pending(&self) -> String {
        match self.language {
            Language::Ko => "[상품권] 확인할 요청이 없습니다.".to_owned(),
            Language::En => "[giftgate] There is nothing to confirm.".to_owned(),
        }
    }

    /// The pending request was cancelled.
    pub fn cancelled(&self) -> String {
        match self.language {
            Language::Ko => "[상품권] 요청을 취소했습니다.".to_owned(),
            Language::En => "[giftgate] Cancelled.".to_owned(),
        }
    }

    /// A command could not be carried out.
    pub fn failed(&self, reason: &str, detail: &str) -> String {
        match self.language {
            Language::Ko => format!("[상품권] 처리하지 못했습니다: {reason} ({detail})"),
            Language::En => format!("[giftgate] Not done: {reason} ({detail})"),
        }
    }

    /// The balance list.
    pub fn balance(&self, lines: &[String]) -> String {
        if lines.is_empty() {
            return match self.language {
                Language::Ko => "[상품권] 보유한 상품권이 없습니다.".to_owned(),
                Language::En => "[giftgate] You hold no certificates.".to_owned(),
            };
        }
        match self.language {
            Language::Ko => format!("[상품권] 보유 상품권\n{}", lines.join("\n")),
            Language::En => format!("[giftgate] Your certificates\n{}", lines.join("\n")),
        }
    }

    /// Which gift to answer is unclear.
    pub fn which_gift(&self, count: usize) -> String {
        match (self.language, count) {
            (Language::Ko, 0) => "[상품권] 답할 선물이 없습니다.".to_owned(),
            (Language::En, 0) => "[giftgate] You have no gift to answer.".to_owned(),
            (Language::Ko, _) => {
                "[상품권] 선물이 여러 개입니다. 수락 <선물번호> 로 답하세요.".to_owned()
            }
            (Language::En, _) => {
                "[giftgate] You have several gifts; reply ACCEPT <gift id> or REJECT <gift id>."
                    .to_owned()
            }
        }
    }

    /// Validity extension is not offered by this deployment.
    pub fn extension_unavailable(&self) -> String {
        match self.language {
            Language::Ko => "[상품권] 유효기간 연장은 제공되지 않습니다.".to_owned(),
            Language::En => "[giftgate] Validity extension is not offered.".to_owned(),
        }
    }
}
