//! `POST /xmlrpc/2/<service>`: Odoo's XML-RPC endpoints.
//!
//! Faults carry only a code and a string, so the exception is recovered
//! from them as Odoo builds them: 3 is `AccessDenied`, 4 `AccessError`, 2 a
//! `UserError` or `MissingError` (message only), 1 anything else, with the
//! Python traceback in the string, whose last line names the exception.

use std::time::Instant;

use serde_json::Value;

use super::{CallSite, Reply};
use crate::error::{
    AccessDeniedError, Error, ProtocolError, ServerError, ServerErrorKind, TransportError,
};
use crate::http::Http;
use crate::xmlrpc::{self, XmlResponse, XmlValue};

/// Call `service.method(params)` over XML-RPC.
pub(crate) async fn call(
    http: &Http,
    service: &str,
    method: &str,
    params: &[XmlValue],
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    let url = http.url(&format!("xmlrpc/2/{service}"))?;
    let body = xmlrpc::encode_call(method, params).into_bytes();
    let started = Instant::now();
    let what = site.describe(service, method);
    let outgoing = super::service_request(&url, "text/xml", body, (service, method), site, &what);
    let result = super::exchange(http, &outgoing, site, parse_reply).await;
    tracing::debug!(
        target: "odoo::xmlrpc",
        service,
        method,
        model = site.model.unwrap_or(""),
        model_method = site.method.unwrap_or(""),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = result.is_ok(),
        "call"
    );
    result
}

/// The parameters of `object.execute_kw` (keyword arguments only when
/// there are some, as Odoo's own clients send them).
pub(crate) fn execute_kw_params(
    database: &str,
    uid: i64,
    secret: &str,
    model: &str,
    method: &str,
    args: &[Value],
    kwargs: &serde_json::Map<String, Value>,
) -> Vec<XmlValue> {
    let mut params = vec![
        XmlValue::String(database.to_owned()),
        XmlValue::Int(uid),
        XmlValue::String(secret.to_owned()),
        XmlValue::String(model.to_owned()),
        XmlValue::String(method.to_owned()),
        XmlValue::Array(args.iter().map(XmlValue::from_value).collect()),
    ];
    if !kwargs.is_empty() {
        params.push(XmlValue::from_value(&Value::Object(kwargs.clone())));
    }
    params
}

pub(crate) fn parse_reply(
    status: u16,
    body: bytes::Bytes,
    url: &str,
    database: &str,
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    let not_xmlrpc = |e: xmlrpc::XmlRpcError| {
        if status != 200 {
            Error::from(TransportError::status(url, status, &body))
        } else {
            Error::from(ProtocolError::new(
                format!("not an XML-RPC response ({e})"),
                &body,
            ))
        }
    };
    // A result is decoded later, streaming into the caller's type; a fault
    // is read now.
    if !xmlrpc::is_fault(&body).map_err(not_xmlrpc)? {
        return Ok(Reply::Xml(body));
    }
    match xmlrpc::decode_response(&body).map_err(not_xmlrpc)? {
        XmlResponse::Fault { code, string } => Err(fault_error(&code, string, database, site)),
        XmlResponse::Success(value) => Ok(Reply::Value(value.into_value())),
    }
}

/// Map an Odoo XML-RPC fault to an [`Error`].
pub(crate) fn fault_error(
    code: &XmlValue,
    string: String,
    database: &str,
    site: CallSite<'_>,
) -> Error {
    let (name, message, debug, number) = match code {
        XmlValue::Int(3) => (
            "odoo.exceptions.AccessDenied".to_owned(),
            string,
            String::new(),
            3,
        ),
        XmlValue::Int(4) => (
            "odoo.exceptions.AccessError".to_owned(),
            string,
            String::new(),
            4,
        ),
        XmlValue::Int(2) => {
            // Odoo folds MissingError into code 2 with UserError; its fixed
            // first sentence tells them apart (English servers).
            let name = if string.starts_with("Record does not exist or has been deleted") {
                "odoo.exceptions.MissingError"
            } else {
                "odoo.exceptions.UserError"
            };
            (name.to_owned(), string, String::new(), 2)
        }
        XmlValue::Int(n) => {
            let (name, message) = exception_from_traceback(&string);
            (name, message, string, *n)
        }
        // Some servers send the exception as a string code.
        XmlValue::String(text) => {
            let name = match text.as_str() {
                "AccessDenied" => "odoo.exceptions.AccessDenied".to_owned(),
                t if t.starts_with("warning") || t.starts_with("UserError") => {
                    "odoo.exceptions.UserError".to_owned()
                }
                t if t.contains("AccessError") => "odoo.exceptions.AccessError".to_owned(),
                _ => exception_from_traceback(&string).0,
            };
            let message = if string.contains("Traceback (most recent call last)") {
                exception_from_traceback(&string).1
            } else {
                string.clone()
            };
            (name, message, string, 1)
        }
        _ => {
            let (name, message) = exception_from_traceback(&string);
            (name, message, string, 1)
        }
    };
    let server = ServerError::new(name, message, site.model, site.method)
        .with_code(number)
        .with_debug(debug);
    if server.kind() == ServerErrorKind::AccessDenied {
        Error::from(AccessDeniedError::new(site.login, database, Some(server)))
    } else {
        Error::from(server)
    }
}

/// The exception's qualified name and message from a Python traceback's
/// last line (`AttributeError: The method ...`, `odoo.exceptions.X: ...`).
fn exception_from_traceback(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    // The exception line is the last one that starts in column 0 with
    // `Name: message` or `pkg.Name: message`; the message may go on below.
    for (i, line) in lines.iter().enumerate().rev() {
        if line.starts_with(' ') || line.starts_with("Traceback") {
            continue;
        }
        if let Some((head, rest)) = line.split_once(": ")
            && !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            let name = if head.contains('.') {
                head.to_owned()
            } else {
                format!("builtins.{head}")
            };
            let mut message = rest.to_owned();
            for more in &lines[i + 1..] {
                message.push('\n');
                message.push_str(more);
            }
            return (name, message);
        }
    }
    ("builtins.Exception".to_owned(), text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_exceptions() {
        let site = CallSite {
            model: Some("res.partner"),
            method: Some("write"),
            login: Some("admin"),
        };
        let e = fault_error(&XmlValue::Int(3), "Access Denied".into(), "db", site);
        assert!(e.is_access_denied());
        let e = fault_error(&XmlValue::Int(4), "nope".into(), "db", site);
        assert!(e.is_access_error());
        let e = fault_error(
            &XmlValue::Int(2),
            "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)"
                .into(),
            "db",
            site,
        );
        assert_eq!(e.server_kind(), Some(ServerErrorKind::MissingError));
        let e = fault_error(&XmlValue::Int(2), "You can not delete".into(), "db", site);
        assert_eq!(e.server_kind(), Some(ServerErrorKind::UserError));
        let tb = "Traceback (most recent call last):\n  File \"x\", line 1\n    raise X\nAttributeError: The method 'x' does not exist\n";
        let e = fault_error(&XmlValue::Int(1), tb.into(), "db", site);
        let s = e.as_server().unwrap();
        assert_eq!(s.name(), "builtins.AttributeError");
        assert_eq!(s.message(), "The method 'x' does not exist");
        assert_eq!(s.kind(), ServerErrorKind::UnknownMethod);
        assert!(s.debug_text().contains("Traceback"));
        let tb = "Traceback (most recent call last):\n  File \"x\"\nodoo.exceptions.ValidationError: Bad\nsecond line";
        let e = fault_error(&XmlValue::Int(1), tb.into(), "db", site);
        assert_eq!(e.as_server().unwrap().message(), "Bad\nsecond line");
        assert_eq!(e.server_kind(), Some(ServerErrorKind::ValidationError));
        let e = fault_error(
            &XmlValue::String("AccessDenied".into()),
            "Access denied".into(),
            "db",
            site,
        );
        assert!(e.is_access_denied());
    }
}
