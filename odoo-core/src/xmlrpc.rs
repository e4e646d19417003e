//! The XML-RPC codec, on quick-xml.
//!
//! General XML-RPC crates fail on what Odoo sends: string `faultCode`s,
//! entities in strings, untyped `<value>text</value>`, `<nil/>`. This codec
//! reads every form the specification and Odoo's servers use (`int`, `i4`,
//! `i8`, `boolean`, `double`, `string`, untyped text, `array`, `struct`,
//! `nil`, `base64`, `dateTime.iso8601`) and writes the same set.
//!
//! [`XmlValue`] keeps the XML-RPC types; it converts to and from the wire
//! [`Value`](crate::Value) the rest of the SDK uses: base64 becomes base64
//! text and `dateTime.iso8601` becomes Odoo's `"YYYY-MM-DD HH:MM:SS"`, the
//! forms Odoo itself uses over JSON.

use std::borrow::Cow;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use quick_xml::events::Event;
use serde_json::{Map, Number, Value};

/// A value with its XML-RPC type.
#[derive(Debug, Clone, PartialEq)]
pub enum XmlValue {
    /// `<int>`, `<i4>`, `<i8>`
    Int(i64),
    /// `<boolean>0|1</boolean>`
    Bool(bool),
    /// `<double>`
    Double(f64),
    /// `<string>` or an untyped `<value>text</value>`
    String(String),
    /// `<array><data>...</data></array>`
    Array(Vec<XmlValue>),
    /// `<struct><member>...</member></struct>`, members in order
    Struct(Vec<(String, XmlValue)>),
    /// `<nil/>`
    Nil,
    /// `<base64>`
    Base64(Vec<u8>),
    /// `<dateTime.iso8601>`, as its text (`20261124T23:11:29`)
    DateTime(String),
}

/// What an XML-RPC response holds.
#[derive(Debug, Clone, PartialEq)]
pub enum XmlResponse {
    /// `<params><param><value>` : the result.
    Success(XmlValue),
    /// `<fault>`: `faultCode` (an int, or a string on some servers) and
    /// `faultString`.
    Fault {
        /// The fault code.
        code: XmlValue,
        /// The fault string (for Odoo: a message, or a Python traceback).
        string: String,
    },
}

/// Why a document is not XML-RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlRpcError(String);

impl std::fmt::Display for XmlRpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XmlRpcError {}

fn err<T>(message: impl Into<String>) -> Result<T, XmlRpcError> {
    Err(XmlRpcError(message.into()))
}

// ------------------------------------------------------------------ encoding

/// Write a `methodCall` document.
pub fn encode_call(method: &str, params: &[XmlValue]) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>");
    escape_into(&mut out, method);
    out.push_str("</methodName>\n<params>\n");
    for p in params {
        out.push_str("<param>");
        encode_value(&mut out, p);
        out.push_str("</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    out
}

/// Write a `methodResponse` document (what a server sends).
pub fn encode_response(response: &XmlResponse) -> String {
    let mut out = String::from("<?xml version=\"1.0\"?>\n<methodResponse>\n");
    match response {
        XmlResponse::Success(v) => {
            out.push_str("<params>\n<param>\n");
            encode_value(&mut out, v);
            out.push_str("\n</param>\n</params>\n");
        }
        XmlResponse::Fault { code, string } => {
            out.push_str("<fault>\n");
            encode_value(
                &mut out,
                &XmlValue::Struct(vec![
                    ("faultCode".into(), code.clone()),
                    ("faultString".into(), XmlValue::String(string.clone())),
                ]),
            );
            out.push_str("\n</fault>\n");
        }
    }
    out.push_str("</methodResponse>\n");
    out
}

/// Write one `<value>` element.
pub fn encode_value(out: &mut String, value: &XmlValue) {
    out.push_str("<value>");
    match value {
        XmlValue::Int(n) => {
            // <int> is 32-bit in the specification; Python reads <i8> too.
            let tag = if i32::try_from(*n).is_ok() {
                "int"
            } else {
                "i8"
            };
            let _ = write!(out, "<{tag}>{n}</{tag}>");
        }
        XmlValue::Bool(b) => {
            let _ = write!(out, "<boolean>{}</boolean>", u8::from(*b));
        }
        XmlValue::Double(d) => {
            let _ = write!(out, "<double>{d:?}</double>");
        }
        XmlValue::String(s) => {
            out.push_str("<string>");
            escape_into(out, s);
            out.push_str("</string>");
        }
        XmlValue::Array(items) => {
            out.push_str("<array><data>");
            for item in items {
                encode_value(out, item);
            }
            out.push_str("</data></array>");
        }
        XmlValue::Struct(members) => {
            out.push_str("<struct>");
            for (name, v) in members {
                out.push_str("<member><name>");
                escape_into(out, name);
                out.push_str("</name>");
                encode_value(out, v);
                out.push_str("</member>");
            }
            out.push_str("</struct>");
        }
        XmlValue::Nil => out.push_str("<nil/>"),
        XmlValue::Base64(bytes) => {
            out.push_str("<base64>");
            out.push_str(&STANDARD.encode(bytes));
            out.push_str("</base64>");
        }
        XmlValue::DateTime(text) => {
            out.push_str("<dateTime.iso8601>");
            escape_into(out, text);
            out.push_str("</dateTime.iso8601>");
        }
    }
    out.push_str("</value>");
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Keep carriage returns: an XML parser would fold a raw one.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

// ------------------------------------------------------------------ decoding

/// The element names of XML-RPC, recognised once per event so that the
/// parser compares small tags, not strings.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tag {
    MethodResponse,
    MethodCall,
    MethodName,
    Params,
    Param,
    Fault,
    Value,
    Int,
    Boolean,
    Double,
    String,
    Nil,
    Base64,
    DateTime,
    Array,
    Data,
    Struct,
    Member,
    Name,
    Other(std::string::String),
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "value" => Tag::Value,
            "member" => Tag::Member,
            "name" => Tag::Name,
            "string" => Tag::String,
            "int" | "i4" | "i8" | "i1" | "i2" => Tag::Int,
            "boolean" => Tag::Boolean,
            "double" => Tag::Double,
            "struct" => Tag::Struct,
            "array" => Tag::Array,
            "data" => Tag::Data,
            // Apache's extension namespace spells it `ex:nil`.
            "nil" | "ex:nil" => Tag::Nil,
            "base64" => Tag::Base64,
            "dateTime.iso8601" => Tag::DateTime,
            "param" => Tag::Param,
            "params" => Tag::Params,
            "fault" => Tag::Fault,
            "methodResponse" => Tag::MethodResponse,
            "methodCall" => Tag::MethodCall,
            "methodName" => Tag::MethodName,
            other => Tag::Other(other.to_owned()),
        }
    }

    fn name(&self) -> &str {
        match self {
            Tag::MethodResponse => "methodResponse",
            Tag::MethodCall => "methodCall",
            Tag::MethodName => "methodName",
            Tag::Params => "params",
            Tag::Param => "param",
            Tag::Fault => "fault",
            Tag::Value => "value",
            Tag::Int => "int",
            Tag::Boolean => "boolean",
            Tag::Double => "double",
            Tag::String => "string",
            Tag::Nil => "nil",
            Tag::Base64 => "base64",
            Tag::DateTime => "dateTime.iso8601",
            Tag::Array => "array",
            Tag::Data => "data",
            Tag::Struct => "struct",
            Tag::Member => "member",
            Tag::Name => "name",
            Tag::Other(name) => name,
        }
    }
}

/// One step of the document: an element boundary, or all the text up to
/// the next one (entities resolved), borrowed from the input when it can be.
#[derive(Debug)]
enum Token<'a> {
    Start(Tag),
    End(Tag),
    Empty(Tag),
    Text(Cow<'a, str>),
    Eof,
}

/// Deepest nesting accepted, so that hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

/// A streaming cursor over the document, with one token of look-ahead.
struct Cursor<'a> {
    reader: quick_xml::Reader<&'a [u8]>,
    peeked: Option<Token<'a>>,
}

impl<'a> Cursor<'a> {
    fn new(xml: &'a [u8]) -> Result<Self, XmlRpcError> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        // The parser checks every end tag against the grammar itself.
        reader.config_mut().check_end_names = false;
        Ok(Cursor {
            reader,
            peeked: None,
        })
    }

    /// The next token, text pieces (text, entities, CDATA) merged.
    fn next(&mut self) -> Result<Token<'a>, XmlRpcError> {
        self.read(false)
    }

    /// The next token that is not whitespace-only text: where the grammar
    /// allows only elements, blank text is layout and is skipped unread.
    fn next_significant(&mut self) -> Result<Token<'a>, XmlRpcError> {
        loop {
            match self.read(true)? {
                Token::Text(t) if t.trim().is_empty() => continue,
                other => return Ok(other),
            }
        }
    }

    fn read(&mut self, skip_blank: bool) -> Result<Token<'a>, XmlRpcError> {
        if let Some(token) = self.peeked.take() {
            return Ok(token);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let event = self
                .reader
                .read_event()
                .map_err(|e| XmlRpcError(format!("not well-formed XML: {e}")))?;
            let piece: Cow<'a, str> = match event {
                Event::Text(t) => {
                    let piece = t.into_inner();
                    if skip_blank
                        && text.is_none()
                        && piece.bytes().all(|b| b.is_ascii_whitespace())
                    {
                        continue;
                    }
                    normalize_eols(piece)
                }
                Event::CData(t) => t.into_inner(),
                Event::GeneralRef(r) => Cow::Owned(resolve_entity(&r)?.to_string()),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => continue,
                other => {
                    let token = match other {
                        Event::Start(e) => Token::Start(Tag::of(e.name().as_ref())),
                        Event::End(e) => Token::End(Tag::of(e.name().as_ref())),
                        Event::Empty(e) => Token::Empty(Tag::of(e.name().as_ref())),
                        _ => Token::Eof,
                    };
                    return Ok(match text {
                        Some(text) => {
                            self.peeked = Some(token);
                            Token::Text(text)
                        }
                        None => token,
                    });
                }
            };
            text = Some(match text {
                None => piece,
                Some(mut so_far) => {
                    so_far.to_mut().push_str(&piece);
                    so_far
                }
            });
        }
    }

    fn peek_significant(&mut self) -> Result<&Token<'a>, XmlRpcError> {
        let token = self.next_significant()?;
        Ok(self.peeked.insert(token))
    }

    fn expect_start(&mut self, tag: Tag) -> Result<(), XmlRpcError> {
        match self.next_significant()? {
            Token::Start(t) if t == tag => Ok(()),
            other => err(format!(
                "expected <{}>, found {}",
                tag.name(),
                describe(&other)
            )),
        }
    }

    fn expect_end(&mut self, tag: Tag) -> Result<(), XmlRpcError> {
        match self.next_significant()? {
            Token::End(t) if t == tag => Ok(()),
            other => err(format!(
                "expected </{}>, found {}",
                tag.name(),
                describe(&other)
            )),
        }
    }

    /// The text up to `</tag>` (empty when the element is empty).
    fn text_until_end(&mut self, tag: Tag) -> Result<Cow<'a, str>, XmlRpcError> {
        match self.next()? {
            Token::Text(t) => {
                self.expect_end(tag)?;
                Ok(t)
            }
            Token::End(t) if t == tag => Ok(Cow::Borrowed("")),
            other => err(format!(
                "expected text in <{}>, found {}",
                tag.name(),
                describe(&other)
            )),
        }
    }
}

/// XML's end-of-line rule: `\r\n` and `\r` read as `\n`. Odoo sends
/// neither, so the common case is one quick scan and no copy.
fn normalize_eols(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.as_bytes().contains(&b'\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn resolve_entity(r: &quick_xml::events::BytesRef<'_>) -> Result<char, XmlRpcError> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| XmlRpcError(format!("bad character reference: {e}")))?
    {
        return Ok(c);
    }
    match r.xml10_content().as_ref() {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => err(format!("unknown entity &{other};")),
    }
}

fn describe(token: &Token<'_>) -> std::string::String {
    match token {
        Token::Start(t) => format!("<{}>", t.name()),
        Token::End(t) => format!("</{}>", t.name()),
        Token::Empty(t) => format!("<{}/>", t.name()),
        Token::Text(t) => format!(
            "text {:?}",
            t.chars().take(40).collect::<std::string::String>()
        ),
        Token::Eof => "the end of the document".into(),
    }
}

/// Read a `methodResponse` document.
///
/// # Errors
///
/// When the bytes are not a well-formed XML-RPC response.
pub fn decode_response(xml: &[u8]) -> Result<XmlResponse, XmlRpcError> {
    let mut c = Cursor::new(xml)?;
    c.expect_start(Tag::MethodResponse)?;
    let response = match c.next_significant()? {
        Token::Start(Tag::Params) => {
            c.expect_start(Tag::Param)?;
            let value = read_value(&mut c, 0)?;
            c.expect_end(Tag::Param)?;
            c.expect_end(Tag::Params)?;
            XmlResponse::Success(value)
        }
        Token::Start(Tag::Fault) => {
            let value = read_value(&mut c, 0)?;
            c.expect_end(Tag::Fault)?;
            let XmlValue::Struct(members) = value else {
                return err("a <fault> must hold a struct");
            };
            let mut code = None;
            let mut string = None;
            for (name, v) in members {
                match (name.as_str(), v) {
                    ("faultCode", v) => code = Some(v),
                    ("faultString", XmlValue::String(s)) => string = Some(s),
                    ("faultString", other) => string = Some(format!("{other:?}")),
                    _ => {}
                }
            }
            XmlResponse::Fault {
                code: code.unwrap_or(XmlValue::Int(1)),
                string: string.unwrap_or_default(),
            }
        }
        other => {
            return err(format!(
                "expected <params> or <fault>, found {}",
                describe(&other)
            ));
        }
    };
    c.expect_end(Tag::MethodResponse)?;
    match c.next_significant()? {
        Token::Eof => Ok(response),
        other => err(format!(
            "content after </methodResponse>: {}",
            describe(&other)
        )),
    }
}

/// Whether a response is a `<fault>` (read from its first elements only).
///
/// # Errors
///
/// When the document does not start as an XML-RPC response.
pub fn is_fault(xml: &[u8]) -> Result<bool, XmlRpcError> {
    let mut c = Cursor::new(xml)?;
    c.expect_start(Tag::MethodResponse)?;
    match c.next_significant()? {
        Token::Start(Tag::Fault) => Ok(true),
        Token::Start(Tag::Params) => Ok(false),
        other => err(format!(
            "expected <params> or <fault>, found {}",
            describe(&other)
        )),
    }
}

/// Read a `methodCall` document: the method name and its parameters.
///
/// # Errors
///
/// When the bytes are not a well-formed XML-RPC call.
pub fn decode_call(xml: &[u8]) -> Result<(std::string::String, Vec<XmlValue>), XmlRpcError> {
    let mut c = Cursor::new(xml)?;
    c.expect_start(Tag::MethodCall)?;
    c.expect_start(Tag::MethodName)?;
    let method = c.text_until_end(Tag::MethodName)?.trim().to_owned();
    let mut params = Vec::new();
    match c.next_significant()? {
        Token::Start(Tag::Params) => loop {
            match c.next_significant()? {
                Token::Start(Tag::Param) => {
                    params.push(read_value(&mut c, 0)?);
                    c.expect_end(Tag::Param)?;
                }
                Token::End(Tag::Params) => break,
                other => return err(format!("expected <param>, found {}", describe(&other))),
            }
        },
        Token::Empty(Tag::Params) => {}
        Token::End(Tag::MethodCall) => return Ok((method, params)),
        other => return err(format!("expected <params>, found {}", describe(&other))),
    }
    c.expect_end(Tag::MethodCall)?;
    Ok((method, params))
}

/// Read `<value>...</value>`.
fn read_value(c: &mut Cursor<'_>, depth: usize) -> Result<XmlValue, XmlRpcError> {
    if depth > MAX_DEPTH {
        return err(format!("values nested deeper than {MAX_DEPTH}"));
    }
    match c.next_significant()? {
        Token::Start(Tag::Value) => {}
        Token::Empty(Tag::Value) => return Ok(XmlValue::String(std::string::String::new())),
        other => return err(format!("expected <value>, found {}", describe(&other))),
    }
    // Untyped text, a typed element, or nothing (an empty string).
    let value = match c.next()? {
        Token::End(Tag::Value) => return Ok(XmlValue::String(std::string::String::new())),
        Token::Text(t) => {
            if t.trim().is_empty() {
                // Whitespace before a typed element, or the whole string.
                if matches!(c.peek_significant()?, Token::End(Tag::Value)) {
                    c.next_significant()?;
                    return Ok(XmlValue::String(t.into_owned()));
                }
                read_typed(c, depth)?
            } else {
                c.expect_end(Tag::Value)?;
                return Ok(XmlValue::String(t.into_owned()));
            }
        }
        Token::Eof => return err("the document ends inside a <value>"),
        token => {
            c.peeked = Some(token);
            read_typed(c, depth)?
        }
    };
    c.expect_end(Tag::Value)?;
    Ok(value)
}

fn read_typed(c: &mut Cursor<'_>, depth: usize) -> Result<XmlValue, XmlRpcError> {
    match c.next_significant()? {
        Token::Empty(tag) => match tag {
            Tag::Nil => Ok(XmlValue::Nil),
            Tag::String => Ok(XmlValue::String(std::string::String::new())),
            Tag::Array => Ok(XmlValue::Array(Vec::new())),
            Tag::Struct => Ok(XmlValue::Struct(Vec::new())),
            Tag::Base64 => Ok(XmlValue::Base64(Vec::new())),
            other => err(format!("empty <{}/> has no value", other.name())),
        },
        Token::Start(tag) => match tag {
            Tag::Int => {
                let text = c.text_until_end(Tag::Int)?;
                text.trim()
                    .parse::<i64>()
                    .map(XmlValue::Int)
                    .or_else(|_| err(format!("<int> holds {text:?}, not an integer")))
            }
            Tag::Boolean => {
                let text = c.text_until_end(Tag::Boolean)?;
                match text.trim() {
                    "1" | "true" => Ok(XmlValue::Bool(true)),
                    "0" | "false" => Ok(XmlValue::Bool(false)),
                    other => err(format!("<boolean> holds {other:?}, not 0 or 1")),
                }
            }
            Tag::Double => {
                let text = c.text_until_end(Tag::Double)?;
                text.trim()
                    .parse::<f64>()
                    .map(XmlValue::Double)
                    .or_else(|_| err(format!("<double> holds {text:?}, not a number")))
            }
            Tag::String => c
                .text_until_end(Tag::String)
                .map(|t| XmlValue::String(t.into_owned())),
            Tag::Nil => {
                c.expect_end(Tag::Nil)?;
                Ok(XmlValue::Nil)
            }
            Tag::Base64 => {
                let text = c.text_until_end(Tag::Base64)?;
                let compact: std::string::String = text.split_ascii_whitespace().collect();
                STANDARD
                    .decode(compact.as_bytes())
                    .map(XmlValue::Base64)
                    .or_else(|_| err("<base64> does not hold base64"))
            }
            Tag::DateTime => c
                .text_until_end(Tag::DateTime)
                .map(|t| XmlValue::DateTime(t.trim().to_owned())),
            Tag::Array => {
                let mut items = Vec::new();
                match c.next_significant()? {
                    Token::Start(Tag::Data) => loop {
                        match c.peek_significant()? {
                            Token::End(Tag::Data) => {
                                c.next_significant()?;
                                break;
                            }
                            Token::Eof => return err("the document ends inside an <array>"),
                            _ => items.push(read_value(c, depth + 1)?),
                        }
                    },
                    Token::Empty(Tag::Data) => {}
                    other => return err(format!("expected <data>, found {}", describe(&other))),
                }
                c.expect_end(Tag::Array)?;
                Ok(XmlValue::Array(items))
            }
            Tag::Struct => {
                let mut members = Vec::new();
                loop {
                    match c.next_significant()? {
                        Token::Start(Tag::Member) => {
                            c.expect_start(Tag::Name)?;
                            let name = c.text_until_end(Tag::Name)?.into_owned();
                            let value = read_value(c, depth + 1)?;
                            c.expect_end(Tag::Member)?;
                            members.push((name, value));
                        }
                        Token::End(Tag::Struct) => break,
                        other => {
                            return err(format!("expected <member>, found {}", describe(&other)));
                        }
                    }
                }
                Ok(XmlValue::Struct(members))
            }
            other => err(format!("unknown XML-RPC type <{}>", other.name())),
        },
        other => err(format!(
            "expected a typed value, found {}",
            describe(&other)
        )),
    }
}

// ------------------------------------------------------------------ serde

impl serde::de::Error for XmlRpcError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        XmlRpcError(msg.to_string())
    }
}

/// Decode the result of a successful response straight into `T`, with no
/// intermediate tree: each XML-RPC value feeds the serde visitor as it is
/// read (`int` as an integer, `string` as a string, `array` as a sequence,
/// `struct` as a map, `nil` as unit, `base64` as its base64 text,
/// `dateTime.iso8601` as Odoo's `"YYYY-MM-DD HH:MM:SS"`).
///
/// # Errors
///
/// When the document is not a successful response, or `T` refuses a value
/// (the error then has serde's message, without the field's path).
pub fn deserialize_result<'de, T: serde::Deserialize<'de>>(
    xml: &'de [u8],
) -> Result<T, XmlRpcError> {
    deserialize_result_with(xml, |d| T::deserialize(d))
}

/// [`deserialize_result`] with the deserializer handed to `f`, so that a
/// caller can wrap it (e.g. in [`crate::decode::OdooDeserializer`]).
pub(crate) fn deserialize_result_with<'de, T>(
    xml: &'de [u8],
    f: impl FnOnce(ValueDeserializer<'_, 'de>) -> Result<T, XmlRpcError>,
) -> Result<T, XmlRpcError> {
    let mut c = Cursor::new(xml)?;
    c.expect_start(Tag::MethodResponse)?;
    match c.next_significant()? {
        Token::Start(Tag::Params) => {}
        Token::Start(Tag::Fault) => return err("the response is a fault"),
        other => return err(format!("expected <params>, found {}", describe(&other))),
    }
    c.expect_start(Tag::Param)?;
    let value = f(ValueDeserializer {
        cursor: &mut c,
        depth: 0,
    })?;
    c.expect_end(Tag::Param)?;
    c.expect_end(Tag::Params)?;
    c.expect_end(Tag::MethodResponse)?;
    Ok(value)
}

/// A serde deserializer for one `<value>` at the cursor.
pub(crate) struct ValueDeserializer<'c, 'a> {
    cursor: &'c mut Cursor<'a>,
    depth: usize,
}

impl<'a> ValueDeserializer<'_, 'a> {
    /// Feed the next value to `visitor`, consuming `<value>...</value>`.
    fn visit<V: serde::de::Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlRpcError> {
        let c = self.cursor;
        if self.depth > MAX_DEPTH {
            return err(format!("values nested deeper than {MAX_DEPTH}"));
        }
        match c.next_significant()? {
            Token::Start(Tag::Value) => {}
            Token::Empty(Tag::Value) => return visitor.visit_borrowed_str(""),
            other => return err(format!("expected <value>, found {}", describe(&other))),
        }
        let result = match c.next()? {
            Token::End(Tag::Value) => return visitor.visit_borrowed_str(""),
            Token::Text(t) if !t.trim().is_empty() => {
                c.expect_end(Tag::Value)?;
                return visit_text(t, visitor);
            }
            Token::Text(t) => {
                if matches!(c.peek_significant()?, Token::End(Tag::Value)) {
                    c.next_significant()?;
                    return visit_text(t, visitor);
                }
                visit_typed(c, self.depth, visitor)?
            }
            Token::Eof => return err("the document ends inside a <value>"),
            token => {
                c.peeked = Some(token);
                visit_typed(c, self.depth, visitor)?
            }
        };
        c.expect_end(Tag::Value)?;
        Ok(result)
    }
}

fn visit_text<'a, V: serde::de::Visitor<'a>>(
    text: Cow<'a, str>,
    visitor: V,
) -> Result<V::Value, XmlRpcError> {
    match text {
        Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
        Cow::Owned(s) => visitor.visit_string(s),
    }
}

fn visit_typed<'a, V: serde::de::Visitor<'a>>(
    c: &mut Cursor<'a>,
    depth: usize,
    visitor: V,
) -> Result<V::Value, XmlRpcError> {
    match c.next_significant()? {
        Token::Empty(tag) => match tag {
            Tag::Nil => visitor.visit_unit(),
            Tag::String | Tag::Base64 => visitor.visit_borrowed_str(""),
            Tag::Array => visitor.visit_seq(serde::de::value::SeqDeserializer::<
                std::iter::Empty<XmlValueOwnedDe>,
                XmlRpcError,
            >::new(std::iter::empty())),
            Tag::Struct => visitor.visit_map(serde::de::value::MapDeserializer::<
                std::iter::Empty<(XmlValueOwnedDe, XmlValueOwnedDe)>,
                XmlRpcError,
            >::new(std::iter::empty())),
            other => err(format!("empty <{}/> has no value", other.name())),
        },
        Token::Start(tag) => match tag {
            Tag::Int => {
                let text = c.text_until_end(Tag::Int)?;
                let n = text
                    .trim()
                    .parse::<i64>()
                    .or_else(|_| err(format!("<int> holds {text:?}, not an integer")))?;
                visitor.visit_i64(n)
            }
            Tag::Boolean => {
                let text = c.text_until_end(Tag::Boolean)?;
                match text.trim() {
                    "1" | "true" => visitor.visit_bool(true),
                    "0" | "false" => visitor.visit_bool(false),
                    other => err(format!("<boolean> holds {other:?}, not 0 or 1")),
                }
            }
            Tag::Double => {
                let text = c.text_until_end(Tag::Double)?;
                let d = text
                    .trim()
                    .parse::<f64>()
                    .or_else(|_| err(format!("<double> holds {text:?}, not a number")))?;
                visitor.visit_f64(d)
            }
            Tag::String => {
                let text = c.text_until_end(Tag::String)?;
                visit_text(text, visitor)
            }
            Tag::Nil => {
                c.expect_end(Tag::Nil)?;
                visitor.visit_unit()
            }
            Tag::Base64 => {
                let text = c.text_until_end(Tag::Base64)?;
                let compact: std::string::String = text.split_ascii_whitespace().collect();
                if STANDARD.decode(compact.as_bytes()).is_err() {
                    return err("<base64> does not hold base64");
                }
                visitor.visit_string(compact)
            }
            Tag::DateTime => {
                let text = c.text_until_end(Tag::DateTime)?;
                visitor.visit_string(odoo_datetime(text.trim()))
            }
            Tag::Array => {
                let value = match c.next_significant()? {
                    Token::Start(Tag::Data) => {
                        let mut seq = SeqAccess {
                            cursor: &mut *c,
                            depth,
                            done: false,
                        };
                        let value = visitor.visit_seq(&mut seq)?;
                        // Skip what the visitor did not want.
                        while !seq.done {
                            use serde::de::SeqAccess as _;
                            if seq.next_element::<serde::de::IgnoredAny>()?.is_none() {
                                break;
                            }
                        }
                        value
                    }
                    Token::Empty(Tag::Data) => {
                        visitor.visit_seq(serde::de::value::SeqDeserializer::<
                            std::iter::Empty<XmlValueOwnedDe>,
                            XmlRpcError,
                        >::new(std::iter::empty()))?
                    }
                    other => return err(format!("expected <data>, found {}", describe(&other))),
                };
                c.expect_end(Tag::Array)?;
                Ok(value)
            }
            Tag::Struct => {
                let mut map = MapAccess {
                    cursor: &mut *c,
                    depth,
                    done: false,
                };
                let value = visitor.visit_map(&mut map)?;
                while !map.done {
                    use serde::de::MapAccess as _;
                    if map
                        .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                        .is_none()
                    {
                        break;
                    }
                }
                Ok(value)
            }
            other => err(format!("unknown XML-RPC type <{}>", other.name())),
        },
        other => err(format!(
            "expected a typed value, found {}",
            describe(&other)
        )),
    }
}

/// Stand-in element type for empty sequences and maps.
type XmlValueOwnedDe = serde::de::value::UnitDeserializer<XmlRpcError>;

struct SeqAccess<'c, 'a> {
    cursor: &'c mut Cursor<'a>,
    depth: usize,
    done: bool,
}

impl<'a> serde::de::SeqAccess<'a> for SeqAccess<'_, 'a> {
    type Error = XmlRpcError;
    fn next_element_seed<T: serde::de::DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, XmlRpcError> {
        if self.done {
            return Ok(None);
        }
        match self.cursor.peek_significant()? {
            Token::End(Tag::Data) => {
                self.cursor.next_significant()?;
                self.done = true;
                Ok(None)
            }
            Token::Eof => err("the document ends inside an <array>"),
            _ => seed
                .deserialize(ValueDeserializer {
                    cursor: &mut *self.cursor,
                    depth: self.depth + 1,
                })
                .map(Some),
        }
    }
}

struct MapAccess<'c, 'a> {
    cursor: &'c mut Cursor<'a>,
    depth: usize,
    done: bool,
}

impl<'a> serde::de::MapAccess<'a> for MapAccess<'_, 'a> {
    type Error = XmlRpcError;
    fn next_key_seed<K: serde::de::DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, XmlRpcError> {
        if self.done {
            return Ok(None);
        }
        match self.cursor.next_significant()? {
            Token::Start(Tag::Member) => {
                self.cursor.expect_start(Tag::Name)?;
                let name = self.cursor.text_until_end(Tag::Name)?;
                let key = match name {
                    Cow::Borrowed(s) => seed.deserialize(
                        serde::de::value::BorrowedStrDeserializer::<XmlRpcError>::new(s),
                    ),
                    Cow::Owned(s) => seed
                        .deserialize(serde::de::value::StringDeserializer::<XmlRpcError>::new(s)),
                }?;
                Ok(Some(key))
            }
            Token::End(Tag::Struct) => {
                self.done = true;
                Ok(None)
            }
            other => err(format!("expected <member>, found {}", describe(&other))),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'a>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, XmlRpcError> {
        let value = seed.deserialize(ValueDeserializer {
            cursor: &mut *self.cursor,
            depth: self.depth + 1,
        })?;
        self.cursor.expect_end(Tag::Member)?;
        Ok(value)
    }
}

impl<'de> serde::Deserializer<'de> for ValueDeserializer<'_, 'de> {
    type Error = XmlRpcError;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, XmlRpcError> {
        self.visit(visitor)
    }

    /// A string names a unit variant (as serde_json reads enums).
    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, XmlRpcError> {
        self.visit(EnumFromText(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// Hands a string value to an enum visitor as its variant name.
struct EnumFromText<V>(V);

impl<'a, V: serde::de::Visitor<'a>> serde::de::Visitor<'a> for EnumFromText<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.expecting(f)
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'a str) -> Result<V::Value, E> {
        use serde::de::IntoDeserializer as _;
        self.0
            .visit_enum(v.into_deserializer())
            .map_err(|e: serde::de::value::Error| E::custom(e))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<V::Value, E> {
        use serde::de::IntoDeserializer as _;
        self.0
            .visit_enum(v.to_owned().into_deserializer())
            .map_err(|e: serde::de::value::Error| E::custom(e))
    }
    fn visit_string<E: serde::de::Error>(self, v: std::string::String) -> Result<V::Value, E> {
        self.visit_str(&v)
    }
}

// ------------------------------------------------------------------ conversion

impl XmlValue {
    /// The wire value: base64 as base64 text, dateTime as
    /// `"YYYY-MM-DD HH:MM:SS"`, a non-finite double as `null`.
    pub fn into_value(self) -> Value {
        match self {
            XmlValue::Int(n) => Value::from(n),
            XmlValue::Bool(b) => Value::Bool(b),
            XmlValue::Double(d) => Number::from_f64(d).map_or(Value::Null, Value::Number),
            XmlValue::String(s) => Value::String(s),
            XmlValue::Array(items) => {
                Value::Array(items.into_iter().map(XmlValue::into_value).collect())
            }
            XmlValue::Struct(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k, v.into_value()))
                    .collect::<Map<String, Value>>(),
            ),
            XmlValue::Nil => Value::Null,
            XmlValue::Base64(bytes) => Value::String(STANDARD.encode(bytes)),
            XmlValue::DateTime(text) => Value::String(odoo_datetime(&text)),
        }
    }

    /// The XML-RPC form of a wire value: integers that fit as `int`/`i8`,
    /// other numbers as `double`, `null` as `nil`.
    pub fn from_value(value: &Value) -> XmlValue {
        match value {
            Value::Null => XmlValue::Nil,
            Value::Bool(b) => XmlValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => XmlValue::Int(i),
                None => XmlValue::Double(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => XmlValue::String(s.clone()),
            Value::Array(items) => {
                XmlValue::Array(items.iter().map(XmlValue::from_value).collect())
            }
            Value::Object(map) => XmlValue::Struct(
                map.iter()
                    .map(|(k, v)| (k.clone(), XmlValue::from_value(v)))
                    .collect(),
            ),
        }
    }
}

/// `20261124T23:11:29` (or with dashes) to Odoo's `2026-11-24 23:11:29`.
fn odoo_datetime(text: &str) -> String {
    let compact: String = text.chars().filter(|c| *c != '-' && *c != ':').collect();
    match compact.split_once('T') {
        Some((date, time)) if date.len() == 8 && time.len() >= 6 => format!(
            "{}-{}-{} {}:{}:{}",
            &date[0..4],
            &date[4..6],
            &date[6..8],
            &time[0..2],
            &time[2..4],
            &time[4..6]
        ),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_type() {
        let xml = br#"<?xml version="1.0"?>
<methodResponse><params><param><value><struct>
<member><name>i</name><value><int>-7</int></value></member>
<member><name>i4</name><value><i4>4</i4></value></member>
<member><name>i8</name><value><i8>9007199254740993</i8></value></member>
<member><name>b</name><value><boolean>0</boolean></value></member>
<member><name>d</name><value><double>2250.5</double></value></member>
<member><name>s</name><value><string>Fish &amp; Chips &lt;3 &#233;</string></value></member>
<member><name>u</name><value>untyped &gt; text</value></member>
<member><name>e</name><value></value></member>
<member><name>es</name><value><string/></value></member>
<member><name>n</name><value><nil/></value></member>
<member><name>b64</name><value><base64>bm90IGFu
IGltYWdl</base64></value></member>
<member><name>dt</name><value><dateTime.iso8601>20261124T23:11:29</dateTime.iso8601></value></member>
<member><name>a</name><value><array><data><value><int>1</int></value><value>x</value></data></array></value></member>
<member><name>ea</name><value><array><data>
</data></array></value></member>
</struct></value></param></params></methodResponse>"#;
        let XmlResponse::Success(v) = decode_response(xml).unwrap() else {
            panic!()
        };
        assert_eq!(
            v.into_value(),
            serde_json::json!({
                "i": -7, "i4": 4, "i8": 9007199254740993_i64, "b": false, "d": 2250.5,
                "s": "Fish & Chips <3 é", "u": "untyped > text", "e": "", "es": "",
                "n": null, "b64": "bm90IGFuIGltYWdl", "dt": "2026-11-24 23:11:29",
                "a": [1, "x"], "ea": []
            })
        );
    }

    #[test]
    fn reads_int_and_string_fault_codes() {
        let xml = b"<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>3</int></value></member><member><name>faultString</name><value><string>Access Denied</string></value></member></struct></value></fault></methodResponse>";
        assert_eq!(
            decode_response(xml).unwrap(),
            XmlResponse::Fault {
                code: XmlValue::Int(3),
                string: "Access Denied".into()
            }
        );
        let xml = b"<methodResponse><fault><value><struct><member><name>faultCode</name><value><string>AccessDenied</string></value></member><member><name>faultString</name><value>Access denied</value></member></struct></value></fault></methodResponse>";
        assert_eq!(
            decode_response(xml).unwrap(),
            XmlResponse::Fault {
                code: XmlValue::String("AccessDenied".into()),
                string: "Access denied".into()
            }
        );
    }

    #[test]
    fn writes_and_reads_back_a_call() {
        let params = vec![
            XmlValue::String("odoo18".into()),
            XmlValue::Int(2),
            XmlValue::String("a<b&c>".into()),
            XmlValue::Array(vec![XmlValue::Array(vec![XmlValue::Int(22)])]),
            XmlValue::Struct(vec![("fields".into(), XmlValue::Array(vec![]))]),
            XmlValue::Nil,
            XmlValue::Base64(b"\x00\x01".to_vec()),
            XmlValue::DateTime("20261124T23:11:29".into()),
            XmlValue::Double(0.1),
            XmlValue::Bool(true),
            XmlValue::Int(1 << 40),
        ];
        let xml = encode_call("execute_kw", &params);
        assert!(xml.contains("<string>a&lt;b&amp;c&gt;</string>"));
        assert!(xml.contains("<i8>1099511627776</i8>"));
        assert_eq!(
            decode_call(xml.as_bytes()).unwrap(),
            ("execute_kw".into(), params)
        );
    }

    #[test]
    fn refuses_garbage_with_a_reason() {
        for bad in [
            &b"not xml at all"[..],
            b"<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
            b"<methodResponse><params><param><value><wat>1</wat></value></param></params></methodResponse>",
            b"<methodResponse>",
            b"",
        ] {
            assert!(decode_response(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = format!(
            "<methodResponse><params><param>{}{}</param></params></methodResponse>",
            "<value><array><data>".repeat(1000),
            "</data></array></value>".repeat(1000)
        );
        assert!(decode_response(deep.as_bytes()).is_err());
    }
}
