//! Secrets at rest (issue 11): refund account numbers sealed and shown masked, plain rows
//! of before sealed at start, and `giftgate rekey` moving every PIN and account number to
//! a new key in batches, stopped half-way and run again.

use giftgate_actors::domain::PinCipher;
use serde_json::json;

use crate::helpers::{Backend, TestApp, column_values};

const OLD_KEY: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
const NEW_KEY: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

/// The stored account column of a subscriber, as `pg_dump` would show it.
async fn stored_account(url: &str, e164: &str) -> String {
    let query = format!("SELECT account FROM refund_accounts WHERE msisdn = '{e164}'");
    column_values(url, &query).await.remove(0)
}

async fn register_account(app: &TestApp, msisdn: &str, account: &str) -> serde_json::Value {
    let (status, answer) = app
        .post(
            &format!("/v1/subscribers/{msisdn}/refund-account"),
            &app.channel_key,
            json!({"bank": "KB", "account": account, "holder": "Kim"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn rekey(url: &str, key_file: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_giftgate"))
        .arg("rekey")
        .arg("--new-key-file")
        .arg(key_file)
        .args(extra)
        .env("GIFTGATE_DATABASE_URL", url)
        .env("GIFTGATE_SECRET_KEY", OLD_KEY)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

async fn sealed_masked_and_rekeyed(backend: Backend) {
    let mut app = TestApp::spawn_with(backend, |s| s.secret_key = Some(OLD_KEY.to_owned())).await;
    let url = app.settings.database_url.clone();
    let holders = ["01091910011", "01091910022", "01091910033"];
    let mut pins = Vec::new();
    for (n, holder) in holders.iter().enumerate() {
        let code = app
            .buy(&format!("seal-{n}"), holder, "book-10000", 1)
            .await
            .remove(0);
        pins.push((
            holder.to_owned(),
            code.clone(),
            app.pin(holder, &code).await,
        ));
    }
    let answer = register_account(&app, holders[0], "110-2345-671234").await;
    assert_eq!(answer["account"], "***-****-**1234", "{answer}");
    let raw = stored_account(&url, "+821091910011").await;
    assert!(raw.starts_with("s1:") && !raw.contains("671234"), "{raw}");

    // A plain row of before sealing is sealed when the gateway starts.
    app.stop_gateway().await;
    app.database
        .as_ref()
        .unwrap()
        .execute(
            "INSERT INTO refund_accounts (msisdn, bank, account, holder, updated_at) \
             VALUES ('+821091910022', 'NH', '302-1111-2222-33', 'Lee', '2026-01-01T00:00:00Z')",
        )
        .await
        .unwrap();
    let settings = app.settings.clone();
    let database = app.database.take();
    app = TestApp::on(settings.clone()).await;
    app.database = database;
    let legacy = stored_account(&url, "+821091910022").await;
    assert!(
        legacy.starts_with("s1:") && !legacy.contains("2222"),
        "{legacy}"
    );
    app.stop_gateway().await;

    // Re-key: stopped after one batch, then run again to the end, then once more.
    let key_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(key_file.path(), NEW_KEY).unwrap();
    let (code, out) = rekey(
        &url,
        key_file.path(),
        &["--batch-size", "2", "--max-batches", "1"],
    )
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("2 re-sealed") && out.contains("run again"),
        "{out}"
    );
    let (code, out) = rekey(&url, key_file.path(), &["--batch-size", "2"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("3 re-sealed, 2 already under the new key"),
        "{out}"
    );
    let (code, out) = rekey(&url, key_file.path(), &[]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("0 re-sealed, 5 already under the new key"),
        "{out}"
    );

    // Only the new key is needed now: same PINs, same account numbers.
    let new = PinCipher::from_hex(NEW_KEY).unwrap();
    for (e164, plain) in [
        ("+821091910011", "110-2345-671234"),
        ("+821091910022", "302-1111-2222-33"),
    ] {
        let sealed = stored_account(&url, e164).await;
        assert_eq!(
            new.open_text(&sealed, &format!("refund-account:{e164}")),
            Ok(plain.to_owned())
        );
    }
    let settings = giftgate::config::Settings {
        secret_key: Some(NEW_KEY.to_owned()),
        ..settings
    };
    let database = app.database.take();
    app = TestApp::on(settings).await;
    app.database = database;
    for (holder, code, pin) in &pins {
        assert_eq!(&app.pin(holder, code).await, pin, "{holder}");
        let (status, served) = app
            .redeem(code, pin, "1000", &format!("after-{code}"))
            .await;
        assert_eq!(status, 200, "{served}");
    }
    app.finish().await;
}

#[actix_web::test]
async fn secrets_are_sealed_masked_and_rekeyed_on_postgres() {
    sealed_masked_and_rekeyed(Backend::Postgres).await;
}

#[actix_web::test]
async fn secrets_are_sealed_masked_and_rekeyed_on_sqlite() {
    sealed_masked_and_rekeyed(Backend::Sqlite).await;
}

#[actix_web::test]
async fn a_gateway_holding_both_keys_works_while_rekey_runs() {
    let mut app =
        TestApp::spawn_with(Backend::Sqlite, |s| s.secret_key = Some(OLD_KEY.to_owned())).await;
    let holder = "01091920011";
    let code = app.buy("both-1", holder, "book-10000", 1).await.remove(0);
    let pin = app.pin(holder, &code).await;
    app.stop_gateway().await;
    let settings = giftgate::config::Settings {
        secret_key: Some(NEW_KEY.to_owned()),
        previous_secret_key: Some(OLD_KEY.to_owned()),
        ..app.settings.clone()
    };
    let database = app.database.take();
    app = TestApp::on(settings).await;
    app.database = database;
    // Sealed under the old key, opened with the previous one; new PINs under the new key.
    assert_eq!(app.pin(holder, &code).await, pin);
    let fresh = app.buy("both-2", holder, "book-10000", 1).await.remove(0);
    let fresh_pin = app.pin(holder, &fresh).await;
    assert_eq!(app.redeem(&code, &pin, "1000", "both-r1").await.0, 200);
    assert_eq!(
        app.redeem(&fresh, &fresh_pin, "1000", "both-r2").await.0,
        200
    );
    app.finish().await;
}
