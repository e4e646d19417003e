//! The one error type of odoo-codegen; every message says what to do next.

use std::path::PathBuf;

/// Everything that can go wrong while reading a schema, introspecting a
/// server or generating code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The schema file could not be read.
    #[error("cannot read the schema file {}: {source}; check the path, or make one with `odoo-codegen dump -o {}`", path.display(), path.display())]
    ReadSchema {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The schema file is not valid JSON of the schema shape.
    #[error(
        "{} is not an odoo-codegen schema (line {line}, column {column}): {message}; \
         make a fresh one with `odoo-codegen dump`",
        path.as_ref().map_or_else(|| "the schema text".to_owned(), |p| p.display().to_string())
    )]
    ParseSchema {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong, and where in the document.
        message: String,
    },
    /// The field-groups file could not be read.
    #[error("cannot read the field-groups file {}: {source}; check the path, or make one on the server with `odoo-bin shell` (odoo-codegen's README has the snippet)", path.display())]
    ReadFieldGroups {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The field-groups file is not of its shape
    /// (`{"fields": {model: {field: "module.group,..."}}}`).
    #[error(
        "{}{} is not a field-groups file: {message}; its shape is {{\"fields\": {{model: {{field: \"module.group_xmlid,...\"}}}}}}",
        path.as_ref().map_or_else(|| "the field-groups text".to_owned(), |p| p.display().to_string()),
        if *line == 0 { String::new() } else { format!(" (line {line}, column {column})") }
    )]
    ParseFieldGroups {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// 1-based line of the error (0 when not about one place).
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong, and where in the document.
        message: String,
    },
    /// The field-groups file lists a field the schema's model does not
    /// have: the two files describe different databases.
    #[error(
        "{} restricts {model}.{field}, but the schema's {model} has no field {field}{}; make the schema and the field-groups file from the same database",
        path.as_ref().map_or_else(|| "the field-groups file".to_owned(), |p| p.display().to_string()),
        suggestion.as_ref().map_or_else(String::new, |s| format!(" (did you mean {s}?)"))
    )]
    FieldGroupsMismatch {
        /// The field-groups file, when read from one.
        path: Option<PathBuf>,
        /// The model.
        model: String,
        /// The field the schema does not have.
        field: String,
        /// The schema's closest field name, if any.
        suggestion: Option<String>,
    },
    /// Models were asked for that the schema (or server) does not have.
    #[error("{}", unknown_models_message(models, suggestions, *from_server))]
    UnknownModels {
        /// The names not found.
        models: Vec<String>,
        /// For each, the closest known name, if any.
        suggestions: Vec<Option<String>>,
        /// Asked of a live server rather than a schema file.
        from_server: bool,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}; check that the directory exists and is writable", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The generated code did not parse: a bug in odoo-codegen.
    #[error(
        "generated code for {model} does not parse ({message}); please report this with the schema of {model}"
    )]
    Internal {
        /// The model being generated.
        model: String,
        /// The parser's message.
        message: String,
    },
    /// A setting is wrong (missing `OUT_DIR`, no schema file given, ...).
    #[error("{0}")]
    Config(String),
    /// The server refused or failed a call while introspecting.
    #[cfg(feature = "introspect")]
    #[error("{}", odoo_message(.0))]
    Odoo(#[source] odoo_core::Error),
}

fn unknown_models_message(
    models: &[String],
    suggestions: &[Option<String>],
    from_server: bool,
) -> String {
    let mut text = format!(
        "unknown model{} {}",
        if models.len() == 1 { "" } else { "s" },
        models
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let hints: Vec<String> = models
        .iter()
        .zip(suggestions)
        .filter_map(|(m, s)| {
            s.as_ref().map(|s| {
                if models.len() == 1 {
                    format!("`{s}`")
                } else {
                    format!("`{s}` for `{m}`")
                }
            })
        })
        .collect();
    if !hints.is_empty() {
        text.push_str(&format!(" (did you mean {}?)", hints.join(", ")));
    }
    if from_server {
        text.push_str(
            "; check the spelling (technical names, e.g. sale.order) and that the module is installed",
        );
    } else {
        text.push_str(
            "; check the spelling (technical names, e.g. sale.order), or dump a schema that has them with `odoo-codegen dump --models ...`",
        );
    }
    text
}

#[cfg(feature = "introspect")]
fn odoo_message(error: &odoo_core::Error) -> String {
    use odoo_core::Error as E;
    match error {
        E::AccessDenied(_) => format!(
            "{error}; check the login and the password or API key (and that the database name is right)"
        ),
        E::Transport(_) => format!(
            "{error}; check that the server is running and that --url is right (e.g. http://localhost:8069)"
        ),
        E::Server(_) if error.is_access_error() => format!(
            "{error}; reading the schema needs read access to ir.model and ir.model.fields: log in as an administrator"
        ),
        E::Protocol(_) => format!("{error}; is --url an Odoo server?"),
        _ => error.to_string(),
    }
}

#[cfg(feature = "introspect")]
impl From<odoo_core::Error> for Error {
    fn from(error: odoo_core::Error) -> Self {
        Error::Odoo(error)
    }
}

/// The known name closest to `name` (by edit distance), when close enough
/// to be a likely typo.
pub(crate) fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let d = distance(name, candidate);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.filter(|(d, _)| *d <= name.len().max(3) / 3)
        .map(|(_, c)| c.to_owned())
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}
