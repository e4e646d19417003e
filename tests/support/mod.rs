//! Shared test support: recorded fixtures, a replay server, the shape
//! comparison, and the choice between the embedded server and a real Odoo.
#![allow(dead_code, missing_docs)]

pub mod live;
pub mod replay;
pub mod shape;
pub mod target;

use std::path::PathBuf;

use serde_json::Value;

/// One recorded exchange with a real Odoo 18, from `tests/fixtures/wire`
/// (copied from the project's shared captures; see INDEX.md there).
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: String,
    pub method: String,
    pub path: String,
    pub request_content_type: Option<String>,
    pub request_body: Vec<u8>,
    pub status: u16,
    pub content_type: String,
    /// Response headers worth replaying (Set-Cookie, WWW-Authenticate, Location).
    pub response_headers: Vec<(String, String)>,
    pub response_body: Vec<u8>,
    /// The directory the fixture came from.
    pub dir: PathBuf,
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire")
}

/// The Odoo 19 captures.
pub fn fixtures19_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire19")
}

impl Fixture {
    /// An Odoo 18 fixture.
    pub fn load(name: &str) -> Fixture {
        Fixture::load_from(&fixtures_dir(), name)
    }

    /// An Odoo 19 fixture.
    pub fn load19(name: &str) -> Fixture {
        Fixture::load_from(&fixtures19_dir(), name)
    }

    pub fn load_from(dir: &std::path::Path, name: &str) -> Fixture {
        let dir = dir.to_path_buf();
        let read = |suffix: &str| std::fs::read(dir.join(format!("{name}.{suffix}")));
        let req_headers = String::from_utf8(
            read("request.headers.txt").unwrap_or_else(|e| panic!("fixture {name}: {e}")),
        )
        .expect("utf-8 headers");
        let mut lines = req_headers.lines();
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("POST").to_owned();
        let path = parts.next().unwrap_or("/").to_owned();
        let request_content_type = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.trim().to_owned());
        let request_body = read("request.json")
            .or_else(|_| read("request.xml"))
            .or_else(|_| read("request.txt"))
            .unwrap_or_default();

        let resp_headers = String::from_utf8(
            read("response.headers.txt").unwrap_or_else(|e| panic!("fixture {name}: {e}")),
        )
        .expect("utf-8 headers");
        let response_headers: Vec<(String, String)> = resp_headers
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| {
                ["set-cookie", "www-authenticate", "location"]
                    .contains(&k.trim().to_ascii_lowercase().as_str())
            })
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let mut lines = resp_headers.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("fixture {name}: no status line"));
        let content_type = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        let response_body = [
            "response.json",
            "response.xml",
            "response.html",
            "response.txt",
        ]
        .iter()
        .find_map(|suffix| read(suffix).ok())
        .unwrap_or_default();
        Fixture {
            name: name.to_owned(),
            method,
            path,
            request_content_type,
            request_body,
            status,
            content_type,
            response_headers,
            response_body,
            dir,
        }
    }

    /// The value of a request header, as curl sent it.
    pub fn request_header(&self, name: &str) -> Option<String> {
        let text =
            std::fs::read_to_string(self.dir.join(format!("{}.request.headers.txt", self.name)))
                .ok()?;
        text.lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    }

    /// The request body as JSON.
    pub fn request_json(&self) -> Value {
        serde_json::from_slice(&self.request_body)
            .unwrap_or_else(|e| panic!("fixture {}: request is not JSON: {e}", self.name))
    }

    /// The response body as JSON.
    pub fn response_json(&self) -> Value {
        serde_json::from_slice(&self.response_body)
            .unwrap_or_else(|e| panic!("fixture {}: response is not JSON: {e}", self.name))
    }

    /// `result` of the recorded JSON-RPC response.
    pub fn result(&self) -> Value {
        self.response_json()
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("fixture {} has no result", self.name))
    }

    /// `error.data` of the recorded JSON-RPC response.
    pub fn error_data(&self) -> Value {
        self.response_json()
            .pointer("/error/data")
            .cloned()
            .unwrap_or_else(|| panic!("fixture {} has no error.data", self.name))
    }
}

/// Every fixture name in the directory, sorted.
pub fn all_fixture_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".request.headers.txt"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}
