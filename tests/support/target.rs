//! Which server the integration tests talk to: the embedded `odoo-mock`, or
//! a real Odoo when `ODOO_URL` is set.
//!
//! For a real Odoo set `ODOO_URL`, `ODOO_DB`, and the passwords of the demo
//! users as `ODOO_PASSWORD_ADMIN`, `ODOO_PASSWORD_ALICE`, `ODOO_PASSWORD_BOB`
//! (each defaults to the login, as on the capture server). `ODOO_VERSION`
//! (16-19) is read from the server when unset. `ODOO_API_KEY_<LOGIN>`
//! enables the API-key and JSON-2 tests. The README says what the database
//! must hold; tests/support/live.rs learns its ids and undoes what a test
//! changes.

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
    /// The version the test asked for (a real server may be another).
    pub wanted_version: u32,
    /// Keeps the embedded server running while the target lives.
    pub mock: Option<MockServer>,
}

tokio::task_local! {
    /// A server that every [`Target`] made in the current task treats as a
    /// real Odoo: tests/a_full_run_leaves_no_trace.rs runs the whole live
    /// suite against one embedded server this way.
    pub static SHARED: Shared;
}

/// A running server to use as if it were a real one.
#[derive(Debug, Clone)]
pub struct Shared {
    pub url: String,
    pub database: String,
    pub odoo_version: u32,
}

impl Shared {
    /// An embedded server of `version`, with the demo users' API keys, to
    /// be treated as a real Odoo (see [`SHARED`]); prints what runs against
    /// it. Returns the server (keep it alive), its description and an admin
    /// session.
    pub async fn embedded(version: u32, what: &str) -> (MockServer, Shared, odoo::Session) {
        let mut builder = MockServer::builder().odoo_version(version);
        for login in ["admin", "alice", "bob"] {
            builder = builder.api_key(login, mock_api_key(login));
        }
        let mock = builder.start().await.expect("embedded server");
        let shared = Shared {
            url: mock.url().to_owned(),
            database: mock.database().to_owned(),
            odoo_version: version,
        };
        eprintln!(
            "[odoo-rs tests] {what} against the embedded odoo-mock (Odoo {version}) at {}",
            mock.url()
        );
        let admin = Client::builder(mock.url())
            .database(mock.database())
            .build()
            .expect("client")
            .login("admin", "admin")
            .await
            .expect("admin logs in");
        (mock, shared, admin)
    }
}

impl Target {
    /// The server for this test, over the default transport.
    pub async fn start() -> Target {
        Target::with_transport(Transport::Auto).await
    }

    /// The server for this test: prints which one, so the output says it.
    /// JSON-2 needs Odoo 19: the embedded server then imitates 19, else 18.
    pub async fn with_transport(transport: Transport) -> Target {
        let version = if transport == Transport::Json2 {
            19
        } else {
            18
        };
        Target::for_version(transport, version).await
    }

    /// The server for this test, the embedded one imitating Odoo `version`.
    /// A real server is what it is: its version comes from `ODOO_VERSION` or
    /// from the server, and [`Target::skip_reason`] says when it is not
    /// `version`.
    pub async fn for_version(transport: Transport, version: u32) -> Target {
        if let Ok(shared) = SHARED.try_with(Shared::clone) {
            return Target {
                url: shared.url,
                database: shared.database,
                live: true,
                transport,
                odoo_version: shared.odoo_version,
                wanted_version: version,
                mock: None,
            };
        }
        match std::env::var("ODOO_URL") {
            Ok(url) if !url.is_empty() => {
                let database = std::env::var("ODOO_DB").unwrap_or_else(|_| "odoo18".into());
                let odoo_version = match std::env::var("ODOO_VERSION") {
                    Ok(v) => match v.trim().parse::<u32>() {
                        Ok(n @ 16..=19) => n,
                        _ => panic!("ODOO_VERSION is 16, 17, 18 or 19, not {v:?}"),
                    },
                    Err(_) => detect_version(&url, &database).await,
                };
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
                    wanted_version: version,
                    mock: None,
                }
            }
            _ => {
                let mut builder = MockServer::builder().odoo_version(version);
                for login in ["admin", "alice", "bob"] {
                    builder = builder.api_key(login, mock_api_key(login));
                }
                let mock = builder.start().await.expect("start the embedded odoo-mock");
                eprintln!(
                    "[odoo-rs tests] against the embedded odoo-mock (Odoo {version}) at {}, over {} (set ODOO_URL for a real Odoo)",
                    mock.url(),
                    transport.name()
                );
                Target {
                    url: mock.url().to_owned(),
                    database: mock.database().to_owned(),
                    live: false,
                    transport,
                    odoo_version: version,
                    wanted_version: version,
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
        if self.live && SHARED.try_with(|_| ()).is_err() {
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
        self.api_key("admin")
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
        if self.odoo_version != self.wanted_version {
            return Some(format!(
                "this test is for Odoo {}; the server is Odoo {}",
                self.wanted_version, self.odoo_version
            ));
        }
        if self.uses_api_keys() && self.odoo_version < 19 {
            return Some("JSON-2 needs Odoo 19".into());
        }
        if self.live && self.uses_api_keys() {
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

/// The major version a real server reports (`server_version_info`).
async fn detect_version(url: &str, database: &str) -> u32 {
    let client = Client::builder(url)
        .database(database)
        .build()
        .expect("client for ODOO_URL");
    let version = client
        .version()
        .await
        .unwrap_or_else(|e| panic!("read the version of the Odoo at {url}: {e}"));
    match version.major() {
        Some(n @ 16..=19) => n,
        _ => panic!(
            "the Odoo at {url} is {version}; the suite knows 16 to 19 (set ODOO_VERSION to force one)"
        ),
    }
}
