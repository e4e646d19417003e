//! `odoo-mock`: run the embedded Odoo 18 compatible server until Ctrl-C.

use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "odoo-mock",
    about = "An embedded Odoo 18 compatible server (JSON-RPC)"
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8069)]
    port: u16,
    /// Database name.
    #[arg(long, default_value = "odoo18")]
    db: String,
    /// API key for a user, as LOGIN=KEY (repeatable).
    #[arg(long = "api-key", value_name = "LOGIN=KEY")]
    api_key: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut builder = odoo_mock::MockServer::builder()
        .port(args.port)
        .database(args.db);
    for pair in &args.api_key {
        let Some((login, key)) = pair.split_once('=') else {
            return Err(format!("--api-key must look like LOGIN=KEY, got {pair:?}").into());
        };
        builder = builder.api_key(login, key);
    }
    let server = builder.start().await?;
    println!("odoo-mock listening on {}", server.url());
    println!("database: {}", server.database());
    println!("users (login / password / uid):");
    for u in server.users() {
        println!("  {} / {} / {}  ({})", u.login, u.password, u.uid, u.name);
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
