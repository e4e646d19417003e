//! Which server the integration tests talk to: the embedded `odoo-mock`, or
//! a real Odoo when `ODOO_URL` is set.
//!
//! For a real Odoo set `ODOO_URL`, `ODOO_DB`, and the passwords of the demo
//! users as `ODOO_PASSWORD_ADMIN`, `ODOO_PASSWORD_ALICE`, `ODOO_PASSWORD_BOB`
//! (each defaults to the login, as on the capture server). `ODOO_API_KEY_ADMIN`
//! enables the API-key tests. The database must hold the users and orders
//! described in tests/fixtures/wire/INDEX.md (alice uid 8 with orders 21-23,
//! bob uid 9 with 24-26, both "Sales / User: Own Documents Only").

use odoo::Client;
use odoo_mock::MockServer;

/// The API key the embedded server gives admin in these tests.
pub const MOCK_ADMIN_API_KEY: &str = "odoo-rs-test-admin-key-0123456789";

pub struct Target {
    pub url: String,
    pub database: String,
    pub live: bool,
    /// Keeps the embedded server running while the target lives.
    pub mock: Option<MockServer>,
}

impl Target {
    /// The server for this test: prints which one, so the output says it.
    pub async fn start() -> Target {
        match std::env::var("ODOO_URL") {
            Ok(url) if !url.is_empty() => {
                let database = std::env::var("ODOO_DB").unwrap_or_else(|_| "odoo18".into());
                eprintln!("[odoo-rs tests] against a REAL Odoo at {url}, database {database}");
                Target {
                    url,
                    database,
                    live: true,
                    mock: None,
                }
            }
            _ => {
                let mock = MockServer::builder()
                    .api_key("admin", MOCK_ADMIN_API_KEY)
                    .start()
                    .await
                    .expect("start the embedded odoo-mock");
                eprintln!(
                    "[odoo-rs tests] against the embedded odoo-mock at {} (set ODOO_URL for a real Odoo)",
                    mock.url()
                );
                Target {
                    url: mock.url().to_owned(),
                    database: mock.database().to_owned(),
                    live: false,
                    mock: Some(mock),
                }
            }
        }
    }

    pub fn client(&self) -> Client {
        Client::builder(&self.url)
            .database(&self.database)
            .build()
            .expect("client")
    }

    /// The password of a demo user.
    pub fn password(&self, login: &str) -> String {
        let var = format!("ODOO_PASSWORD_{}", login.to_uppercase());
        std::env::var(var).unwrap_or_else(|_| login.to_owned())
    }

    /// admin's API key, when known.
    pub fn admin_api_key(&self) -> Option<String> {
        if self.live {
            std::env::var("ODOO_API_KEY_ADMIN").ok()
        } else {
            Some(MOCK_ADMIN_API_KEY.to_owned())
        }
    }

    pub async fn login(&self, login: &str) -> odoo::Session {
        self.client()
            .login(login, self.password(login))
            .await
            .unwrap_or_else(|e| panic!("login {login}: {e}"))
    }
}
