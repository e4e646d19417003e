//! Two users, two sessions, one client: alice and bob each list, change and
//! save their own sale orders with `#[derive(Model)]` active records, and
//! neither sees the other's.
//!
//! Starts the embedded Odoo-compatible server (odoo-mock) in this process,
//! unless `ODOO_URL` points at a real Odoo 18 (with `ODOO_DB` and the users'
//! passwords in `ODOO_PASSWORD_ALICE` / `ODOO_PASSWORD_BOB`).
//!
//! ```text
//! cargo run --example multi_user
//! ```

use odoo::{Client, DateTime, Model, Record, Ref, Refs, Selection, Session};

/// `sale.order.state`: the keys this program knows, and any other.
#[derive(Debug, Clone, PartialEq, Selection)]
enum SaleOrderState {
    Draft,
    Sent,
    Sale,
    Cancel,
    Unknown(String),
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "res.partner")]
struct ResPartner {
    name: String,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order.line")]
struct SaleOrderLine {
    name: String,
    product_uom_qty: f64,
}

/// The fields of `sale.order` this program needs; the SDK reads only these.
#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    partner_id: Ref<ResPartner>,
    order_line: Refs<SaleOrderLine>,
    #[odoo(readonly)]
    state: SaleOrderState,
    date_order: DateTime,
    #[odoo(readonly)]
    amount_total: f64,
    note: Option<String>,
}

/// What each user does, in their own session: list, change, save, follow
/// relations. Returns the lines to print.
async fn work(session: Session) -> odoo::Result<Vec<String>> {
    let who = session.login().to_owned();
    let mut out = Vec::new();
    let orders: Vec<Record<SaleOrder>> = SaleOrder::search(&session)
        .order_by(SaleOrder::NAME.asc())
        .all()
        .await?;
    out.push(format!(
        "{who} (uid {}) sees {} orders: {}",
        session.uid(),
        orders.len(),
        orders
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for mut order in orders {
        // One call for all the customers, one for all the lines.
        let customer = order.fetch(SaleOrder::PARTNER_ID).await?;
        let lines = order.fetch(SaleOrder::ORDER_LINE).await?;
        out.push(format!(
            "  {} {:?} for {}: {} lines, {:.2}",
            order.name,
            order.state,
            customer.name,
            lines.len(),
            order.amount_total
        ));
        if order.state == SaleOrderState::Draft {
            order.note = Some(format!("checked by {who}"));
            order.save().await?; // writes only `note`, as this user
            out.push(format!(
                "    saved note {:?} as {who}",
                order.note.as_deref().unwrap_or("")
            ));
        }
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
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
    let password = |login: &str| {
        std::env::var(format!("ODOO_PASSWORD_{}", login.to_uppercase()))
            .unwrap_or_else(|_| login.to_owned())
    };

    // One client (one connection pool), two users.
    let client = Client::builder(&url).database(&database).build()?;
    let alice = client.login("alice", password("alice")).await?;
    let bob = client.login("bob", password("bob")).await?;

    // Both at the same time.
    let (a, b) = tokio::join!(work(alice.clone()), work(bob.clone()));
    for line in a?.into_iter().chain(b?) {
        println!("{line}");
    }

    // Neither can read the other's orders.
    let bobs_order = SaleOrder::search(&bob).first().await?.map(|o| o.id());
    if let Some(id) = bobs_order {
        match SaleOrder::browse(&alice, id).await {
            Err(e) if e.is_access_error() => {
                println!("\nalice cannot read bob's order {id}: AccessError")
            }
            Err(e) => return Err(e.into()),
            Ok(_) => return Err("alice read bob's order".into()),
        }
    }
    Ok(())
}
