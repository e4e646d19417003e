//! `odoo-mock`: run the embedded Odoo 16-19 compatible server until Ctrl-C.

use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "odoo-mock",
    about = "An embedded Odoo 16-19 compatible server (JSON-RPC, XML-RPC, web session, JSON-2)"
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8069)]
    port: u16,
    /// Database name.
    #[arg(long, default_value = "odoo18")]
    db: String,
    /// The Odoo version to imitate, with its own demo data and users
    /// (alice uid 8 and bob 9 on 16-18, 7 and 8 on 19; 19 serves JSON-2).
    #[arg(long = "odoo-version", default_value_t = 18, value_parser = clap::value_parser!(u32).range(16..=19))]
    odoo_version: u32,
    /// API key for a user, as LOGIN=KEY (repeatable).
    #[arg(long = "api-key", value_name = "LOGIN=KEY")]
    api_key: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut builder = odoo_mock::MockServer::builder()
        .port(args.port)
        .database(args.db)
        .odoo_version(args.odoo_version);
    for pair in &args.api_key {
        let Some((login, key)) = pair.split_once('=') else {
            return Err(format!("--api-key must look like LOGIN=KEY, got {pair:?}").into());
        };
        builder = builder.api_key(login, key);
    }
    let server = builder.start().await?;
    println!("odoo-mock listening on {}", server.url());
    println!("database: {}", server.database());
    println!("imitating Odoo {}.0", server.odoo_version());
    println!("users (login / password / uid):");
    for u in server.users() {
        println!("  {} / {} / {}  ({})", u.login, u.password, u.uid, u.name);
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
