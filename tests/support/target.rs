//! Which server the integration tests talk to: the embedded `odoo-mock`, or
//! a real Odoo when `ODOO_URL` is set.
//!
//! For a real Odoo set `ODOO_URL`, `ODOO_DB`, and the passwords of the demo
//! users as `ODOO_PASSWORD_ADMIN`, `ODOO_PASSWORD_ALICE`, `ODOO_PASSWORD_BOB`
//! (each defaults to the login, as on the capture server). `ODOO_API_KEY_ADMIN`
//! enables the API-key tests. The database must hold the users and orders
//! described in tests/fixtures/wire/INDEX.md (alice uid 8 with orders 21-23,
//! bob uid 9 with 24-26, both "Sales / User: Own Documents Only").

use odoo::{Client, Transport};
use odoo_mock::MockServer;

/// The API key the embedded server gives admin in these tests.
pub const MOCK_ADMIN_API_KEY: &str = "odoo-rs-test-admin-key-0123456789";

/// The API key the embedded server gives each demo user in these tests.
pub fn mock_api_key(login: &str) -> String {
    if login == "admin" {
        MOCK_ADMIN_API_KEY.to_owned()
    } else {
        format!("odoo-rs-test-{login}-key-0123456789")
    }
}

pub struct Target {
    pub url: String,
    pub database: String,
    pub live: bool,
    /// The transport the clients of this target use.
    pub transport: Transport,
    /// The Odoo major version the server speaks.
    pub odoo_version: u32,
    /// Keeps the embedded server running while the target lives.
    pub mock: Option<MockServer>,
}

impl Target {
    /// The server for this test, over the default transport.
    pub async fn start() -> Target {
        Target::with_transport(Transport::Auto).await
    }

    /// The server for this test: prints which one, so the output says it.
    /// JSON-2 needs Odoo 19: the embedded server then imitates 19.
    pub async fn with_transport(transport: Transport) -> Target {
        match std::env::var("ODOO_URL") {
            Ok(url) if !url.is_empty() => {
                let database = std::env::var("ODOO_DB").unwrap_or_else(|_| "odoo18".into());
                let odoo_version = std::env::var("ODOO_VERSION")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(18);
                eprintln!(
                    "[odoo-rs tests] against a REAL Odoo {odoo_version} at {url}, database {database}, over {}",
                    transport.name()
                );
                Target {
                    url,
                    database,
                    live: true,
                    transport,
                    odoo_version,
                    mock: None,
                }
            }
            _ => {
                let odoo_version = if transport == Transport::Json2 {
                    19
                } else {
                    18
                };
                let mut builder = MockServer::builder().odoo_version(odoo_version);
                for login in ["admin", "alice", "bob"] {
                    builder = builder.api_key(login, mock_api_key(login));
                }
                let mock = builder.start().await.expect("start the embedded odoo-mock");
                eprintln!(
                    "[odoo-rs tests] against the embedded odoo-mock (Odoo {odoo_version}) at {}, over {} (set ODOO_URL for a real Odoo)",
                    mock.url(),
                    transport.name()
                );
                Target {
                    url: mock.url().to_owned(),
                    database: mock.database().to_owned(),
                    live: false,
                    transport,
                    odoo_version,
                    mock: Some(mock),
                }
            }
        }
    }

    pub fn client(&self) -> Client {
        Client::builder(&self.url)
            .database(&self.database)
            .transport(self.transport)
            .build()
            .expect("client")
    }

    /// Whether this transport logs in with API keys only.
    pub fn uses_api_keys(&self) -> bool {
        self.transport == Transport::Json2
    }

    /// The API key of a demo user, when known (`ODOO_API_KEY_<LOGIN>` on a
    /// real server).
    pub fn api_key(&self, login: &str) -> Option<String> {
        if self.live {
            std::env::var(format!("ODOO_API_KEY_{}", login.to_uppercase())).ok()
        } else {
            Some(mock_api_key(login))
        }
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

    /// Log a demo user in the way this transport takes: a password, or an
    /// API key for JSON-2.
    pub async fn login(&self, login: &str) -> odoo::Session {
        let result = if self.uses_api_keys() {
            let key = self
                .api_key(login)
                .unwrap_or_else(|| panic!("set ODOO_API_KEY_{} for JSON-2", login.to_uppercase()));
            self.client().login_api_key(login, key).await
        } else {
            self.client().login(login, self.password(login)).await
        };
        result.unwrap_or_else(|e| panic!("login {login}: {e}"))
    }

    /// Whether the tests for this transport can run here (JSON-2 on a real
    /// server needs Odoo 19 and the users' API keys).
    pub fn skip_reason(&self) -> Option<String> {
        if self.live && self.uses_api_keys() {
            if self.odoo_version < 19 {
                return Some("JSON-2 needs Odoo 19: set ODOO_VERSION=19".into());
            }
            for login in ["admin", "alice", "bob"] {
                if self.api_key(login).is_none() {
                    return Some(format!(
                        "set ODOO_API_KEY_{} for JSON-2",
                        login.to_uppercase()
                    ));
                }
            }
        }
        None
    }
}
