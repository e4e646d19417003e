//! The server's version, as `common.version` reports it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capabilities::Capabilities;

/// What `common.version` answers: `{"server_version": "18.0",
/// "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0",
/// "protocol_version": 1}`.
///
/// Read the version through [`major`](ServerVersion::major),
/// [`minor`](ServerVersion::minor) and [`is_saas`](ServerVersion::is_saas),
/// which read `server_version_info`: the `server_version` string varies with
/// how the server was built (a release package of 17 says
/// `"17.0-20240709"`, a hosted server `"saas~17.4"`). On saas builds Odoo
/// writes the major as a string: `["saas~17", 4, 0, "final", 0, ""]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerVersion {
    /// The version string, e.g. `18.0`, `17.0-20240709` or `saas~17.4`.
    pub server_version: String,
    /// `[major, minor, micro, release level, serial, edition]`; the major is
    /// a number (`18`) or, on saas builds, a string (`"saas~17"`).
    pub server_version_info: Vec<Value>,
    /// The series, e.g. `18.0`.
    #[serde(default)]
    pub server_serie: String,
    /// The RPC protocol version (1).
    #[serde(default)]
    pub protocol_version: i64,
}

/// A number in `server_version_info`: `18`, or `"saas~17"` (also `"17"`).
fn info_number(value: &Value) -> Option<u32> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim_start_matches("saas~").parse().ok(),
        _ => None,
    }
}

/// `(major, minor, saas)` from a version string, for servers that send no
/// `server_version_info`: `"saas~17.4"`, `"17.0-20240709"`, `"18.0+e"`.
fn from_string(version: &str) -> (Option<u32>, Option<u32>, bool) {
    let saas = version.starts_with("saas~");
    let rest = version.trim_start_matches("saas~");
    let mut parts = rest.splitn(2, '.');
    let number = |part: Option<&str>| -> Option<u32> {
        let digits: String = part?.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let major = number(parts.next());
    let minor = number(parts.next());
    (major, minor, saas)
}

impl ServerVersion {
    /// The major version: 18 for `[18, 0, ...]`, 17 for
    /// `["saas~17", 4, ...]`. From `server_version_info`; from the
    /// `server_version` string only when the server sent no info.
    pub fn major(&self) -> Option<u32> {
        match self.server_version_info.first() {
            Some(first) => info_number(first),
            None => from_string(&self.server_version).0,
        }
    }

    /// The minor version: 0 for `18.0`, 4 for `saas~17.4`. Read like
    /// [`major`](ServerVersion::major).
    pub fn minor(&self) -> Option<u32> {
        if self.server_version_info.is_empty() {
            return from_string(&self.server_version).1;
        }
        self.server_version_info.get(1).and_then(info_number)
    }

    /// Whether this is a saas build (Odoo Online's intermediate releases,
    /// `saas~17.4`): the major is written `"saas~17"`, or the minor is not 0
    /// (Odoo's on-premise releases are all `N.0`). From the string only when
    /// the server sent no info.
    pub fn is_saas(&self) -> bool {
        match self.server_version_info.first() {
            Some(Value::String(s)) if s.starts_with("saas~") => true,
            Some(_) => self.minor().is_some_and(|minor| minor != 0),
            None => from_string(&self.server_version).2,
        }
    }

    /// What this version of Odoo offers (see [`Capabilities`]), when the
    /// major version is known.
    pub fn capabilities(&self) -> Option<Capabilities> {
        self.major().map(Capabilities::for_major)
    }
}

/// `18.0`, `17.0` (also for a `17.0-20240709` package), `saas~17.4`; the
/// `server_version` string as sent when the major is unknown.
impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.major() {
            Some(major) => {
                let minor = self.minor().unwrap_or(0);
                if self.is_saas() {
                    write!(f, "saas~{major}.{minor}")
                } else {
                    write!(f, "{major}.{minor}")
                }
            }
            None => f.write_str(&self.server_version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A `common.version` result, as a real server sent it.
    fn answer(result: Value) -> ServerVersion {
        serde_json::from_value(result).unwrap()
    }

    fn from_string_only(version: &str) -> ServerVersion {
        ServerVersion {
            server_version: version.into(),
            server_version_info: vec![],
            server_serie: String::new(),
            protocol_version: 1,
        }
    }

    #[test]
    fn real_answers_of_16_to_19() {
        // `common.version` of real servers (../shared/odooNN/wire/
        // jsonrpc_common_version.response.json).
        let cases = [
            (
                json!({"server_version": "16.0-20240327", "server_version_info": [16, 0, 0, "final", 0, ""], "server_serie": "16.0", "protocol_version": 1}),
                16,
                "16.0",
            ),
            (
                json!({"server_version": "17.0-20240709", "server_version_info": [17, 0, 0, "final", 0, ""], "server_serie": "17.0", "protocol_version": 1}),
                17,
                "17.0",
            ),
            (
                json!({"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0", "protocol_version": 1}),
                18,
                "18.0",
            ),
            (
                json!({"server_version": "19.0", "server_version_info": [19, 0, 0, "final", 0, ""], "server_serie": "19.0", "protocol_version": 1}),
                19,
                "19.0",
            ),
        ];
        for (result, major, shown) in cases {
            let v = answer(result);
            assert_eq!(v.major(), Some(major), "{v:?}");
            assert_eq!(v.minor(), Some(0), "{v:?}");
            assert!(!v.is_saas(), "{v:?}");
            assert_eq!(v.to_string(), shown);
            assert_eq!(v.capabilities().unwrap().major(), major);
        }
    }

    #[test]
    fn saas_major_written_as_a_string() {
        let v = answer(json!({
            "server_version": "saas~17.4", "server_version_info": ["saas~17", 4, 0, "final", 0, ""],
            "server_serie": "saas~17.4", "protocol_version": 1
        }));
        assert_eq!(v.major(), Some(17));
        assert_eq!(v.minor(), Some(4));
        assert!(v.is_saas());
        assert_eq!(v.to_string(), "saas~17.4");
    }

    #[test]
    fn saas_major_as_a_number() {
        let v = answer(json!({
            "server_version": "saas~18.2", "server_version_info": [18, 2, 0, "final", 0, ""],
        }));
        assert_eq!(
            (v.major(), v.minor(), v.is_saas()),
            (Some(18), Some(2), true)
        );
        assert_eq!(v.to_string(), "saas~18.2");
    }

    #[test]
    fn info_wins_over_the_string() {
        // A string that says otherwise is not read when the info is there.
        let v = answer(json!({
            "server_version": "saas~99.9", "server_version_info": [17, 0, 0, "final", 0, ""],
        }));
        assert_eq!(
            (v.major(), v.minor(), v.is_saas()),
            (Some(17), Some(0), false)
        );
        assert_eq!(v.to_string(), "17.0");
    }

    #[test]
    fn string_only_when_the_info_is_empty() {
        let v = from_string_only("saas~17.4");
        assert_eq!(
            (v.major(), v.minor(), v.is_saas()),
            (Some(17), Some(4), true)
        );
        assert_eq!(v.to_string(), "saas~17.4");
        let v = from_string_only("17.0-20240709");
        assert_eq!(
            (v.major(), v.minor(), v.is_saas()),
            (Some(17), Some(0), false)
        );
        assert_eq!(v.to_string(), "17.0");
        let v = from_string_only("18.0+e");
        assert_eq!((v.major(), v.minor()), (Some(18), Some(0)));
        let v = from_string_only("");
        assert_eq!((v.major(), v.minor(), v.is_saas()), (None, None, false));
        assert!(v.capabilities().is_none());
        assert_eq!(v.to_string(), "");
    }

    #[test]
    fn unreadable_info_gives_no_major() {
        let v = answer(json!({"server_version": "18.0", "server_version_info": [null]}));
        assert_eq!(v.major(), None);
        assert_eq!(v.to_string(), "18.0");
    }
}
