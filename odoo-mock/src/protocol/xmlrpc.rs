//! `/xmlrpc/2/<service>` and the legacy `/xmlrpc/<service>`: an XML-RPC codec
//! (every value type of the spec plus Python's `nil` and `i8`) and Odoo's
//! response and fault shapes.
//!
//! Responses are byte-for-byte what Odoo 18 sends (Python's
//! `xmlrpc.client.Marshaller` with `allow_none=False`, wrapped by Odoo's
//! `dumps`): `false` is `<boolean>0</boolean>`, dates travel as `<string>`,
//! and a `None` result becomes a fault, as on a real server.
//! Faults: `/xmlrpc/2` sends integer faultCodes (3 AccessDenied, 4
//! AccessError, 2 UserError and its subclasses, 1 anything else with the
//! traceback as faultString); the legacy `/xmlrpc` sends Odoo's string
//! faultCodes (`warning -- AccessError\n\n<message>` ...).

use serde_json::{Map, Number, Value};

use crate::faults::Fault;
use crate::orm::Database;

/// One XML-RPC value, with every type the codec knows.
#[derive(Debug, Clone, PartialEq)]
pub enum XmlRpcValue {
    /// `<int>`, `<i4>`, `<i8>` (also `<i1>`, `<i2>`, `<bigint>`).
    Int(i64),
    /// `<boolean>` (0 or 1).
    Bool(bool),
    /// `<double>` (also `<float>`, `<bigdecimal>`).
    Double(f64),
    /// `<string>` or an untyped `<value>text</value>`.
    String(String),
    /// `<nil/>`.
    Nil,
    /// `<base64>`, decoded.
    Base64(Vec<u8>),
    /// `<dateTime.iso8601>`, as sent (e.g. `20260124T10:11:12`).
    DateTime(String),
    /// `<array>`.
    Array(Vec<XmlRpcValue>),
    /// `<struct>`, members in document order.
    Struct(Vec<(String, XmlRpcValue)>),
}

/// A decoded `<methodCall>`.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// `<methodName>`.
    pub method: String,
    /// The `<param>` values.
    pub params: Vec<XmlRpcValue>,
}

/// A decoded `<methodResponse>`.
#[derive(Debug, Clone, PartialEq)]
pub enum MethodResponse {
    /// `<params>` with their values (normally one).
    Success(Vec<XmlRpcValue>),
    /// `<fault>`: faultCode (an int, or a string on the legacy endpoint) and faultString.
    Fault {
        /// `faultCode`.
        code: XmlRpcValue,
        /// `faultString`.
        string: String,
    },
}

/// A malformed XML-RPC document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlRpcError(pub String);

impl std::fmt::Display for XmlRpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XmlRpcError {}

fn err<T>(msg: impl Into<String>) -> Result<T, XmlRpcError> {
    Err(XmlRpcError(msg.into()))
}

// ---------------------------------------------------------------------------
// XML tokenizer

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Start(String),
    End(String),
    Text(String),
}

/// Replace XML entities (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` `&#xH;`).
pub fn unescape(s: &str) -> Result<String, XmlRpcError> {
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(';') else {
            return err("not well-formed (invalid token): unterminated entity");
        };
        let name = &after[..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| {
                    XmlRpcError(format!("reference to invalid character number: &{n};"))
                })?,
            n if n.starts_with('#') => n[1..]
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| {
                    XmlRpcError(format!("reference to invalid character number: &{n};"))
                })?,
            n => return err(format!("undefined entity: &{n};")),
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Escape text as Python's `xmlrpc.client.escape` does (`&`, `<`, `>`).
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn tokenize(doc: &str) -> Result<Vec<Token>, XmlRpcError> {
    let mut tokens = Vec::new();
    let mut rest = doc.strip_prefix('\u{feff}').unwrap_or(doc);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<?") {
            let Some(end) = r.find("?>") else {
                return err("unclosed processing instruction");
            };
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let Some(end) = r.find("-->") else {
                return err("unclosed comment");
            };
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let Some(end) = r.find("]]>") else {
                return err("unclosed CDATA section");
            };
            tokens.push(Token::Text(r[..end].to_string()));
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<!") {
            // DOCTYPE: internal subsets (entity declarations) are refused.
            let Some(end) = r.find('>') else {
                return err("unclosed declaration");
            };
            if r[..end].contains('[') {
                return err("DTD internal subsets are not supported");
            }
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let Some(end) = r.find('>') else {
                return err("unclosed end tag");
            };
            tokens.push(Token::End(r[..end].trim().to_string()));
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            // find the closing '>' outside quoted attribute values
            let mut quote: Option<char> = None;
            let mut end = None;
            for (i, c) in r.char_indices() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '>') => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                return err("unclosed start tag");
            };
            let inner = &r[..end];
            let empty = inner.ends_with('/');
            let inner = inner.strip_suffix('/').unwrap_or(inner);
            let name: String = inner.chars().take_while(|c| !c.is_whitespace()).collect();
            if name.is_empty() {
                return err("not well-formed (invalid token)");
            }
            tokens.push(Token::Start(name.clone()));
            if empty {
                tokens.push(Token::End(name));
            }
            rest = &r[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            tokens.push(Token::Text(unescape(&rest[..end])?));
            rest = &rest[end..];
        }
    }
    Ok(tokens)
}

// ---------------------------------------------------------------------------
// parser

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn new(doc: &[u8]) -> Result<Parser, XmlRpcError> {
        let text = std::str::from_utf8(doc)
            .map_err(|e| XmlRpcError(format!("not well-formed (invalid token): {e}")))?;
        Ok(Parser {
            tokens: tokenize(text)?,
            pos: 0,
        })
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// Skip whitespace-only text.
    fn skip_ws(&mut self) {
        while let Some(Token::Text(t)) = self.peek() {
            if t.trim().is_empty() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn expect_start(&mut self, name: &str) -> Result<(), XmlRpcError> {
        self.skip_ws();
        match self.next() {
            Some(Token::Start(n)) if n == name => Ok(()),
            other => err(format!("expected <{name}>, found {other:?}")),
        }
    }

    fn expect_end(&mut self, name: &str) -> Result<(), XmlRpcError> {
        self.skip_ws();
        match self.next() {
            Some(Token::End(n)) if n == name => Ok(()),
            other => err(format!("expected </{name}>, found {other:?}")),
        }
    }

    /// Is the next non-blank token the start of `name`?
    fn at_start(&mut self, name: &str) -> bool {
        self.skip_ws();
        matches!(self.peek(), Some(Token::Start(n)) if n == name)
    }

    /// All text up to the end tag of `name` (which is consumed).
    fn text_until_end(&mut self, name: &str) -> Result<String, XmlRpcError> {
        let mut s = String::new();
        loop {
            match self.next() {
                Some(Token::Text(t)) => s.push_str(&t),
                Some(Token::End(n)) if n == name => return Ok(s),
                other => return err(format!("unexpected {other:?} inside <{name}>")),
            }
        }
    }

    /// `<value>...</value>` (the start tag not yet consumed).
    fn value(&mut self, depth: usize) -> Result<XmlRpcValue, XmlRpcError> {
        if depth > 200 {
            return err("values nested too deeply");
        }
        self.expect_start("value")?;
        let mut text = String::new();
        loop {
            match self.next() {
                Some(Token::Text(t)) => text.push_str(&t),
                Some(Token::End(n)) if n == "value" => return Ok(XmlRpcValue::String(text)),
                Some(Token::Start(tag)) => {
                    let v = self.typed(&tag, depth)?;
                    self.expect_end("value")?;
                    return Ok(v);
                }
                other => return err(format!("unexpected {other:?} inside <value>")),
            }
        }
    }

    fn typed(&mut self, tag: &str, depth: usize) -> Result<XmlRpcValue, XmlRpcError> {
        Ok(match tag {
            "int" | "i1" | "i2" | "i4" | "i8" | "bigint" => {
                let t = self.text_until_end(tag)?;
                let t = t.trim();
                XmlRpcValue::Int(
                    t.strip_prefix('+')
                        .unwrap_or(t)
                        .parse::<i64>()
                        .map_err(|_| XmlRpcError(format!("invalid literal for int(): {t:?}")))?,
                )
            }
            "boolean" => match self.text_until_end(tag)?.as_str() {
                "0" => XmlRpcValue::Bool(false),
                "1" => XmlRpcValue::Bool(true),
                _ => return err("bad boolean value"),
            },
            "double" | "float" | "bigdecimal" => {
                let t = self.text_until_end(tag)?;
                XmlRpcValue::Double(t.trim().parse::<f64>().map_err(|_| {
                    XmlRpcError(format!("could not convert string to float: {:?}", t.trim()))
                })?)
            }
            "string" => XmlRpcValue::String(self.text_until_end(tag)?),
            "nil" => {
                self.text_until_end(tag)?;
                XmlRpcValue::Nil
            }
            "base64" => {
                use base64::Engine as _;
                let t: String = self
                    .text_until_end(tag)?
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                XmlRpcValue::Base64(
                    base64::engine::general_purpose::STANDARD
                        .decode(t.as_bytes())
                        .map_err(|e| XmlRpcError(format!("binascii.Error: {e}")))?,
                )
            }
            "dateTime.iso8601" => {
                XmlRpcValue::DateTime(self.text_until_end(tag)?.trim().to_string())
            }
            "array" => {
                let mut items = Vec::new();
                self.expect_start("data")?;
                while self.at_start("value") {
                    items.push(self.value(depth + 1)?);
                }
                self.expect_end("data")?;
                self.expect_end("array")?;
                XmlRpcValue::Array(items)
            }
            "struct" => {
                let mut members = Vec::new();
                while self.at_start("member") {
                    self.expect_start("member")?;
                    let mut name = None;
                    let mut value = None;
                    for _ in 0..2 {
                        if self.at_start("name") {
                            self.expect_start("name")?;
                            name = Some(self.text_until_end("name")?);
                        } else if self.at_start("value") {
                            value = Some(self.value(depth + 1)?);
                        }
                    }
                    self.expect_end("member")?;
                    match (name, value) {
                        (Some(n), Some(v)) => members.push((n, v)),
                        _ => return err("a <member> needs a <name> and a <value>"),
                    }
                }
                self.expect_end("struct")?;
                XmlRpcValue::Struct(members)
            }
            other => return err(format!("unknown tag {other:?}")),
        })
    }

    fn finish(&mut self) -> Result<(), XmlRpcError> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(t) => err(format!("junk after document element: {t:?}")),
        }
    }

    fn params(&mut self) -> Result<Vec<XmlRpcValue>, XmlRpcError> {
        let mut out = Vec::new();
        if !self.at_start("params") {
            return Ok(out);
        }
        self.expect_start("params")?;
        while self.at_start("param") {
            self.expect_start("param")?;
            out.push(self.value(0)?);
            self.expect_end("param")?;
        }
        self.expect_end("params")?;
        Ok(out)
    }
}

/// Decode a `<methodCall>` document.
///
/// # Errors
/// When the document is not well-formed XML-RPC.
pub fn parse_method_call(doc: &[u8]) -> Result<MethodCall, XmlRpcError> {
    let mut p = Parser::new(doc)?;
    p.expect_start("methodCall")?;
    p.expect_start("methodName")?;
    let method = p.text_until_end("methodName")?.trim().to_string();
    let params = p.params()?;
    p.expect_end("methodCall")?;
    p.finish()?;
    Ok(MethodCall { method, params })
}

/// Decode a `<methodResponse>` document.
///
/// # Errors
/// When the document is not well-formed XML-RPC.
pub fn parse_method_response(doc: &[u8]) -> Result<MethodResponse, XmlRpcError> {
    let mut p = Parser::new(doc)?;
    p.expect_start("methodResponse")?;
    let out = if p.at_start("fault") {
        p.expect_start("fault")?;
        let v = p.value(0)?;
        p.expect_end("fault")?;
        let XmlRpcValue::Struct(members) = v else {
            return err("a <fault> holds a struct");
        };
        let get = |k: &str| members.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let string = match get("faultString") {
            Some(XmlRpcValue::String(s)) => s,
            _ => String::new(),
        };
        MethodResponse::Fault {
            code: get("faultCode").unwrap_or(XmlRpcValue::Int(0)),
            string,
        }
    } else {
        MethodResponse::Success(p.params()?)
    };
    p.expect_end("methodResponse")?;
    p.finish()?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// encoder

/// Python's `repr()` of a float.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = f.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        // Python: 1e+16, 1.5e-05
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    format!("{f:?}")
}

impl XmlRpcValue {
    /// Write this value as Python's marshaller does (`allow_none` = true).
    pub fn encode(&self, out: &mut String) {
        match self {
            XmlRpcValue::Int(i) => {
                out.push_str("<value><int>");
                out.push_str(&i.to_string());
                out.push_str("</int></value>\n");
            }
            XmlRpcValue::Bool(b) => {
                out.push_str(if *b {
                    "<value><boolean>1</boolean></value>\n"
                } else {
                    "<value><boolean>0</boolean></value>\n"
                });
            }
            XmlRpcValue::Double(f) => {
                out.push_str("<value><double>");
                out.push_str(&py_float_repr(*f));
                out.push_str("</double></value>\n");
            }
            XmlRpcValue::String(s) => {
                out.push_str("<value><string>");
                escape(s, out);
                out.push_str("</string></value>\n");
            }
            XmlRpcValue::Nil => out.push_str("<value><nil/></value>"),
            XmlRpcValue::Base64(bytes) => {
                use base64::Engine as _;
                out.push_str("<value><base64>\n");
                let b = base64::engine::general_purpose::STANDARD.encode(bytes);
                for chunk in b.as_bytes().chunks(76) {
                    out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
                    out.push('\n');
                }
                out.push_str("</base64></value>\n");
            }
            XmlRpcValue::DateTime(s) => {
                out.push_str("<value><dateTime.iso8601>");
                escape(s, out);
                out.push_str("</dateTime.iso8601></value>\n");
            }
            XmlRpcValue::Array(items) => {
                out.push_str("<value><array><data>\n");
                for v in items {
                    v.encode(out);
                }
                out.push_str("</data></array></value>\n");
            }
            XmlRpcValue::Struct(members) => {
                out.push_str("<value><struct>\n");
                for (k, v) in members {
                    out.push_str("<member>\n<name>");
                    escape(k, out);
                    out.push_str("</name>\n");
                    v.encode(out);
                    out.push_str("</member>\n");
                }
                out.push_str("</struct></value>\n");
            }
        }
    }

    /// The JSON value Odoo's ORM sees: nil is `null`, base64 its text,
    /// dateTime `"YYYY-MM-DD HH:MM:SS"`.
    pub fn to_json(&self) -> Value {
        match self {
            XmlRpcValue::Int(i) => Value::from(*i),
            XmlRpcValue::Bool(b) => Value::Bool(*b),
            XmlRpcValue::Double(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            XmlRpcValue::String(s) => Value::String(s.clone()),
            XmlRpcValue::Nil => Value::Null,
            XmlRpcValue::Base64(b) => {
                use base64::Engine as _;
                Value::String(base64::engine::general_purpose::STANDARD.encode(b))
            }
            XmlRpcValue::DateTime(s) => Value::String(normalize_datetime(s)),
            XmlRpcValue::Array(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            XmlRpcValue::Struct(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }

    /// The XML-RPC value of a JSON value (`null` is nil; numbers that fit an
    /// i64 are ints, others doubles).
    pub fn from_json(v: &Value) -> XmlRpcValue {
        match v {
            Value::Null => XmlRpcValue::Nil,
            Value::Bool(b) => XmlRpcValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => XmlRpcValue::Int(i),
                None => XmlRpcValue::Double(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => XmlRpcValue::String(s.clone()),
            Value::Array(a) => XmlRpcValue::Array(a.iter().map(Self::from_json).collect()),
            Value::Object(m) => XmlRpcValue::Struct(
                m.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// `20260124T10:11:12` / `2026-01-24T10:11:12` to `2026-01-24 10:11:12`.
fn normalize_datetime(s: &str) -> String {
    let compact: String = s.chars().filter(|c| *c != '-' && *c != ':').collect();
    let ok = compact.len() >= 15
        && compact.is_ascii()
        && compact[..8].chars().all(|c| c.is_ascii_digit())
        && compact[8..9].eq_ignore_ascii_case("t")
        && compact[9..15].chars().all(|c| c.is_ascii_digit());
    if !ok {
        return s.to_string();
    }
    format!(
        "{}-{}-{} {}:{}:{}",
        &compact[0..4],
        &compact[4..6],
        &compact[6..8],
        &compact[9..11],
        &compact[11..13],
        &compact[13..15]
    )
}

/// A `<methodCall>` document as Python's `xmlrpc.client.dumps` writes it.
pub fn encode_method_call(method: &str, params: &[XmlRpcValue]) -> String {
    let mut out = String::from("<?xml version='1.0'?>\n<methodCall>\n<methodName>");
    escape(method, &mut out);
    out.push_str("</methodName>\n<params>\n");
    for p in params {
        out.push_str("<param>\n");
        p.encode(&mut out);
        out.push_str("</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    out
}

fn wrap_response(inner: &str) -> String {
    format!("<?xml version=\"1.0\"?>\n<methodResponse>\n{inner}\n</methodResponse>\n")
}

/// Marshal a JSON value as Odoo's marshaller (`allow_none=False`): `None`
/// and ints outside 32 bits are refused as Python refuses them.
fn encode_odoo(v: &Value, out: &mut String, depth: usize) -> Result<(), Fault> {
    if depth > 500 {
        return Err(Fault::new(
            "builtins.RecursionError",
            "maximum recursion depth exceeded",
        ));
    }
    match v {
        Value::Null => {
            return Err(Fault::type_error(
                "cannot marshal None unless allow_none is enabled",
            ));
        }
        Value::Bool(b) => XmlRpcValue::Bool(*b).encode(out),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if i32::try_from(i).is_err() {
                    return Err(Fault::new(
                        "builtins.OverflowError",
                        "int exceeds XML-RPC limits",
                    ));
                }
                XmlRpcValue::Int(i).encode(out);
            } else if n.is_u64() {
                return Err(Fault::new(
                    "builtins.OverflowError",
                    "int exceeds XML-RPC limits",
                ));
            } else {
                XmlRpcValue::Double(n.as_f64().unwrap_or(0.0)).encode(out);
            }
        }
        Value::String(s) => XmlRpcValue::String(s.clone()).encode(out),
        Value::Array(items) => {
            out.push_str("<value><array><data>\n");
            for i in items {
                encode_odoo(i, out, depth + 1)?;
            }
            out.push_str("</data></array></value>\n");
        }
        Value::Object(m) => {
            out.push_str("<value><struct>\n");
            for (k, v) in m {
                out.push_str("<member>\n<name>");
                escape(k, out);
                out.push_str("</name>\n");
                encode_odoo(v, out, depth + 1)?;
                out.push_str("</member>\n");
            }
            out.push_str("</struct></value>\n");
        }
    }
    Ok(())
}

/// The `<methodResponse>` Odoo sends for a successful call returning `v`.
///
/// # Errors
/// When Odoo could not marshal `v` (a `None`, an int beyond 32 bits).
pub fn encode_response(v: &Value) -> Result<String, Fault> {
    let mut inner = String::from("<params>\n<param>\n");
    encode_odoo(v, &mut inner, 0)?;
    inner.push_str("</param>\n</params>\n");
    Ok(wrap_response(&inner))
}

/// The `<methodResponse>` of a fault with the given code and string.
pub fn encode_fault(code: &XmlRpcValue, string: &str) -> String {
    let mut inner = String::from("<fault>\n");
    XmlRpcValue::Struct(vec![
        ("faultCode".into(), code.clone()),
        ("faultString".into(), XmlRpcValue::String(string.into())),
    ])
    .encode(&mut inner);
    inner.push_str("</fault>\n");
    wrap_response(&inner)
}

const XMLRPC_TRACEBACK_HEAD: &str = "Traceback (most recent call last):
  File \"/opt/odoo/odoo18/odoo/addons/base/controllers/rpc.py\", line 161, in xmlrpc_2
    response = self._xmlrpc(service)
               ^^^^^^^^^^^^^^^^^^^^^
  File \"/opt/odoo/odoo18/odoo/addons/base/controllers/rpc.py\", line 139, in _xmlrpc
    result = dispatch_rpc(service, method, params)
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File \"/opt/odoo/odoo18/odoo/http.py\", line 398, in dispatch_rpc
    return dispatch(method, params)
           ^^^^^^^^^^^^^^^^^^^^^^^^
";

fn is_user_error_family(name: &str) -> bool {
    matches!(
        name,
        "odoo.exceptions.UserError"
            | "odoo.exceptions.MissingError"
            | "odoo.exceptions.ValidationError"
            | "odoo.exceptions.RedirectWarning"
            | "odoo.exceptions.CacheMiss"
    )
}

/// `(faultCode, faultString)` of `/xmlrpc/2` (`xmlrpc_handle_exception_int`).
pub fn fault_int(f: &Fault) -> (XmlRpcValue, String) {
    match f.name.as_str() {
        "odoo.exceptions.AccessError" => (XmlRpcValue::Int(4), f.message.clone()),
        "odoo.exceptions.AccessDenied" => (XmlRpcValue::Int(3), f.message.clone()),
        n if is_user_error_family(n) => (XmlRpcValue::Int(2), f.message.clone()),
        _ => (XmlRpcValue::Int(1), f.traceback(XMLRPC_TRACEBACK_HEAD)),
    }
}

/// `(faultCode, faultString)` of the legacy `/xmlrpc` (`xmlrpc_handle_exception_string`).
pub fn fault_string(f: &Fault) -> (XmlRpcValue, String) {
    let warn = |kind: &str| {
        (
            XmlRpcValue::String(format!("warning -- {kind}\n\n{}", f.message)),
            String::new(),
        )
    };
    match f.name.as_str() {
        "odoo.exceptions.RedirectWarning" => warn("Warning"),
        "odoo.exceptions.MissingError" => warn("MissingError"),
        "odoo.exceptions.AccessError" => warn("AccessError"),
        "odoo.exceptions.AccessDenied" => (
            XmlRpcValue::String("AccessDenied".into()),
            f.message.clone(),
        ),
        n if is_user_error_family(n) => warn("UserError"),
        _ => (
            XmlRpcValue::String(f.message.clone()),
            f.traceback(XMLRPC_TRACEBACK_HEAD),
        ),
    }
}

/// Serve one XML-RPC request body for `service` as Odoo `version`; `legacy`
/// selects the string faultCodes of `/xmlrpc/<service>`. Returns the response document.
pub fn handle(db: &Database, version: u32, service: &str, legacy: bool, body: &[u8]) -> String {
    let result = parse_method_call(body)
        .map_err(|e| Fault::new("xml.parsers.expat.ExpatError", e.0))
        .and_then(|call| {
            let args: Vec<Value> = call.params.iter().map(XmlRpcValue::to_json).collect();
            super::dispatch_rpc(db, version, "xmlrpc", service, &call.method, args)
        })
        .and_then(|v| encode_response(&v));
    match result {
        Ok(doc) => doc,
        Err(f) => {
            let (code, string) = if legacy {
                fault_string(&f)
            } else {
                fault_int(&f)
            };
            encode_fault(&code, &string)
        }
    }
}
