//! The server's version, as `common.version` reports it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What `common.version` answers: `{"server_version": "18.0",
/// "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0",
/// "protocol_version": 1}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerVersion {
    /// The version string, e.g. `18.0` or `saas~17.4`.
    pub server_version: String,
    /// `[major, minor, micro, release level, serial, edition]`.
    pub server_version_info: Vec<Value>,
    /// The series, e.g. `18.0`.
    #[serde(default)]
    pub server_serie: String,
    /// The RPC protocol version (1).
    #[serde(default)]
    pub protocol_version: i64,
}

impl ServerVersion {
    /// The major version (18 for `18.0`, 17 for `saas~17.4`), when known.
    pub fn major(&self) -> Option<u32> {
        if let Some(major) = self.server_version_info.first().and_then(Value::as_u64) {
            return u32::try_from(major).ok();
        }
        let digits: String = self
            .server_version
            .trim_start_matches("saas~")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn major_from_info_or_string() {
        let v: ServerVersion = serde_json::from_value(json!({
            "server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
            "server_serie": "18.0", "protocol_version": 1
        }))
        .unwrap();
        assert_eq!(v.major(), Some(18));
        let v = ServerVersion {
            server_version: "saas~17.4".into(),
            server_version_info: vec![],
            server_serie: String::new(),
            protocol_version: 1,
        };
        assert_eq!(v.major(), Some(17));
    }
}
