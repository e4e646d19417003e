//! Quickstart: alice and bob each read their own sale orders.
//!
//! Starts the embedded Odoo-compatible server (odoo-mock) in this process,
//! unless `ODOO_URL` points at a real Odoo 18 (with `ODOO_DB` and the users'
//! passwords in `ODOO_PASSWORD_ALICE` / `ODOO_PASSWORD_BOB`).
//!
//! ```text
//! cargo run --example quickstart
//! ```

use odoo::{Client, Date, DateTime, Domain, Many2one};
use serde::Deserialize;

/// The fields of `sale.order` this program needs; the SDK reads only these.
#[derive(Debug, Deserialize)]
struct SaleOrder {
    name: String,
    partner_id: Many2one,
    state: String,
    date_order: DateTime,
    validity_date: Option<Date>,
    amount_total: f64,
    currency_id: Many2one,
    client_order_ref: Option<String>,
}

const FIELDS: [&str; 7] = [
    "name",
    "partner_id",
    "state",
    "date_order",
    "validity_date",
    "amount_total",
    "currency_id",
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A real Odoo when ODOO_URL is set, else the embedded server.
    let (_embedded, url, database) = match std::env::var("ODOO_URL") {
        Ok(url) => {
            let db = std::env::var("ODOO_DB").unwrap_or_else(|_| "odoo18".into());
            (None, url, db)
        }
        Err(_) => {
            let server = odoo_mock::MockServer::start().await?;
            let (url, db) = (server.url().to_owned(), server.database().to_owned());
            (Some(server), url, db)
        }
    };
    println!("Odoo at {url}, database {database:?}\n");

    let client = Client::builder(&url).database(&database).build()?;
    let version = client.version().await?;
    println!("server version {}\n", version.server_version);

    for login in ["alice", "bob"] {
        let password = std::env::var(format!("ODOO_PASSWORD_{}", login.to_uppercase()))
            .unwrap_or_else(|_| login.to_owned());
        let session = client.login(login, password).await?;
        let mut fields = FIELDS.to_vec();
        fields.push("client_order_ref");
        let orders: Vec<SaleOrder> = session
            .search_read("sale.order", Domain::all())
            .fields(fields)
            .order("name")
            .await?;
        println!(
            "{login} (uid {}, lang {}, over {}) sees {} orders:",
            session.uid(),
            session.lang().unwrap_or("?"),
            session.transport().name(),
            orders.len()
        );
        for o in &orders {
            println!(
                "  {:<7} {:<18} {:<6} {:>9.2} {}  ordered {}  valid until {}  ref {}",
                o.name,
                o.partner_id.name,
                o.state,
                o.amount_total,
                o.currency_id.name,
                o.date_order,
                o.validity_date.map_or("-".to_owned(), |d| d.to_string()),
                o.client_order_ref.as_deref().unwrap_or("-"),
            );
        }
        // Another user's order is out of reach, with Odoo's own error.
        let other = if login == "alice" { 24 } else { 21 };
        match session
            .read::<SaleOrder>("sale.order", [other])
            .fields(FIELDS)
            .await
        {
            Ok(_) => println!("  !! {login} could read order {other}"),
            Err(e) if e.is_access_error() => {
                println!("  order {other} is not {login}'s: AccessError, as Odoo says")
            }
            Err(e) => return Err(e.into()),
        }
        println!();
    }

    // A wrong password is a typed error, not `false`.
    match client.login("alice", "not-her-password").await {
        Err(e) if e.is_access_denied() => println!("wrong password: {e}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
