//! The signed-in site's texts in Korean and English (the link pages' are in
//! [`super::i18n`]). Each field's doc is its English text.

use giftgate_actors::domain::Language;

macro_rules! site_texts {
    ($($field:ident: $ko:expr, $en:expr;)*) => {
        /// Every text of the signed-in site, in one language.
        #[derive(Debug)]
        pub struct SiteTexts {
            /// `ko` or `en`.
            pub code: &'static str,
            $(#[doc = $en] pub $field: &'static str,)*
        }

        const KO: SiteTexts = SiteTexts { code: "ko", $($field: $ko,)* };
        const EN: SiteTexts = SiteTexts { code: "en", $($field: $en,)* };
    };
}

site_texts! {
    menu:
        "메뉴",
        "Menu";
    home:
        "홈",
        "Home";
    wallet:
        "내 상품권",
        "My certificates";
    catalog:
        "상품 보기",
        "Catalogue";
    history:
        "이용 내역",
        "History";
    sign_out:
        "로그아웃",
        "Sign out";
    sign_in:
        "로그인",
        "Sign in";
    phone_number:
        "휴대폰 번호",
        "Mobile number";
    send_code:
        "인증번호 받기",
        "Send me a code";
    sign_in_help:
        "입력한 번호로 6자리 인증번호를 문자로 보내 드립니다. 3분 안에 입력하세요.",
        "We text a 6-digit code to this number. Type it within 3 minutes.";
    code_label:
        "인증번호 (6자리)",
        "Code (6 digits)";
    new_code:
        "인증번호 다시 받기",
        "Send a new code";
    bad_number:
        "휴대폰 번호를 확인해 주세요.",
        "Please check the mobile number.";
    code_sent:
        "인증번호를 문자로 보냈습니다.",
        "We sent you a code by SMS.";
    too_many_codes:
        "인증번호 요청이 너무 많습니다. 1시간 뒤에 다시 시도하세요.",
        "Too many codes asked for. Please try again in an hour.";
    wrong_code:
        "인증번호가 맞지 않습니다. 다시 입력하세요.",
        "That code is not right. Please try again.";
    code_locked:
        "인증번호를 5번 잘못 입력했습니다. 새 인증번호를 받으세요.",
        "Five wrong codes: please ask for a new code.";
    code_expired:
        "인증번호가 만료되었습니다. 새 인증번호를 받으세요.",
        "The code has expired. Please ask for a new one.";
    signed_in_as:
        "로그인:",
        "Signed in as";
    buy:
        "상품권 구매",
        "Buy";
    send_gift:
        "선물하기",
        "Send a gift";
    use_voucher:
        "사용하기 (바코드)",
        "Use (barcode)";
    purchase_history:
        "구매 내역",
        "Purchases";
    usage_history:
        "사용 내역",
        "Uses";
    gift_history:
        "선물 내역",
        "Gifts";
    notices:
        "공지사항",
        "Notices";
    guide:
        "이용 안내",
        "Usage guide";
    call_center:
        "고객센터",
        "Call center";
    default_notices:
        "새 소식이 없습니다.",
        "No news at the moment.";
    default_guide:
        "상품권을 사면 문자로 바코드와 PIN이 옵니다. 매장 계산대에서 바코드를 보여 주고 PIN을 알려 주면 쓸 수 있으며, 남은 금액은 다음에 쓸 수 있습니다.\n\n선물하기에서 받는 사람 번호와 메시지, 카드·벨소리·배경음악·캐릭터를 골라 보낼 수 있습니다. 받는 사람이 거절하면 상품권은 돌아옵니다.",
        "After you buy a certificate, its barcode and PIN come by SMS. Show the barcode at the till and give the PIN; what is left stays on the certificate for next time.\n\nUnder Send a gift, pick the number, a message and a card, ringtone, background music or character. If the receiver rejects it, the certificate comes back to you.";
    default_call_center:
        "고객센터: 휴대폰에서 114 (무료), 평일 09:00–18:00",
        "Call center: dial 114 from your mobile (free), weekdays 09:00–18:00";
    category:
        "분류",
        "Category";
    issuer:
        "발행처",
        "Issuer";
    any:
        "전체",
        "Any";
    max_price:
        "최고 가격 (원)",
        "Highest price";
    filter:
        "찾기",
        "Filter";
    no_products:
        "조건에 맞는 상품이 없습니다.",
        "No product matches.";
    price:
        "가격",
        "Price";
    validity:
        "유효기간",
        "Valid for";
    days:
        "일",
        "days";
    no_expiry:
        "없음",
        "no expiry";
    quantity:
        "수량",
        "Quantity";
    pay_with:
        "결제 방법",
        "Pay with";
    phone_bill:
        "휴대폰 요금 합산",
        "Phone bill";
    card:
        "신용카드",
        "Card";
    bank:
        "계좌이체",
        "Bank account";
    payment_token:
        "카드·계좌 결제 토큰",
        "Card or account token";
    payment_token_help:
        "신용카드나 계좌로 결제할 때만 입력하세요 (결제망에 등록된 토큰).",
        "Only for card or bank: the token your payment network registered.";
    review:
        "결제 확인",
        "Review";
    sign_in_to_buy:
        "로그인하고 구매하기",
        "Sign in to buy";
    product:
        "상품",
        "Product";
    total:
        "결제 금액",
        "Total";
    monthly_cap:
        "이번 달 휴대폰 결제 한도",
        "Monthly phone-bill limit";
    billed_this_month:
        "이번 달 사용액",
        "Billed this month";
    confirm_purchase:
        "결제하기",
        "Pay now";
    over_cap:
        "이번 달 휴대폰 결제 한도를 넘습니다. 다른 결제 방법을 고르세요.",
        "This would go over your monthly phone-bill limit. Please choose another way to pay.";
    back:
        "돌아가기",
        "Back";
    purchase_invalid:
        "구매 정보를 확인해 주세요.",
        "Please check the purchase details.";
    order_title:
        "주문 결과",
        "Your order";
    order_done:
        "완료되었습니다. 문자로도 알려 드렸습니다.",
        "Done. We also told you by SMS.";
    order_pending:
        "처리 중입니다. 잠시 후 새로 고침하세요.",
        "Being processed. Refresh in a moment.";
    refresh:
        "새로 고침",
        "Refresh";
    wallet_empty:
        "가진 상품권이 없습니다.",
        "You hold no certificate.";
    balance:
        "잔액",
        "Balance";
    face_value:
        "액면가",
        "Face value";
    expires:
        "유효기간",
        "Valid until";
    status:
        "상태",
        "Status";
    barcode:
        "바코드",
        "Barcode";
    qr_code:
        "QR 코드 보기",
        "Show the QR code";
    show_pin:
        "PIN 보기 (눌러서 표시)",
        "Show PIN (tap to reveal)";
    pin_unavailable:
        "PIN을 표시할 수 없습니다. 고객센터에 문의하세요.",
        "The PIN cannot be shown. Please call the call center.";
    uses:
        "사용 내역",
        "Uses";
    no_uses:
        "아직 사용하지 않았습니다.",
        "Not used yet.";
    when:
        "일시",
        "When";
    what:
        "내용",
        "What";
    amount:
        "금액",
        "Amount";
    certificate:
        "상품권",
        "Certificate";
    actions:
        "할 수 있는 일",
        "What you can do";
    actions_need_sign_in:
        "아래 기능은 휴대폰 인증 후 이용할 수 있습니다.",
        "These take a sign-in with a code sent to your phone.";
    gift_on:
        "이 상품권 선물하기",
        "Gift it on";
    extend:
        "유효기간 3개월 연장",
        "Extend by 3 months";
    renew_pin:
        "새 PIN 받기",
        "Get a new PIN";
    refund:
        "환불",
        "Refund";
    extended:
        "유효기간을 연장했습니다.",
        "The validity was extended.";
    pin_renewed:
        "새 PIN을 문자로 보냈습니다. 이전 PIN은 쓸 수 없습니다.",
        "A new PIN was sent by SMS. The old PIN no longer works.";
    refund_amount:
        "지금 환불하면 받는 금액:",
        "A refund now pays back:";
    refund_warning:
        "환불하면 이 상품권은 더 이상 쓸 수 없습니다.",
        "After the refund this certificate can no longer be used.";
    confirm_refund:
        "환불하기",
        "Refund now";
    all:
        "전체",
        "All";
    no_history:
        "내역이 없습니다.",
        "Nothing yet.";
    nothing_to_gift:
        "선물할 수 있는 상품권이 없습니다.",
        "You have no certificate to give.";
    which_certificates:
        "선물할 상품권",
        "Certificates to give";
    to_number:
        "받는 사람 번호",
        "Receiver's number";
    message:
        "메시지",
        "Message";
    message_help:
        "200자까지 쓸 수 있습니다.",
        "Up to 200 characters.";
    none:
        "선택 안 함",
        "None";
    check_package:
        "보낼 내용 확인",
        "Check the package";
    gift_invalid:
        "선물 정보를 확인해 주세요 (상품권, 받는 사람 번호, 메시지 200자 이내).",
        "Please check the gift: certificates, the receiver's number, a message of at most 200 characters.";
    check_intro:
        "받는 사람에게 아래 내용이 그대로 전달됩니다. 확인 후 보내세요.",
        "The receiver gets exactly what is shown below. Check it, then send.";
    package:
        "선물 확인",
        "Gift package";
    package_size:
        "메시지 크기",
        "Message size";
    send_now:
        "선물 보내기",
        "Send the gift";
    cancel_gift:
        "취소하기",
        "Cancel";
    gift_sent:
        "선물을 보냈습니다. 받는 사람이 수락하면 알려 드립니다.",
        "The gift is on its way. We will tell you when it is accepted.";
    gift_cancelled:
        "선물을 취소했습니다. 상품권은 그대로 있습니다.",
        "The gift was cancelled. Your certificates stay with you.";
}

impl SiteTexts {
    /// The texts of `language`.
    pub fn of(language: Language) -> &'static SiteTexts {
        match language {
            Language::Ko => &KO,
            Language::En => &EN,
        }
    }

    fn ko(&self) -> bool {
        self.code == "ko"
    }

    /// A certificate status in words.
    pub fn certificate_status(&self, status: &str) -> &'static str {
        super::i18n::Texts::of(if self.ko() {
            Language::Ko
        } else {
            Language::En
        })
        .certificate_status(status)
    }

    /// A history row's kind in words.
    pub fn journal_kind(&self, kind: &str) -> &'static str {
        let (ko, en) = match kind {
            "issue" => ("구매", "bought"),
            "refund" => ("환불", "refunded"),
            "expired_refund" => ("만료 잔액 환불", "expired balance refunded"),
            "redeem" => ("사용", "used"),
            "void" => ("사용 취소", "use cancelled"),
            "expire" => ("기간 만료", "expired"),
            "breakage" => ("만료 잔액 소멸", "expired balance kept"),
            "block" => ("사용 정지", "blocked"),
            "unblock" => ("정지 해제", "unblocked"),
            "gift_out" => ("선물 보냄", "gift sent"),
            "gift_accept" => ("선물 받음", "gift received"),
            "gift_return" => ("선물 돌아옴", "gift returned"),
            "rekey" => ("새 PIN", "new PIN"),
            "extend" => ("기간 연장", "extended"),
            _ => ("기타", "other"),
        };
        if self.ko() { ko } else { en }
    }

    /// A kind of extra in words.
    pub fn extra_kind(&self, kind: &str) -> &'static str {
        let (ko, en) = match kind {
            "theme_card" => ("테마 카드", "Theme card"),
            "character" => ("캐릭터", "Character"),
            "ringtone" => ("벨소리", "Ringtone"),
            "background_music" => ("배경음악", "Background music"),
            _ => ("기타", "Other"),
        };
        if self.ko() { ko } else { en }
    }

    /// A gift's state in words.
    pub fn gift_state(&self, state: &str) -> &'static str {
        let (ko, en) = match state {
            "awaiting_confirmation" => ("보내기 전 확인 대기", "waiting for your check"),
            "sent" => ("보냄 (답을 기다리는 중)", "sent, waiting for an answer"),
            "accepted" => ("받는 사람이 수락함", "accepted"),
            "rejected" => ("받는 사람이 거절함", "rejected"),
            "expired" => ("기간 만료로 돌아옴", "expired and returned"),
            "cancelled" => ("취소됨", "cancelled"),
            _ => ("확인 필요", "unknown"),
        };
        if self.ko() { ko } else { en }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_text() {
        for texts in [SiteTexts::of(Language::Ko), SiteTexts::of(Language::En)] {
            let debug = format!("{texts:?}");
            assert!(!debug.contains(": \"\""), "an empty text in {debug}");
        }
        assert_ne!(KO.sign_in, EN.sign_in);
    }
}
