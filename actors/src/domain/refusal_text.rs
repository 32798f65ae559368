//! Every refusal code in words, Korean and English, for texts a subscriber reads.
//!
//! A refusal's code (`unknown_product`, `billing_declined`) stays what events and HTTP
//! errors carry; a subscriber is never shown it (issue 15: SMS answers read
//! `처리하지 못했습니다: unknown_product (nosuch-9)`). The table test below reads the
//! core's sources and fails when a refusal code has no text here, so a new refusal
//! cannot reach a handset as a bare code.

use super::notice::Language;

/// `(code, Korean, English)` for every refusal code the core can answer.
const TEXTS: &[(&str, &str, &str)] = &[
    (
        "invalid_actor",
        "처리자(actor)를 1~64자로 적어 주세요.",
        "Give who acts (actor) in 1 to 64 characters.",
    ),
    (
        "invalid_reason",
        "사유를 1~200자로 적어 주세요.",
        "Give a reason in 1 to 200 characters.",
    ),
    (
        "not_blockable",
        "사용 중인 상품권만 정지할 수 있습니다.",
        "Only a certificate in use can be blocked.",
    ),
    (
        "not_blocked",
        "정지된 상품권이 아닙니다.",
        "This certificate is not blocked.",
    ),
    (
        "not_rekeyable",
        "이 상품권은 새 PIN을 받을 수 없는 상태입니다.",
        "A new PIN cannot be issued for this certificate in its current state.",
    ),
    (
        "already_refunded",
        "이미 환불된 상품권입니다.",
        "This certificate has already been refunded.",
    ),
    (
        "already_voided",
        "이미 취소된 사용 내역입니다.",
        "That use was already cancelled.",
    ),
    (
        "billing_declined",
        "통신사에서 휴대폰 요금 결제를 승인하지 않았습니다.",
        "Your carrier declined the charge to your phone bill.",
    ),
    (
        "billing_limit_exceeded",
        "이번 달 휴대폰 결제 한도를 넘습니다.",
        "This would go over your monthly phone-bill limit.",
    ),
    (
        "blocked",
        "분실·도난 신고로 사용이 정지된 상품권입니다. 고객센터로 문의해 주세요.",
        "This certificate is blocked. Please call the call center.",
    ),
    (
        "card_declined",
        "카드 결제가 거절되었습니다.",
        "The card was declined.",
    ),
    (
        "certificate_not_found",
        "보유하신 상품권 중에 그 번호가 없습니다.",
        "You hold no certificate with that code.",
    ),
    (
        "content_unavailable",
        "선택한 부가 콘텐츠를 지금 가져올 수 없습니다.",
        "The chosen extra cannot be fetched right now.",
    ),
    (
        "corrupt_order",
        "요청을 읽을 수 없습니다.",
        "The request could not be read.",
    ),
    (
        "currency_mismatch",
        "통화가 맞지 않습니다.",
        "The currencies do not match.",
    ),
    (
        "expired",
        "유효기간이 지난 상품권입니다.",
        "The certificate has expired.",
    ),
    (
        "extension_limit_reached",
        "더 이상 유효기간을 연장할 수 없습니다.",
        "The validity cannot be extended any further.",
    ),
    (
        "extension_not_offered",
        "유효기간 연장은 제공되지 않습니다.",
        "Validity extension is not offered.",
    ),
    (
        "gift_expired",
        "답할 수 있는 기한이 지난 선물입니다.",
        "The gift was not answered in time.",
    ),
    (
        "gift_not_found",
        "해당 선물을 찾을 수 없습니다.",
        "There is no such gift for you.",
    ),
    (
        "gift_not_pending",
        "이미 처리된 선물입니다.",
        "That gift has already been settled.",
    ),
    (
        "idempotency_key_reused",
        "같은 요청 번호가 다른 내용으로 쓰였습니다.",
        "That request key was already used for something else.",
    ),
    (
        "insufficient_balance",
        "잔액이 부족합니다.",
        "The balance is too low.",
    ),
    (
        "insufficient_funds",
        "잔액이 부족하여 결제되지 않았습니다.",
        "Insufficient funds; nothing was charged.",
    ),
    (
        "invalid_account",
        "계좌 정보가 올바르지 않습니다.",
        "The bank account details are not valid.",
    ),
    (
        "invalid_amount",
        "금액이 올바르지 않습니다.",
        "The amount is not valid.",
    ),
    (
        "invalid_certificate_codes",
        "상품권 번호가 올바르지 않습니다.",
        "The certificate codes are not valid.",
    ),
    (
        "invalid_command",
        "명령을 이해하지 못했습니다.",
        "The command could not be understood.",
    ),
    ("invalid_pin", "PIN이 맞지 않습니다.", "The PIN is wrong."),
    (
        "invalid_transferee",
        "자기 자신에게는 선물할 수 없습니다.",
        "A gift must go to another number.",
    ),
    (
        "not_extendable",
        "연장할 수 없는 상품권입니다.",
        "This certificate cannot be extended.",
    ),
    ("not_found", "찾을 수 없습니다.", "Not found."),
    (
        "not_giftable",
        "지금은 선물할 수 없는 상품권입니다.",
        "This certificate cannot be gifted now.",
    ),
    (
        "not_redeemable",
        "지금은 사용할 수 없는 상품권입니다.",
        "This certificate cannot be used now.",
    ),
    (
        "not_refundable",
        "환불 조건에 해당하지 않습니다.",
        "This certificate cannot be refunded under the terms.",
    ),
    (
        "not_voidable",
        "취소할 수 없는 사용 내역입니다.",
        "That use cannot be cancelled.",
    ),
    (
        "payment_declined",
        "결제가 승인되지 않았습니다.",
        "The payment was declined.",
    ),
    (
        "payment_failed",
        "결제가 완료되지 않았습니다.",
        "The payment did not go through.",
    ),
    (
        "payment_unavailable",
        "그 결제 수단은 지금 쓸 수 없습니다.",
        "That way of paying is not available now.",
    ),
    (
        "payment_unknown",
        "결제 결과를 확인하고 있습니다.",
        "The payment's outcome is still being checked.",
    ),
    (
        "pin_locked",
        "PIN을 여러 번 틀려 잠시 쓸 수 없습니다.",
        "Too many wrong PINs; it is locked for a while.",
    ),
    (
        "product_unavailable",
        "지금 판매하지 않는 상품입니다.",
        "That product is not on sale now.",
    ),
    (
        "redeemed",
        "모두 사용한 상품권입니다.",
        "This certificate is used up.",
    ),
    (
        "refund_pending",
        "이미 환불이 진행 중입니다.",
        "A refund is already under way.",
    ),
    (
        "refund_refused",
        "결제하신 곳에서 환불을 거절했습니다.",
        "The refund was refused where it was paid.",
    ),
    (
        "unknown_content",
        "없는 부가 콘텐츠입니다.",
        "There is no such extra.",
    ),
    (
        "unknown_product",
        "없는 상품입니다.",
        "There is no such product.",
    ),
    (
        "unsupported_content",
        "지원하지 않는 콘텐츠입니다.",
        "That content is not supported.",
    ),
    (
        "wrong_order_type",
        "여기서 처리할 수 없는 요청입니다.",
        "That request cannot be handled here.",
    ),
];

/// The words for a refusal code in `language`; `None` for a code without a text (the
/// table test keeps every code of the core covered).
pub fn refusal_text(code: &str, language: Language) -> Option<&'static str> {
    TEXTS
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, korean, english)| match language {
            Language::Ko => *korean,
            Language::En => *english,
        })
}

/// The words for a refusal code, or a general sentence for a code from elsewhere.
pub fn refusal_text_or_general(code: &str, language: Language) -> &'static str {
    refusal_text(code, language).unwrap_or(match language {
        Language::Ko => "요청을 처리하지 못했습니다.",
        Language::En => "The request could not be carried out.",
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// Every refusal code written in the core's sources: `Refusal::new("code"`, and
    /// the codes a payment rail's decline is mapped to (`=> "code"` in `refusal_of`).
    fn codes_in_sources() -> BTreeSet<String> {
        fn walk(dir: &Path, found: &mut BTreeSet<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                panic!("cannot read {}", dir.display())
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("domain/refusal_text.rs")
                {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        panic!("cannot read {}", path.display())
                    };
                    collect(&text, found);
                }
            }
        }
        fn collect(text: &str, found: &mut BTreeSet<String>) {
            for (at, _) in text.match_indices("Refusal::new(") {
                let rest = text[at + "Refusal::new(".len()..].trim_start();
                if let Some(code) = quoted_code(rest) {
                    found.insert(code);
                }
            }
            if let Some(start) = text.find("fn refusal_of(") {
                let body = &text[start..];
                let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
                for (at, _) in body.match_indices("=> \"") {
                    if let Some(code) = quoted_code(&body[at + 3..]) {
                        found.insert(code);
                    }
                }
            }
        }
        fn quoted_code(text: &str) -> Option<String> {
            let inner = text.strip_prefix('"')?;
            let end = inner.find('"')?;
            let code = &inner[..end];
            code.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
                .then(|| code.to_owned())
        }
        let mut found = BTreeSet::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        found
    }

    #[test]
    fn every_refusal_code_of_the_core_has_korean_and_english_words() {
        let codes = codes_in_sources();
        assert!(
            codes.len() > 30
                && codes.contains("unknown_product")
                && codes.contains("billing_declined"),
            "the scan found the codes: {codes:?}"
        );
        let missing: Vec<&String> = codes
            .iter()
            .filter(|code| {
                refusal_text(code, Language::Ko).is_none()
                    || refusal_text(code, Language::En).is_none()
            })
            .collect();
        assert!(
            missing.is_empty(),
            "refusal codes without words: {missing:?}"
        );
    }

    #[test]
    fn the_words_never_show_a_code() {
        for (code, korean, english) in TEXTS {
            if code.contains('_') {
                assert!(!korean.contains(code) && !english.contains(code), "{code}");
            }
            assert!(!korean.is_empty() && !english.is_empty(), "{code}");
        }
        let mut seen = BTreeSet::new();
        for (code, _, _) in TEXTS {
            assert!(seen.insert(code), "{code} twice");
        }
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
