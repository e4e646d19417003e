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
    /// Default: the --schema file's version, else 18.
    #[arg(long = "odoo-version", value_parser = clap::value_parser!(u32).range(16..=19))]
    odoo_version: Option<u32>,
    /// Serve the models of this schema file (written by `odoo-codegen dump`
    /// from your own server, custom fields included) instead of the
    /// embedded one.
    #[arg(long, value_name = "FILE")]
    schema: Option<std::path::PathBuf>,
    /// Serve your own records: a directory of <model>.json files in the
    /// demo/ format (a JSON array of records as search_read returns them).
    /// Models without a file keep the version's demo records.
    #[arg(long, value_name = "DIR")]
    data: Option<std::path::PathBuf>,
    /// API key for a user, as LOGIN=KEY (repeatable).
    #[arg(long = "api-key", value_name = "LOGIN=KEY")]
    api_key: Vec<String>,
    /// Fail RPC requests like a real deployment (repeatable): KIND:N fails
    /// the next N requests, KIND:P% each request with probability P%.
    /// KIND: 429[=SECONDS] (Retry-After, default 1), 502, 503 (nginx
    /// pages), pool-error (Odoo's full connection pool), close-before (drop
    /// the connection, the call does not run), close-after (the call runs,
    /// no answer), delay=DURATION (e.g. 300ms, 2s), cut-body (the call runs,
    /// half the body is sent). E.g. --fault 429:3 --fault pool-error:10%
    /// --fault delay=300ms:5%
    #[arg(long = "fault", value_name = "KIND:N|KIND:P%", value_parser = parse_fault)]
    fault: Vec<odoo_mock::FaultSpec>,
    /// Seed of the --fault fractions (the same seed fails the same requests).
    #[arg(long = "fault-seed", value_name = "SEED")]
    fault_seed: Option<u64>,
    /// Imitate a threaded Odoo whose database pool holds N connections
    /// (`db_maxconn`): a request that finds none free fails with PoolError.
    #[arg(long = "db-maxconn", value_name = "N")]
    db_maxconn: Option<usize>,
    /// With --db-maxconn: each request holds its connection at least this
    /// many milliseconds, as real requests take time.
    #[arg(long = "service-time-ms", value_name = "MS", default_value_t = 0)]
    service_time_ms: u64,
}

fn parse_fault(value: &str) -> Result<odoo_mock::FaultSpec, String> {
    value
        .parse()
        .map_err(|e: odoo_mock::FaultSpecError| e.to_string())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("odoo-mock: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = odoo_mock::MockServer::builder()
        .port(args.port)
        .database(args.db);
    if let Some(version) = args.odoo_version {
        builder = builder.odoo_version(version);
    }
    if let Some(schema) = &args.schema {
        builder = builder.schema(schema);
    }
    if let Some(data) = &args.data {
        builder = builder.data(data);
    }
    for pair in &args.api_key {
        let Some((login, key)) = pair.split_once('=') else {
            return Err(format!("--api-key must look like LOGIN=KEY, got {pair:?}").into());
        };
        builder = builder.api_key(login, key);
    }
    for spec in &args.fault {
        builder = builder.fault(spec.clone());
    }
    if let Some(seed) = args.fault_seed {
        builder = builder.fault_seed(seed);
    }
    if let Some(connections) = args.db_maxconn {
        builder = builder.db_maxconn(
            connections,
            std::time::Duration::from_millis(args.service_time_ms),
        );
    }
    let server = builder.start().await?;
    println!("odoo-mock listening on {}", server.url());
    println!("database: {}", server.database());
    println!("imitating Odoo {}.0", server.odoo_version());
    println!("users (login / password / uid):");
    for u in server.users() {
        println!("  {} / {} / {}  ({})", u.login, u.password, u.uid, u.name);
    }
    for spec in &args.fault {
        println!("injecting fault: {spec}");
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::Parser;
    use odoo_mock::{FaultRule, InjectedFault};
    use std::time::Duration;

    #[test]
    fn fault_flags() {
        let args = Args::try_parse_from([
            "odoo-mock",
            "--fault",
            "429:3",
            "--fault",
            "pool-error:10%",
            "--fault",
            "delay=300ms:5%",
            "--fault-seed",
            "42",
        ])
        .expect("valid flags");
        assert_eq!(args.fault.len(), 3);
        assert_eq!(args.fault[0].fault, InjectedFault::too_many_requests(1));
        assert_eq!(args.fault[0].rule, FaultRule::Next(3));
        assert_eq!(args.fault[1].fault, InjectedFault::PoolError);
        assert_eq!(args.fault[1].rule, FaultRule::Fraction(0.1));
        assert_eq!(
            args.fault[2].fault,
            InjectedFault::Delay(Duration::from_millis(300))
        );
        assert_eq!(args.fault_seed, Some(42));
    }

    #[test]
    fn malformed_fault_flag() {
        for bad in [
            "teapot:3",
            "429",
            "502:often",
            "pool-error:120%",
            "delay=5:1",
        ] {
            let e = Args::try_parse_from(["odoo-mock", "--fault", bad])
                .expect_err(bad)
                .to_string();
            assert!(e.contains(bad), "{bad}: {e}");
            assert!(
                e.contains("KIND:N") && e.contains("pool-error"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn help_lists_fault() {
        let e = Args::try_parse_from(["odoo-mock", "--help"]).expect_err("help");
        let help = e.to_string();
        assert!(help.contains("--fault <KIND:N|KIND:P%>"), "{help}");
        assert!(help.contains("cut-body"), "{help}");
    }
}
