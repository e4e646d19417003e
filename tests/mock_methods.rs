//! An application's own methods on the embedded server
//! (`MockServerBuilder::method`), reached over every transport with the
//! calling user, the ids, the arguments and the context.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::sync::{Arc, Mutex};

use odoo::{Client, ServerErrorKind, Transport};
use odoo_mock::{Fault, MethodCall, MockServer};
use serde_json::{Value, json};

#[tokio::test]
async fn registered_methods_answer_over_every_transport() {
    for (transport, version) in [
        (Transport::JsonRpc, 18),
        (Transport::XmlRpc, 18),
        (Transport::WebSession, 18),
        (Transport::Json2, 19),
    ] {
        let seen: Arc<Mutex<Vec<MethodCall>>> = Arc::default();
        let log = seen.clone();
        let server = MockServer::builder()
            .odoo_version(version)
            .api_key("alice", "alice-key-0123456789")
            .method("sale.order", "action_send_to_warehouse", move |call| {
                log.lock().unwrap().push(call.clone());
                if call.ids.is_empty() {
                    return Err(Fault::user_error("Nothing to send."));
                }
                Ok(json!({"sent": call.ids, "by": call.login}))
            })
            .start()
            .await
            .unwrap();
        let client = Client::builder(server.url())
            .database(server.database())
            .transport(transport)
            .build()
            .unwrap();
        let alice = if transport == Transport::Json2 {
            client.login_api_key("alice", "alice-key-0123456789").await
        } else {
            client.login("alice", "alice").await
        }
        .unwrap();

        let answer: Value = alice
            .call("sale.order", "action_send_to_warehouse")
            .arg([21, 22])
            .kwarg("priority", "high")
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", transport.name()));
        assert_eq!(
            answer,
            json!({"sent": [21, 22], "by": "alice"}),
            "{}",
            transport.name()
        );
        let call = seen.lock().unwrap().pop().unwrap();
        assert_eq!(call.uid, alice.uid());
        assert_eq!(
            (call.model.as_str(), call.method.as_str()),
            ("sale.order", "action_send_to_warehouse")
        );
        assert_eq!(call.ids, [21, 22]);
        assert_eq!(
            call.kwargs.get("priority"),
            Some(&json!("high")),
            "{}",
            transport.name()
        );
        assert_eq!(
            call.context.get("lang"),
            Some(&json!("en_US")),
            "{}",
            transport.name()
        );

        // The handler's Odoo exception comes back as Odoo's.
        let err = alice
            .call("sale.order", "action_send_to_warehouse")
            .arg(Vec::<i64>::new())
            .await
            .map(|_: Value| ())
            .unwrap_err();
        assert_eq!(
            err.server_kind(),
            Some(ServerErrorKind::UserError),
            "{err:?}"
        );
        assert!(err.to_string().contains("Nothing to send."), "{err}");

        // The built-in methods are untouched.
        let count = alice
            .search_count("sale.order", odoo::Domain::all())
            .await
            .unwrap();
        assert_eq!(count, 3);
    }
}
