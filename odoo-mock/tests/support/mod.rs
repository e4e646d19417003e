//! What the odoo-mock tests share: a server of one version and the calls
//! they send to it.
#![allow(dead_code)]

use odoo_mock::MockServer;
use odoo_mock::protocol::xmlrpc::{
    MethodResponse, XmlRpcValue, encode_method_call, parse_method_response,
};
use serde_json::{Value, json};

/// The name of Odoo's access exception.
pub const ACCESS_ERROR: &str = "odoo.exceptions.AccessError";

/// An embedded server of one version and an HTTP client, with the calls
/// the tests send (JSON-RPC, XML-RPC, the web session).
pub struct Server {
    /// The server.
    pub server: MockServer,
    /// The client.
    pub http: reqwest::Client,
}

impl Server {
    pub async fn start(version: u32) -> Server {
        let server = MockServer::builder()
            .odoo_version(version)
            .start()
            .await
            .expect("server");
        Server {
            server,
            http: reqwest::Client::new(),
        }
    }

    pub fn uid(&self, login: &str) -> i64 {
        self.server
            .users()
            .into_iter()
            .find(|u| u.login == login)
            .unwrap_or_else(|| panic!("no user {login}"))
            .uid
    }

    /// The whole JSON-RPC response to `object.execute_kw` as `login`.
    pub async fn jsonrpc(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Value {
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.server.database(), self.uid(login), login, model, method, args, kwargs],
        }});
        self.post_json("/jsonrpc", &body, None).await
    }

    pub async fn post_json(&self, path: &str, body: &Value, cookie: Option<&str>) -> Value {
        let mut req = self
            .http
            .post(format!("{}{path}", self.server.url()))
            .json(body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let resp = req.send().await.expect("request");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("json")
    }

    /// `result` of an execute_kw that must succeed.
    pub async fn ok(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Value {
        let v = self.jsonrpc(login, model, method, args, kwargs).await;
        assert!(v.get("error").is_none(), "{login} {model}.{method}: {v}");
        v["result"].clone()
    }

    /// The AccessError message of an execute_kw that must be refused.
    pub async fn refused(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> String {
        let v = self.jsonrpc(login, model, method, args, kwargs).await;
        assert_eq!(v["error"]["data"]["name"], json!(ACCESS_ERROR), "{v}");
        let message = v["error"]["data"]["message"].as_str().expect("message");
        assert_eq!(v["error"]["data"]["arguments"], json!([message]));
        message.to_string()
    }

    /// `(faultCode, faultString)` of `/xmlrpc/2/object` `execute_kw` as `login`.
    pub async fn xmlrpc(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> MethodResponse {
        let params: Vec<XmlRpcValue> = [
            json!(self.server.database()),
            json!(self.uid(login)),
            json!(login),
            json!(model),
            json!(method),
            args,
            kwargs,
        ]
        .iter()
        .map(XmlRpcValue::from_json)
        .collect();
        let body = encode_method_call("execute_kw", &params);
        let resp = self
            .http
            .post(format!("{}/xmlrpc/2/object", self.server.url()))
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .expect("request");
        parse_method_response(&resp.bytes().await.expect("body")).expect("xml-rpc")
    }

    /// A web session cookie for `login`.
    pub async fn web_login(&self, login: &str) -> String {
        let resp = self
            .http
            .post(format!("{}/web/session/authenticate", self.server.url()))
            .json(
                &json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "db": self.server.database(), "login": login, "password": login}}),
            )
            .send()
            .await
            .expect("request");
        let cookie = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.split(';').next().filter(|c| c.starts_with("session_id=")))
            .expect("session cookie")
            .to_string();
        let v: Value = resp.json().await.expect("json");
        assert!(v["result"]["uid"].is_i64(), "{v}");
        cookie
    }

    pub async fn call_kw(
        &self,
        cookie: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Value {
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": 2, "params": {
            "model": model, "method": method, "args": args, "kwargs": kwargs}});
        self.post_json(
            &format!("/web/dataset/call_kw/{model}/{method}"),
            &body,
            Some(cookie),
        )
        .await
    }

    pub fn version(&self) -> u32 {
        self.server.odoo_version()
    }

    /// `execute_kw` as `login` over `/jsonrpc`: the result, or the error's
    /// `(exception name, message)`.
    pub async fn try_call(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Result<Value, (String, String)> {
        let answer = self.jsonrpc(login, model, method, args, kwargs).await;
        match answer.get("error") {
            Some(e) => Err((
                e["data"]["name"].as_str().unwrap_or("").to_string(),
                e["data"]["message"].as_str().unwrap_or("").to_string(),
            )),
            None => Ok(answer["result"].clone()),
        }
    }

    pub async fn call(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Value {
        let v = self.version();
        self.try_call(login, model, method, args, kwargs)
            .await
            .unwrap_or_else(|e| panic!("{v}: {model}.{method} as {login}: {e:?}"))
    }

    pub async fn fails(
        &self,
        login: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> (String, String) {
        let v = self.version();
        match self.try_call(login, model, method, args, kwargs).await {
            Ok(r) => panic!("{v}: {model}.{method} as {login} must fail, answered {r}"),
            Err(e) => e,
        }
    }
}
