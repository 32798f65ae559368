//! Every MO command and every Korean alias end to end through the SMSC simulator
//! (CONTRACT.md §5), each answered in words: refusals never show their code.

use giftgate_actors::domain::Language;

use crate::handset::{ask, assert_no_codes, inbox_has, mo};
use crate::helpers::{Backend, TestApp, eventually};

fn mms_inbox_len(app: &TestApp, msisdn: &str) -> usize {
    app.gateway()
        .mmsc_simulator
        .as_ref()
        .unwrap()
        .inbox(msisdn)
        .len()
}

#[actix_web::test]
async fn every_korean_alias_is_answered_in_korean_words() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let me = "+821031310000";
    let friend = "+821031319999";
    assert!(ask(&app, me, "도움말").await.contains("명령: 목록"));
    let list = ask(&app, me, "목록").await;
    assert!(
        list.contains("상품 목록 1/2") && list.contains("book-10000") && list.contains("10,000원"),
        "{list}"
    );
    assert!(list.contains("다음: LIST 2"), "{list}");
    let page_two = ask(&app, me, "목록 2").await;
    assert!(page_two.contains("상품 목록 2/2"), "{page_two}");
    let coffee = ask(&app, me, "목록 커피").await;
    assert!(coffee.contains("해당하는 상품이 없습니다"), "{coffee}");
    let unknown = ask(&app, me, "구매 nosuch-9").await;
    assert!(unknown.contains("'nosuch-9' 상품이 없습니다"), "{unknown}");
    assert!(
        ask(&app, me, "구매 book-10000")
            .await
            .contains("결제할까요")
    );
    assert!(ask(&app, me, "아니오").await.contains("취소했습니다"));
    assert!(
        ask(&app, me, "구매 book-10000 2")
            .await
            .contains("20,000원")
    );
    let bought = ask(&app, me, "예").await;
    assert!(
        bought.contains("구매 완료 2매") && bought.contains("PIN"),
        "{bought}"
    );
    let wallet = app.wallet(me).await;
    let (first, second) = (
        wallet[0]["code"].as_str().unwrap().to_owned(),
        wallet[1]["code"].as_str().unwrap().to_owned(),
    );
    let balance = ask(&app, me, "잔액").await;
    assert!(
        balance.contains("보유 상품권") && balance.contains("10,000원") && balance.contains("까지"),
        "{balance}"
    );
    let check = ask(&app, me, &format!("선물 {first} 010-3131-9999 생일 축하해")).await;
    assert!(
        check.contains("010-3131-9999님께") && check.contains("예(YES)"),
        "{check}"
    );
    mo(&app, me, "예").await;
    eventually("the gift MMS", || async {
        mms_inbox_len(&app, friend) == 1
    })
    .await;
    let rejected = ask(&app, friend, "거절").await;
    assert!(
        rejected.contains("010-3131-0000님의 선물을 거절했습니다"),
        "{rejected}"
    );
    inbox_has(&app, me, "010-3131-9999님이 선물을 거절하여").await;
    ask(&app, me, &format!("선물 {second} 01031319999")).await;
    mo(&app, me, "네").await;
    eventually("the second gift MMS", || async {
        mms_inbox_len(&app, friend) >= 2
    })
    .await;
    let accepted = ask(&app, friend, "수락").await;
    assert!(
        accepted.contains("010-3131-0000님의 선물을 받았습니다") && accepted.contains("PIN"),
        "{accepted}"
    );
    let extend = ask(&app, friend, &format!("연장 {second}")).await;
    assert!(
        extend.contains("유효기간 연장은 제공되지 않습니다"),
        "{extend}"
    );
    let refund = ask(&app, friend, &format!("환불 {second}")).await;
    assert!(refund.contains("환불"), "{refund}");
    let not_mine = ask(&app, me, "환불 4111111111111111").await;
    assert!(
        not_mine.contains("보유하신 상품권 중에 그 번호가 없습니다"),
        "{not_mine}"
    );
    assert!(
        ask(&app, me, "아니요")
            .await
            .contains("확인할 요청이 없습니다")
    );
    assert!(
        ask(&app, me, "안녕")
            .await
            .contains("알 수 없는 명령입니다")
    );
    assert_no_codes(&app, me);
    assert_no_codes(&app, friend);
    app.finish().await;
}

#[actix_web::test]
async fn every_english_command_is_answered_in_english_words() {
    let app = TestApp::spawn_with(Backend::Postgres, |s| {
        s.language = Language::En;
        s.max_extension_months = 6;
    })
    .await;
    let me = "+821032320000";
    let friend = "+821032329999";
    assert!(ask(&app, me, "HELP").await.contains("Commands: LIST"));
    let list = ask(&app, me, "LIST book").await;
    assert!(
        list.contains("Catalogue 1/1") && list.contains("book-30000 Book 30,000 KRW 30,000"),
        "{list}"
    );
    assert!(
        ask(&app, me, "BUY book-10000 2")
            .await
            .contains("KRW 20,000")
    );
    assert!(ask(&app, me, "NO").await.contains("Cancelled"));
    ask(&app, me, "BUY book-10000 2").await;
    assert!(ask(&app, me, "YES").await.contains("Purchased 2"));
    let wallet = app.wallet(me).await;
    let (first, second) = (
        wallet[0]["code"].as_str().unwrap().to_owned(),
        wallet[1]["code"].as_str().unwrap().to_owned(),
    );
    let balance = ask(&app, me, "BAL").await;
    assert!(
        balance.contains("Your certificates") && balance.contains("KRW 10,000 to 20"),
        "{balance}"
    );
    let check = ask(
        &app,
        me,
        &format!("GIFT {first} 010-3232-9999 happy birthday"),
    )
    .await;
    assert!(
        check.contains("+82 10-3232-9999") && check.contains("Reply YES to send"),
        "{check}"
    );
    mo(&app, me, "YES").await;
    eventually("the gift MMS", || async {
        mms_inbox_len(&app, friend) == 1
    })
    .await;
    assert!(
        ask(&app, friend, "REJECT")
            .await
            .contains("You rejected the gift from +82 10-3232-0000")
    );
    inbox_has(&app, me, "rejected your gift").await;
    ask(&app, me, &format!("GIFT {second} 01032329999")).await;
    mo(&app, me, "Y").await;
    eventually("the second gift MMS", || async {
        mms_inbox_len(&app, friend) >= 2
    })
    .await;
    assert!(
        ask(&app, friend, "ACCEPT")
            .await
            .contains("You accepted the gift from +82 10-3232-0000")
    );
    let extended = ask(&app, friend, &format!("EXTEND {second}")).await;
    assert!(extended.contains("is now valid until"), "{extended}");
    assert!(
        ask(&app, friend, &format!("REFUND {second}"))
            .await
            .contains("refunded")
    );
    let again = ask(&app, friend, &format!("REFUND {second}")).await;
    assert!(
        again.contains("already been refunded") || again.contains("You hold no certificate"),
        "{again}"
    );
    // The carrier declines …0001: in words, never `billing_declined`.
    let declined = "+821032320001";
    ask(&app, declined, "BUY book-10000").await;
    let refusal = ask(&app, declined, "YES").await;
    assert!(
        refusal.contains("Your carrier declined the charge"),
        "{refusal}"
    );
    assert!(ask(&app, me, "N").await.contains("nothing to confirm"));
    assert!(
        ask(&app, me, "BUY book-10000 11")
            .await
            .contains("The quantity is 1 to 10")
    );
    assert_no_codes(&app, me);
    assert_no_codes(&app, friend);
    assert_no_codes(&app, declined);
    app.finish().await;
}
