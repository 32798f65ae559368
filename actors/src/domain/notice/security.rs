//! Texts about a certificate's key and block: a renewed PIN (only ever to the holder's
//! handset) and the call center's block and unblock.

use super::{CertificateLine, Language, Notices};
use crate::domain::CertificateCode;

impl Notices {
    /// To the holder: the PIN they asked for; the old one no longer works.
    pub fn pin_renewed(&self, cert: &CertificateLine<'_>) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] 요청하신 새 PIN입니다. 이전 PIN은 더 이상 쓸 수 없습니다.\n{}",
                self.line(cert)
            ),
            Language::En => format!(
                "[giftgate] Your new PIN, as asked. The old PIN no longer works.\n{}",
                self.line(cert)
            ),
        }
    }

    /// To the holder: the call center blocked a certificate.
    pub fn blocked(&self, code: &CertificateCode) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] code {} 상품권의 사용이 정지되었습니다. 문의는 고객센터로 해 주세요.",
                code.grouped()
            ),
            Language::En => format!(
                "[giftgate] Certificate {} has been blocked. Call the call center for help.",
                code.grouped()
            ),
        }
    }

    /// To a number signing in to the site: its one-time code (never a link: a code
    /// typed back proves the handset).
    pub fn sign_in_code(&self, code: &str) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] 인증번호 {code} 를 3분 안에 입력하세요. 다른 사람에게 알려주지 마세요."
            ),
            Language::En => {
                format!("[giftgate] Sign-in code {code}. Type it within 3 minutes; never share it.")
            }
        }
    }

    /// To the holder: the block is lifted.
    pub fn unblocked(&self, code: &CertificateCode) -> String {
        match self.language {
            Language::Ko => format!(
                "[상품권] code {} 상품권을 다시 사용할 수 있습니다.",
                code.grouped()
            ),
            Language::En => format!(
                "[giftgate] Certificate {} can be used again.",
                code.grouped()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, Money, Pin};

    #[test]
    fn a_renewed_pin_is_in_the_holders_text_and_the_code_grouped() {
        let code = CertificateCode::generate();
        let pin = Pin::parse("135790").expect("pin");
        let line = CertificateLine {
            product: "Book 30,000",
            code: &code,
            pin: Some(&pin),
            balance: Money::zero(Currency::KRW),
            expires_at: None,
        };
        for language in [Language::Ko, Language::En] {
            let text = Notices { language }.pin_renewed(&line);
            assert!(text.contains("PIN 135790"), "{text}");
            assert!(text.contains(&code.grouped()), "{text}");
            let blocked = Notices { language }.blocked(&code);
            assert!(blocked.contains(&code.grouped()), "{blocked}");
        }
    }
}
