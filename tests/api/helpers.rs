//! Starts the real gateway for a test: a fresh database of its own (PostgreSQL or
//! SQLite), the built-in billing and payment simulators on loopback, an admin token and
//! a channel and a merchant key — and ends every test by running `giftgate audit` on
//! that database.

use std::time::Duration;

use giftgate::config::Settings;
use giftgate::startup::Gateway;
use giftgate_store::testing::TestDatabase;
use serde_json::{Value, json};

/// Which database the test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh PostgreSQL database.
    Postgres,
    /// A fresh SQLite file.
    Sqlite,
}

/// A running gateway and a client for it.
pub struct TestApp {
    pub gateway: Option<Gateway>,
    pub database: Option<TestDatabase>,
    pub settings: Settings,
    pub client: reqwest::Client,
    pub base: String,
    pub channel_key: String,
    pub merchant_key: String,
}

/// Settings of a test gateway on `database_url`.
pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        http_addr: "127.0.0.1:0".to_owned(),
        admin_token: Some(format!("admin-{}", uuid::Uuid::new_v4().simple())),
        secret_key: Some("0f".repeat(32)),
        session_threads: 1,
        http_workers: 2,
        database_max_connections: 8,
        billing_timeout_ms: 1_000,
        psp_timeout_ms: 1_000,
        ..Settings::default()
    }
}

impl TestApp {
    /// A gateway with default test settings.
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// A gateway whose settings the test adjusts first.
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let database = match backend {
            Backend::Postgres => TestDatabase::postgres().await,
            Backend::Sqlite => TestDatabase::sqlite().await,
        };
        let mut settings = test_settings(&database.url);
        tweak(&mut settings);
        let mut app = TestApp::on(settings).await;
        app.database = Some(database);
        app
    }

    /// A gateway on an existing database (a second instance, or a restart).
    pub async fn on(settings: Settings) -> TestApp {
        // Logs go through the test harness's capture: shown only for failing tests.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
            )
            .with_test_writer()
            .try_init();
        let gateway = Gateway::start(settings.clone())
            .await
            .expect("gateway starts");
        let base = gateway.base_url();
        let client = reqwest::Client::new();
        let admin_token = settings
            .admin_token
            .clone()
            .expect("test settings carry an admin token");
        let key = |path: &'static str| {
            let client = client.clone();
            let url = format!("{base}{path}");
            let token = admin_token.clone();
            async move {
                let answer: Value = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"name": "test"}))
                    .send()
                    .await
                    .expect("admin route answers")
                    .json()
                    .await
                    .expect("admin route answers JSON");
                answer["api_key"]
                    .as_str()
                    .expect("api key issued")
                    .to_owned()
            }
        };
        let channel_key = key("/v1/admin/channels").await;
        let merchant_key = key("/v1/admin/merchants").await;
        TestApp {
            gateway: Some(gateway),
            database: None,
            settings,
            client,
            base,
            channel_key,
            merchant_key,
        }
    }

    /// The gateway.
    pub fn gateway(&self) -> &Gateway {
        self.gateway.as_ref().expect("gateway running")
    }

    /// POST a JSON body with a bearer key.
    pub async fn post(&self, path: &str, key: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// PUT a JSON body with a bearer key.
    pub async fn put(&self, path: &str, key: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .put(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// GET with a bearer key.
    pub async fn get(&self, path: &str, key: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(key)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Submits an order through the channel API.
    pub async fn order(&self, body: Value) -> (u16, Value) {
        self.post("/v1/orders", &self.channel_key, body).await
    }

    /// Submits an order that must complete; answers its outcome.
    pub async fn completed(&self, body: Value) -> Value {
        let (status, answer) = self.order(body).await;
        assert_eq!(status, 202, "{answer}");
        assert_eq!(answer["status"], "completed", "{answer}");
        answer["outcome"].clone()
    }

    /// Buys `quantity` of a product by carrier billing; answers the codes.
    pub async fn buy(
        &self,
        order_id: &str,
        msisdn: &str,
        product: &str,
        quantity: u32,
    ) -> Vec<String> {
        let outcome = self
            .completed(
                json!({"order_id": order_id, "type": "purchase", "msisdn": msisdn,
                "product_id": product, "quantity": quantity, "settlement": {"method": "carrier"}}),
            )
            .await;
        outcome["certificate_codes"]
            .as_array()
            .expect("codes")
            .iter()
            .map(|c| c.as_str().expect("code").to_owned())
            .collect()
    }

    /// The wallet of a subscriber.
    pub async fn wallet(&self, msisdn: &str) -> Vec<Value> {
        let (status, answer) = self
            .get(
                &format!("/v1/subscribers/{msisdn}/certificates"),
                &self.channel_key,
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        answer["certificates"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The PIN of a certificate in its owner's wallet.
    pub async fn pin(&self, owner: &str, code: &str) -> String {
        self.wallet(owner)
            .await
            .iter()
            .find(|c| c["code"] == code)
            .and_then(|c| c["pin"].as_str())
            .expect("certificate in wallet")
            .to_owned()
    }

    /// A merchant redemption.
    pub async fn redeem(&self, code: &str, pin: &str, amount: &str, key: &str) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/v1/redemptions", self.base))
            .bearer_auth(&self.merchant_key)
            .header("Idempotency-Key", key)
            .json(
                &json!({"certificate_code": code, "pin": pin, "amount": amount, "currency": "KRW"}),
            )
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Stops the gateway only (keeps the database), for restarts and second instances.
    pub async fn stop_gateway(&mut self) {
        if let Some(gateway) = self.gateway.take() {
            gateway.stop().await;
        }
    }

    /// Ends the test: stops the gateway, runs `giftgate audit` on the database (it must
    /// exit 0) and drops the database.
    pub async fn finish(mut self) {
        self.stop_gateway().await;
        assert_audit_passes(&self.settings.database_url).await;
        if let Some(database) = self.database.take() {
            database.drop().await;
        }
    }
}

/// Runs the real `giftgate audit` binary on a database and asserts it exits 0.
pub async fn assert_audit_passes(database_url: &str) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_giftgate"))
        .arg("audit")
        .env("GIFTGATE_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("giftgate audit runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "giftgate audit failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("audit: OK"), "{stdout}");
}

/// Polls until `check` holds or the deadline passes.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The first column of every row `query` finds, read straight from the database (what
/// `pg_dump` would show), on PostgreSQL or SQLite.
pub async fn column_values(database_url: &str, query: &str) -> Vec<String> {
    let query = sqlx::AssertSqlSafe(query.to_owned());
    if database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(database_url).await.unwrap();
        let rows = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(database_url).await.unwrap();
        let rows = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }
}
