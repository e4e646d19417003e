//! `odoo-codegen`: dump an Odoo server's schema to a file, and generate
//! typed models from it.
//!
//! ```text
//! odoo-codegen dump -o odoo_schema.json                       # the embedded server
//! odoo-codegen dump --url https://erp.example.com --db prod --login admin \
//!     --api-key-env ODOO_API_KEY -o odoo_schema.json
//! odoo-codegen generate --schema odoo_schema.json --models sale.order,res.partner --out src/models
//! odoo-codegen generate --schema odoo_schema.json --out src/models --check
//! ```

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use odoo_codegen::schema::FieldGroups;
use odoo_codegen::{BinaryAs, Error, ModelSelection, Options, Relations, Schema, Step};

/// Typed Rust models for odoo-rs, from a live Odoo server or a schema file.
#[derive(Parser, Debug)]
#[command(name = "odoo-codegen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read a server's models and fields into a schema file (check it in:
    /// it is what `generate` and build scripts read).
    Dump(Dump),
    /// Generate one Rust file per model, plus mod.rs, from a schema file.
    Generate(Generate),
}

#[derive(Args, Debug)]
struct Dump {
    /// The server, e.g. https://erp.example.com. Without it, the embedded
    /// odoo-mock server is started and read (with its field groups).
    #[arg(long)]
    url: Option<String>,
    /// Without --url: the Odoo version the embedded server imitates (16,
    /// 17, 18 or 19), with that version's schema and field groups.
    #[arg(
        long,
        value_name = "VERSION",
        default_value_t = 18,
        conflicts_with = "url"
    )]
    odoo_version: u32,
    /// The database (required with --url).
    #[arg(long)]
    db: Option<String>,
    /// The user to log in as: an administrator, who may read
    /// ir.model.fields (required with --url; admin on the embedded server).
    #[arg(long)]
    login: Option<String>,
    /// The environment variable holding the password.
    #[arg(long, value_name = "VAR", conflicts_with = "api_key_env")]
    password_env: Option<String>,
    /// The environment variable holding an API key.
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Only these models (comma-separated technical names); all by default.
    #[arg(long, value_delimiter = ',')]
    models: Vec<String>,
    /// How to talk to the server.
    #[arg(long, value_enum, default_value_t = TransportArg::Auto)]
    transport: TransportArg,
    /// A field-groups file to merge into the schema (which fields only
    /// some users may read; ir.model.fields does not say). Make it on the
    /// server with `odoo-bin shell`: see odoo-codegen's README.
    #[arg(long, value_name = "FILE")]
    field_groups: Option<PathBuf>,
    /// Where to write the schema.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TransportArg {
    Auto,
    Jsonrpc,
    Xmlrpc,
    Web,
    Json2,
}

#[derive(Args, Debug)]
struct Generate {
    /// The schema file made by `odoo-codegen dump`.
    #[arg(long, value_name = "FILE")]
    schema: PathBuf,
    /// Only these models (comma-separated technical names); all by default.
    #[arg(long, value_delimiter = ',')]
    models: Vec<String>,
    /// Also generate every model the chosen ones point to (and theirs), so
    /// every relation is typed; otherwise relations outside the set are
    /// plain ids.
    #[arg(long)]
    with_relations: bool,
    /// Leave out fields not stored in the database.
    #[arg(long)]
    skip_non_stored: bool,
    /// Leave out computed and related fields.
    #[arg(long)]
    skip_computed: bool,
    /// Leave out binary fields.
    #[arg(long)]
    skip_binary: bool,
    /// Only these fields of a model (repeatable), as
    /// MODEL=FIELD,FIELD,... e.g. sale.order=name,partner_id,state.
    #[arg(long = "fields", value_name = "MODEL=FIELDS")]
    fields: Vec<String>,
    /// Monetary fields as exact `odoo::Decimal` instead of `f64` (the code
    /// then needs the `odoo` crate's `rust_decimal` feature).
    #[arg(long)]
    decimal: bool,
    /// A derive to add to every model struct (repeatable), e.g. PartialEq.
    #[arg(long = "derive", value_name = "PATH")]
    derives: Vec<String>,
    /// The visibility of generated items.
    #[arg(long, default_value = "pub")]
    visibility: String,
    /// The path of the odoo crate in generated code.
    #[arg(long, default_value = "::odoo")]
    crate_path: String,
    /// A field-groups file to merge into the schema first: fields only
    /// some users may read become `Option`s whose docs name the groups.
    #[arg(long, value_name = "FILE")]
    field_groups: Option<PathBuf>,
    /// A binary field to generate as `odoo::Json` (repeatable), as
    /// MODEL.FIELD, e.g. account.move.tax_totals.
    #[arg(long = "json-field", value_name = "MODEL.FIELD")]
    json_fields: Vec<String>,
    /// A binary field to generate as `odoo::Binary` (repeatable), as
    /// MODEL.FIELD, e.g. ir.profile.speedscope.
    #[arg(long = "binary-field", value_name = "MODEL.FIELD")]
    binary_fields: Vec<String>,
    /// The directory to write (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; exit 1 and name the stale files when the code in
    /// --out differs from what would be generated.
    #[arg(long)]
    check: bool,
}

/// A failure with what to do next, and the exit code.
struct Failure {
    message: String,
    code: u8,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            message: e.to_string(),
            code: 1,
        }
    }
}

fn fail(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 1,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dump(args) => dump(args),
        Command::Generate(args) => generate(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// A spinner on a terminal, nothing otherwise.
fn spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

fn dump(args: Dump) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(dump_async(args))
}

async fn dump_async(args: Dump) -> Result<(), Failure> {
    // A bad field-groups file fails before anything is asked of a server.
    let field_groups = match (&args.field_groups, &args.url) {
        (Some(path), _) => Some(FieldGroups::from_path(path)?),
        // The embedded server knows which fields its version restricts.
        (None, None) => {
            let text = odoo_mock::field_groups_json(args.odoo_version).ok_or_else(|| {
                fail(format!(
                    "the embedded server imitates Odoo 16, 17, 18 or 19, not {}",
                    args.odoo_version
                ))
            })?;
            Some(FieldGroups::from_json(text)?)
        }
        (None, Some(_)) => None,
    };
    let bar = spinner();
    // Keep the embedded server alive until the dump is done.
    let mut _embedded = None;
    let (url, db, login, secret, api_key) = match &args.url {
        None => {
            bar.set_message("starting the embedded Odoo server (odoo-mock)");
            let server = odoo_mock::MockServer::builder()
                .odoo_version(args.odoo_version)
                .start()
                .await
                .map_err(|e| fail(format!("cannot start the embedded server: {e}")))?;
            let url = server.url().to_owned();
            let db = server.database().to_owned();
            _embedded = Some(server);
            let login = args.login.clone().unwrap_or_else(|| "admin".to_owned());
            let secret = match secret_from_env(&args)? {
                Some((secret, _)) => secret,
                None => login.clone(),
            };
            let api_key = args.api_key_env.is_some();
            (url, db, login, secret, api_key)
        }
        Some(url) => {
            let db = args.db.clone().ok_or_else(|| {
                fail("--db is required with --url: the database to read (the one you log in to)")
            })?;
            let login = args.login.clone().ok_or_else(|| {
                fail("--login is required with --url: an administrator's login, who may read ir.model.fields")
            })?;
            let Some((secret, api_key)) = secret_from_env(&args)? else {
                return Err(fail(
                    "give the credentials through the environment: --password-env VAR (export VAR=the password) or --api-key-env VAR (an API key from Preferences > Account Security)",
                ));
            };
            (url.clone(), db, login, secret, api_key)
        }
    };

    bar.set_message(format!("logging in to {url} as {login}"));
    let client = odoo_core::Client::builder(url.as_str())
        .database(db.as_str())
        .transport(match args.transport {
            TransportArg::Auto => odoo_core::Transport::Auto,
            TransportArg::Jsonrpc => odoo_core::Transport::JsonRpc,
            TransportArg::Xmlrpc => odoo_core::Transport::XmlRpc,
            TransportArg::Web => odoo_core::Transport::WebSession,
            TransportArg::Json2 => odoo_core::Transport::Json2,
        })
        .build()
        .map_err(|e| fail(format!("{e}; check --url (e.g. http://localhost:8069)")))?;
    let session = if api_key {
        client.login_api_key(&login, secret).await
    } else {
        client.login(&login, secret).await
    }
    .map_err(|e| Failure::from(Error::from(e)))?;

    let selection = if args.models.is_empty() {
        ModelSelection::All
    } else {
        ModelSelection::only(args.models.iter().map(|m| m.trim().to_owned()))
    };
    let schema = odoo_codegen::introspect_with_progress(&session, &selection, |step| {
        bar.set_message(match step {
            Step::Version => "reading the server version".to_owned(),
            Step::Models => "reading ir.model".to_owned(),
            Step::Fields(n) => format!("reading the fields of {n} models"),
            Step::Selections(n) => format!("reading the values of {n} selection fields"),
            Step::Modules => "reading the installed modules".to_owned(),
            _ => "reading".to_owned(),
        });
    })
    .await?;
    let _ = session.logout().await;
    bar.finish_and_clear();

    let mut schema = schema;
    if let Some(groups) = &field_groups {
        schema.merge_field_groups(groups)?;
    }
    let json = schema.to_json();
    std::fs::write(&args.output, json).map_err(|source| Error::Write {
        path: args.output.clone(),
        source,
    })?;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "wrote {} ({} models, {} fields, Odoo {})",
            args.output.display(),
            schema.models.len(),
            schema.field_count(),
            schema.server_version
        );
    }
    Ok(())
}

/// The secret named by --password-env / --api-key-env, and whether it is
/// an API key.
fn secret_from_env(args: &Dump) -> Result<Option<(String, bool)>, Failure> {
    let (var, api_key) = match (&args.password_env, &args.api_key_env) {
        (Some(var), _) => (var, false),
        (None, Some(var)) => (var, true),
        (None, None) => return Ok(None),
    };
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(Some((value, api_key))),
        _ => Err(fail(format!(
            "the environment variable {var} is not set (or is empty): export {var}=... before running odoo-codegen dump"
        ))),
    }
}

fn generate(args: Generate) -> Result<(), Failure> {
    let bar = spinner();
    bar.set_message(format!("reading {}", args.schema.display()));
    let mut schema = Schema::from_path(&args.schema)?;
    if let Some(path) = &args.field_groups {
        bar.set_message(format!("merging {}", path.display()));
        schema.merge_field_groups(&FieldGroups::from_path(path)?)?;
    }
    let mut options = Options::new()
        .with_relations(if args.with_relations {
            Relations::Closure
        } else {
            Relations::PlainIds
        })
        .with_skip_non_stored(args.skip_non_stored)
        .with_skip_computed(args.skip_computed)
        .with_skip_binary(args.skip_binary)
        .with_decimal_monetary(args.decimal)
        .with_extra_derives(args.derives.iter().cloned())
        .with_visibility(args.visibility.clone())
        .with_crate_path(args.crate_path.clone());
    if !args.models.is_empty() {
        options = options.with_models(args.models.iter().map(|m| m.trim().to_owned()));
    }
    for item in &args.fields {
        let Some((model, fields)) = item.split_once('=') else {
            return Err(fail(format!(
                "--fields {item:?}: write MODEL=FIELD,FIELD,... e.g. --fields sale.order=name,partner_id"
            )));
        };
        let fields: Vec<String> = fields
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
        if model.trim().is_empty() || fields.is_empty() {
            return Err(fail(format!(
                "--fields {item:?}: write MODEL=FIELD,FIELD,... e.g. --fields sale.order=name,partner_id"
            )));
        }
        options = options.with_fields(model.trim(), fields);
    }
    for (list, binary_as, flag) in [
        (&args.json_fields, BinaryAs::Json, "--json-field"),
        (&args.binary_fields, BinaryAs::Binary, "--binary-field"),
    ] {
        for item in list {
            let (model, field) = split_model_field(item, flag)?;
            options = options.with_binary_as(model, field, binary_as);
        }
    }
    bar.set_message("generating");
    let files = odoo_codegen::generate(&schema, &options)?;
    bar.finish_and_clear();

    if args.check {
        let stale = stale_files(&args.out, &files);
        if stale.is_empty() {
            return Ok(());
        }
        return Err(fail(format!(
            "{} file{} in {} differ from what the schema gives: {}; run the same command without --check to update them",
            stale.len(),
            if stale.len() == 1 { "" } else { "s" },
            args.out.display(),
            stale.join(", ")
        )));
    }

    std::fs::create_dir_all(&args.out).map_err(|source| Error::Write {
        path: args.out.clone(),
        source,
    })?;
    let write_bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut changed = 0;
    for file in &files {
        write_bar.set_message(file.name.clone());
        if write_if_changed(&args.out.join(&file.name), &file.content)? {
            changed += 1;
        }
        write_bar.inc(1);
    }
    let removed = remove_extra(&args.out, &files)?;
    write_bar.finish_and_clear();
    if std::io::stderr().is_terminal() {
        eprintln!(
            "wrote {} files to {} ({changed} changed, {} removed)",
            files.len(),
            args.out.display(),
            removed.len()
        );
    }
    Ok(())
}

/// `account.move.tax_totals` -> (`account.move`, `tax_totals`): field
/// names hold no dot, so the last one splits.
fn split_model_field<'a>(item: &'a str, flag: &str) -> Result<(&'a str, &'a str), Failure> {
    match item.trim().rsplit_once('.') {
        Some((model, field)) if !model.is_empty() && !field.is_empty() => Ok((model, field)),
        _ => Err(fail(format!(
            "{flag} {item:?}: write MODEL.FIELD, e.g. {flag} account.move.tax_totals"
        ))),
    }
}

/// Generated files that are missing or different on disk, and `.rs`
/// files on disk that would not be generated.
fn stale_files(dir: &Path, files: &[odoo_codegen::OutputFile]) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read(dir.join(&f.name)).map_or(true, |old| old != f.content.as_bytes())
        })
        .map(|f| f.name.clone())
        .collect();
    stale.extend(extra_files(dir, files));
    stale.sort();
    stale
}

fn extra_files(dir: &Path, files: &[odoo_codegen::OutputFile]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && !files.iter().any(|f| &f.name == name))
        .filter(|name| is_generated(&dir.join(name)))
        .collect()
}

/// Only files odoo-codegen wrote are ever reported or removed.
fn is_generated(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .is_ok_and(|text| text.starts_with("// @generated by odoo-codegen"))
}

fn remove_extra(dir: &Path, files: &[odoo_codegen::OutputFile]) -> Result<Vec<String>, Error> {
    let extra = extra_files(dir, files);
    for name in &extra {
        std::fs::remove_file(dir.join(name)).map_err(|source| Error::Write {
            path: dir.join(name),
            source,
        })?;
    }
    Ok(extra)
}

fn write_if_changed(path: &Path, content: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    std::fs::write(path, content).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(true)
}
