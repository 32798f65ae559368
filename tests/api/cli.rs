//! The binary's subcommands, run as a carrier's operator would: `migrate`, `audit`,
//! `demo`, and each `sim` on its own.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn giftgate() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_giftgate"));
    command
        .env("RUST_LOG", "warn")
        .env_remove("GIFTGATE_DATABASE_URL");
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `url` answers 200.
fn wait_for(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if reqwest::blocking::get(url).is_ok_and(|r| r.status().is_success()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{url} did not answer");
}

#[test]
fn migrate_then_audit_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/ops.db?mode=rwc", dir.path().display());
    let migrate = giftgate()
        .arg("migrate")
        .env("GIFTGATE_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let audit = giftgate()
        .arg("audit")
        .env("GIFTGATE_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(audit.status.success());
    assert!(String::from_utf8_lossy(&audit.stdout).contains("audit: OK"));
}

#[test]
fn audit_exits_1_on_a_violation() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    assert!(
        giftgate()
            .arg("migrate")
            .env("GIFTGATE_DATABASE_URL", &url)
            .status()
            .unwrap()
            .success()
    );
    // A charged payment with no certificate and no refund breaks the rule.
    let sql = "INSERT INTO payments (order_id, msisdn, method, reference, amount_minor, refunded_minor, currency, state, created_at, updated_at) \
               VALUES ('o-1', '+821012345678', 'carrier', 'r', 1000, 0, 'KRW', 'charged', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')";
    let status = Command::new("python3")
        .args([
            "-c",
            &format!(
                "import sqlite3; c=sqlite3.connect({:?}); c.execute({:?}); c.commit()",
                file.display().to_string(),
                sql
            ),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let audit = giftgate()
        .arg("audit")
        .env("GIFTGATE_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert_eq!(
        audit.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
    assert!(String::from_utf8_lossy(&audit.stdout).contains("VIOLATION"));
}

#[test]
fn the_demo_runs_the_story_and_exits_0() {
    let output = giftgate().arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for step in ["1. ", "2. ", "3. ", "4. ", "5. ", "6. ", "audit: OK"] {
        assert!(stdout.contains(step), "missing {step:?} in\n{stdout}");
    }
    assert!(stdout.contains("MMS"), "{stdout}");
    assert!(stdout.contains("PIN "), "{stdout}");
    assert!(
        stdout.contains("with the giver's old PIN")
            && stdout.contains("refused (403 \"invalid_pin\")"),
        "a gift changes hands for good: {stdout}"
    );
}

#[test]
fn each_simulator_runs_alone() {
    let billing = free_port();
    let psp = free_port();
    let smsc_http = free_port();
    let smsc_smpp = free_port();
    let mmsc = free_port();
    let mut children = vec![
        giftgate()
            .args(["sim", "billing", "--addr", &format!("127.0.0.1:{billing}")])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
        giftgate()
            .args(["sim", "psp", "--addr", &format!("127.0.0.1:{psp}")])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
        giftgate()
            .args([
                "sim",
                "smsc",
                "--smpp-addr",
                &format!("127.0.0.1:{smsc_smpp}"),
                "--http-addr",
                &format!("127.0.0.1:{smsc_http}"),
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
        giftgate()
            .args(["sim", "mmsc", "--addr", &format!("127.0.0.1:{mmsc}")])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    ];
    wait_for(&format!("http://127.0.0.1:{billing}/sim/transactions"));
    wait_for(&format!("http://127.0.0.1:{psp}/sim/payments"));
    wait_for(&format!("http://127.0.0.1:{smsc_http}/stats"));
    wait_for(&format!("http://127.0.0.1:{mmsc}/stats"));
    assert!(std::net::TcpStream::connect(("127.0.0.1", smsc_smpp)).is_ok());
    for child in &mut children {
        child.kill().unwrap();
        let _ = child.wait();
    }
}

#[test]
fn a_command_that_cannot_do_its_work_exits_2_not_1() {
    // Nothing listens on port 1: the audit cannot read the ledger, which is not a finding.
    let audit = giftgate()
        .arg("audit")
        .env(
            "GIFTGATE_DATABASE_URL",
            "postgres://postgres@127.0.0.1:1/none?connect_timeout=2",
        )
        .env("GIFTGATE_SECRET_KEY", "0f".repeat(32))
        .output()
        .unwrap();
    assert_eq!(
        audit.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
}

#[test]
fn serve_on_postgres_refuses_pretend_rails_and_names_each_variable() {
    let serve = giftgate()
        .arg("serve")
        .env(
            "GIFTGATE_DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/test",
        )
        .env("GIFTGATE_SECRET_KEY", "0f".repeat(32))
        .env("GIFTGATE_BILLING_URL", "http://127.0.0.1:9/")
        .env_remove("GIFTGATE_PSP_URL")
        .env_remove("GIFTGATE_SMSC_URL")
        .env_remove("GIFTGATE_MM7_URL")
        .env_remove("GIFTGATE_SIMULATORS")
        // Numeric-looking text settings are read as written, not refused.
        .env("GIFTGATE_SHORT_CODE", "1555")
        .env("GIFTGATE_SMSC_PASSWORD", "0000")
        .env("GIFTGATE_SMSC_SYSTEM_ID", "12345")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&serve.stderr);
    assert_eq!(serve.status.code(), Some(2), "{stderr}");
    for variable in ["GIFTGATE_PSP_URL", "GIFTGATE_SMSC_URL", "GIFTGATE_MM7_URL"] {
        assert!(stderr.contains(variable), "{variable} in {stderr}");
    }
    assert!(!stderr.contains("GIFTGATE_BILLING_URL"), "{stderr}");
    assert!(stderr.contains("GIFTGATE_SIMULATORS=true"), "{stderr}");
}

#[test]
fn with_the_switch_serve_names_its_simulated_rails_in_readyz_and_metrics() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = runtime.block_on(giftgate_store::testing::TestDatabase::postgres());
    let billing = free_port();
    let http = free_port();
    let mut billing_sim = giftgate()
        .args(["sim", "billing", "--addr", &format!("127.0.0.1:{billing}")])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&format!("http://127.0.0.1:{billing}/sim/transactions"));
    let mut serve = giftgate()
        .arg("serve")
        .env("GIFTGATE_DATABASE_URL", &database.url)
        .env("GIFTGATE_SECRET_KEY", "0f".repeat(32))
        .env("GIFTGATE_HTTP_ADDR", format!("127.0.0.1:{http}"))
        .env(
            "GIFTGATE_BILLING_URL",
            format!("http://127.0.0.1:{billing}"),
        )
        .env("GIFTGATE_SIMULATORS", "true")
        .env("GIFTGATE_SHORT_CODE", "1555")
        .env("GIFTGATE_SMSC_PASSWORD", "0000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&format!("http://127.0.0.1:{http}/readyz"));
    let ready: serde_json::Value =
        reqwest::blocking::get(format!("http://127.0.0.1:{http}/readyz"))
            .unwrap()
            .json()
            .unwrap();
    assert_eq!(
        ready["simulated_rails"],
        serde_json::json!(["psp", "smsc", "mm7"]),
        "{ready}"
    );
    let metrics = reqwest::blocking::get(format!("http://127.0.0.1:{http}/metrics"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains("giftgate_simulated_rail{rail=\"psp\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("giftgate_simulated_rail{rail=\"billing\"} 0"),
        "{metrics}"
    );
    for child in [&mut serve, &mut billing_sim] {
        child.kill().unwrap();
        let _ = child.wait();
    }
    runtime.block_on(database.drop());
}
