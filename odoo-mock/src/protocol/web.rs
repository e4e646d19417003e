//! The web client's endpoints: `/web/session/authenticate`,
//! `/web/session/get_session_info`, `/web/session/destroy`,
//! `/web/dataset/call_kw[/<model>/<method>]` and `/web/webclient/version_info`.
//!
//! Sessions are real: authenticate stores a random 84-character session id
//! server-side with its uid and context and sets it as the `session_id`
//! cookie (`session_id=...; Expires=...; Max-Age=604800; HttpOnly; Path=/`).
//! A missing, unknown, destroyed or expired cookie gets HTTP 200 with
//! JSON-RPC error code 100 (`odoo.http.SessionExpiredException`), as Odoo does.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value, json};

use super::{Reply, adapt_fault, jsonrpc, version_info};
use crate::faults::Fault;
use crate::orm::Database;
use crate::store::as_id;

/// One web session.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSession {
    /// The logged-in user.
    pub uid: i64,
    /// Their login.
    pub login: String,
    /// The session context (`lang`, `tz`, `uid`).
    pub context: Value,
    /// The next authenticated request re-sends the cookie (as Odoo does once
    /// after a login).
    pub resend_cookie: bool,
}

/// The server-side session store.
#[derive(Debug, Default)]
pub struct WebSessions {
    sessions: Mutex<HashMap<String, WebSession>>,
    counter: AtomicU64,
}

impl WebSessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, WebSession>> {
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A fresh random 84-character session id (`[A-Za-z0-9_-]`).
    pub fn new_id(&self) -> String {
        use std::hash::{BuildHasher, Hasher};
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut out = String::with_capacity(84);
        let mut i = 0u64;
        while out.len() < 84 {
            // RandomState::new() draws fresh random SipHash keys per call.
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(n);
            h.write_u64(i);
            h.write_u128(nanos);
            let mut x = h.finish();
            for _ in 0..10 {
                out.push(char::from(ALPHABET[(x & 63) as usize]));
                x >>= 6;
            }
            i += 1;
        }
        out.truncate(84);
        out
    }

    /// Store a new session for `uid` and return its id.
    pub fn create(&self, uid: i64, login: &str, context: Value) -> String {
        let mut map = self.lock();
        let mut sid = self.new_id();
        while map.contains_key(&sid) {
            sid = self.new_id();
        }
        map.insert(
            sid.clone(),
            WebSession {
                uid,
                login: login.to_string(),
                context,
                resend_cookie: true,
            },
        );
        sid
    }

    /// The session behind `sid`, if it is alive.
    pub fn get(&self, sid: &str) -> Option<WebSession> {
        self.lock().get(sid).cloned()
    }

    /// The session behind `sid`, clearing its "re-send the cookie" flag;
    /// returns the session and whether the cookie must be re-sent now.
    fn use_session(&self, sid: &str) -> Option<(WebSession, bool)> {
        let mut map = self.lock();
        let s = map.get_mut(sid)?;
        let resend = std::mem::take(&mut s.resend_cookie);
        Some((s.clone(), resend))
    }

    /// Invalidate one session; true if it existed.
    pub fn remove(&self, sid: &str) -> bool {
        self.lock().remove(sid).is_some()
    }

    /// Invalidate every session.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many sessions are alive.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// No session alive?
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// `Set-Cookie` value for a session id, shaped like Odoo's.
pub fn session_cookie(sid: &str) -> String {
    format!(
        "session_id={sid}; Expires={}; Max-Age=604800; HttpOnly; Path=/",
        (chrono::Utc::now() + chrono::Duration::days(365)).format("%a, %d %b %Y %H:%M:%S GMT")
    )
}

/// The `session_id` cookie of a `Cookie` header.
pub fn cookie_session_id(cookie_header: Option<&str>) -> Option<&str> {
    cookie_header?
        .split(';')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(k, _)| k.trim() == "session_id")
        .map(|(_, v)| v.trim())
}

/// Is the mimetype of this Content-Type one of Odoo's JSON ones?
pub fn is_json_mimetype(content_type: Option<&str>) -> bool {
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || mime == "application/json-rpc"
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
        .replace('"', "&quot;")
}

/// Werkzeug's HTML error page.
pub fn werkzeug_page(status: u16, title: &str, description: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=en>\n<title>{status} {title}</title>\n<h1>{title}</h1>\n<p>{description}</p>\n"
    )
}

/// The 400 answer of a `type='json'` route called with another content type.
pub fn wrong_content_type(route: &str) -> Reply {
    Reply::html(
        400,
        werkzeug_page(
            400,
            "Bad Request",
            &format!(
                "Request inferred type is compatible with {} but {} is type={}.",
                html_escape("['http']"),
                html_escape(&format!("'{route}'")),
                html_escape("'json'")
            ),
        ),
    )
}

/// The 400 answer to a body that is not JSON.
pub fn invalid_json() -> Reply {
    Reply::html(400, "Invalid JSON data".to_string())
}

/// Everything a web request carries that the handlers need.
#[derive(Debug, Clone, Copy)]
pub struct WebRequest<'a> {
    /// The request path.
    pub path: &'a str,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
    /// The server's base URL (for `web.base.url`).
    pub base_url: &'a str,
}

/// Serve one `/web/...` JSON-RPC route as Odoo `version`.
pub fn handle(db: &Database, version: u32, sessions: &WebSessions, req: &WebRequest<'_>) -> Reply {
    let path = req.path;
    let route = if path == "/web/dataset/call_kw" || path.starts_with("/web/dataset/call_kw/") {
        "/web/dataset/call_kw"
    } else {
        path
    };
    if !is_json_mimetype(req.content_type) {
        return wrong_content_type(route);
    }
    let needs_user = matches!(
        route,
        "/web/dataset/call_kw" | "/web/session/get_session_info" | "/web/session/destroy"
    );
    let sid = cookie_session_id(req.cookie);
    let mut session = None;
    if needs_user {
        match sid.and_then(|s| sessions.use_session(s).map(|x| (s, x))) {
            Some(found) => session = Some(found),
            None => {
                return Reply::json(
                    200,
                    &jsonrpc::error_for(version, &Value::Null, &Fault::session_expired()),
                );
            }
        }
    }
    let Ok(parsed) = serde_json::from_slice::<Value>(req.body) else {
        return invalid_json();
    };
    let id = parsed.get("id").cloned().unwrap_or(Value::Null);
    let params = parsed
        .get("params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    match route {
        "/web/webclient/version_info" => {
            let mut r = Reply::json(200, &jsonrpc::success(&id, version_info(db, version)));
            r.set_cookie(session_cookie(&sessions.new_id()));
            r
        }
        "/web/session/authenticate" => authenticate(db, version, sessions, &id, &params, req),
        "/web/session/get_session_info" => {
            let Some((sid, (s, _))) = session else {
                return Reply::not_found();
            };
            let info = session_info(db, s.uid, req.base_url);
            let mut r = Reply::json(200, &jsonrpc::success(&id, info));
            // get_session_info touches the session: the cookie is always re-sent.
            r.set_cookie(session_cookie(sid));
            r
        }
        "/web/session/destroy" => {
            if let Some((sid, _)) = session {
                sessions.remove(sid);
            }
            let mut r = Reply::json(200, &json!({"jsonrpc": "2.0", "id": id}));
            if crate::version::of(version).destroy_clears_cids {
                r.set_cookie(format!(
                    "cids=; Expires={}; Max-Age=0; Path=/",
                    (chrono::Utc::now() + chrono::Duration::days(365))
                        .format("%a, %d %b %Y %H:%M:%S GMT")
                ));
            }
            r.set_cookie(session_cookie(&sessions.new_id()));
            r
        }
        "/web/dataset/call_kw" => {
            let Some((sid, (s, resend))) = session else {
                return Reply::not_found();
            };
            let model = params.get("model").and_then(Value::as_str).unwrap_or("");
            let method = params.get("method").and_then(Value::as_str).unwrap_or("");
            let args = match params.get("args") {
                Some(Value::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            let kwargs = match params.get("kwargs") {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            db.record_call("web", s.uid, model, method, &args, &kwargs);
            if !db.has_model(model) {
                // Real 16-19 answer werkzeug's NotFound here, not the
                // "Object ... doesn't exist" of the RPC services.
                let f = Fault::not_found();
                return Reply::json(200, &jsonrpc::error_for(version, &id, &f));
            }
            let result = super::check_context_19(db, &kwargs)
                .and_then(|()| db.execute_kw(s.uid, model, method, args, kwargs));
            let envelope = match result {
                Ok(v) => jsonrpc::success(&id, v),
                Err(f) => jsonrpc::error_for(version, &id, &adapt_fault(version, model, method, f)),
            };
            let mut r = Reply::json(200, &envelope);
            if resend {
                r.set_cookie(session_cookie(sid));
            }
            r
        }
        _ => Reply::not_found(),
    }
}

fn authenticate(
    db: &Database,
    version: u32,
    sessions: &WebSessions,
    id: &Value,
    params: &Map<String, Value>,
    req: &WebRequest<'_>,
) -> Reply {
    let dbname = params.get("db").and_then(Value::as_str).unwrap_or("");
    let login = params.get("login").and_then(Value::as_str).unwrap_or("");
    let password = params.get("password").and_then(Value::as_str).unwrap_or("");
    if dbname != db.name() {
        let f = Fault::access_error("Database not found.");
        return Reply::json(200, &jsonrpc::error_for(version, id, &f));
    }
    // The web login takes passwords only, not API keys.
    let uid = db
        .users()
        .into_iter()
        .find(|u| u.login == login && u.password == password)
        .map(|u| u.uid);
    let Some(uid) = uid else {
        return Reply::json(
            200,
            &jsonrpc::error_for(version, id, &Fault::access_denied()),
        );
    };
    let sid = sessions.create(uid, login, db.user_context(uid));
    let info = session_info(db, uid, req.base_url);
    let mut r = Reply::json(200, &jsonrpc::success(id, info));
    r.set_cookie(session_cookie(&sid));
    if version >= 19 {
        // Odoo 19 sends the same Set-Cookie twice.
        r.set_cookie(session_cookie(&sid));
    }
    r
}

fn set_path(v: &mut Value, path: &[&str], new: Value) {
    let mut cur = v;
    for (i, key) in path.iter().enumerate() {
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if i + 1 == path.len() {
            if obj.contains_key(*key) {
                obj.insert((*key).to_string(), new);
            }
            return;
        }
        let Some(next) = obj.get_mut(*key) else {
            return;
        };
        cur = next;
    }
}

/// The session info dict (`/web/session/authenticate`,
/// `/web/session/get_session_info`) of `uid`: the one the real server of
/// the database's version sent, with this user's values.
pub fn session_info(db: &Database, uid: i64, base_url: &str) -> Value {
    let mut info = db.session_info_template().clone();
    let user = db.raw_record("res.users", uid).unwrap_or_default();
    let login = user
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = user
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let partner_id = user.get("partner_id").and_then(as_id).unwrap_or(0);
    let partner = db.raw_record("res.partner", partner_id).unwrap_or_default();
    let partner_write = partner
        .get("write_date")
        .and_then(Value::as_str)
        .unwrap_or("2026-11-24 23:11:26")
        .to_string();
    let is_admin = db.is_admin(uid);
    set_path(&mut info, &["uid"], json!(uid));
    // 16 and 17 also carry `user_id: [uid]`.
    set_path(&mut info, &["user_id"], json!([uid]));
    set_path(&mut info, &["is_system"], json!(is_admin));
    set_path(&mut info, &["is_admin"], json!(is_admin));
    set_path(&mut info, &["user_context"], db.user_context(uid));
    set_path(&mut info, &["db"], json!(db.name()));
    set_path(&mut info, &["user_settings", "user_id", "id"], json!(uid));
    set_path(&mut info, &["name"], json!(name));
    set_path(&mut info, &["username"], json!(login));
    set_path(&mut info, &["partner_write_date"], json!(partner_write));
    set_path(&mut info, &["partner_display_name"], json!(name));
    set_path(&mut info, &["partner_id"], json!(partner_id));
    set_path(&mut info, &["web.base.url"], json!(base_url));
    set_path(
        &mut info,
        &["storeData", "Store", "self", "id"],
        json!(partner_id),
    );
    set_path(
        &mut info,
        &["storeData", "Store", "self_partner"],
        json!(partner_id),
    );
    set_path(
        &mut info,
        &["storeData", "Store", "settings", "user_id", "id"],
        json!(uid),
    );
    if let Some(Value::Array(partners)) = info
        .get_mut("storeData")
        .and_then(|s| s.get_mut("res.partner"))
    {
        if let Some(me) = partners.get_mut(1) {
            set_path(me, &["id"], json!(partner_id));
            set_path(me, &["name"], json!(name));
            set_path(me, &["userId"], json!(uid));
            set_path(me, &["main_user_id"], json!(uid));
            set_path(me, &["isAdmin"], json!(is_admin));
            set_path(me, &["write_date"], json!(partner_write));
        }
    }
    if let Some(Value::Array(users)) = info
        .get_mut("storeData")
        .and_then(|s| s.get_mut("res.users"))
    {
        if let Some(me) = users.get_mut(1) {
            set_path(me, &["id"], json!(uid));
            set_path(me, &["is_admin"], json!(is_admin));
            set_path(
                me,
                &["signature"],
                json!(["markup", format!("<div>{name}</div>")]),
            );
        }
    }
    info
}
