//! The generated `SaleOrder::search(&session)` on the embedded server.
#![allow(clippy::unwrap_used)]
use codegen_build::models::{SaleOrder, SaleOrderState};

#[tokio::test]
async fn generated_models_search_the_embedded_server() {
    let server = odoo_mock::MockServer::start().await.unwrap();
    let client = odoo::Client::builder(server.url())
        .database(server.database())
        .build()
        .unwrap();
    let alice = client.login("alice", "alice").await.unwrap();
    let report = codegen_build::report(&alice).await.unwrap();
    let names: Vec<&str> = report.orders.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["S00021", "S00022", "S00023"]);
    assert_eq!(report.orders[0].state, Some(SaleOrderState::Sale));
    assert_eq!(report.first_customer.as_deref(), Some("Azure Interior"));
    assert_eq!(report.first_lines, 2);

    // Every order, read as admin with every generated field, decodes.
    let admin = client.login("admin", "admin").await.unwrap();
    let all = SaleOrder::search(&admin).all().await.unwrap();
    assert!(all.len() >= 20, "{}", all.len());
}
