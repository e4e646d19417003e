//! All identifier sanitising in one place: Odoo names to Rust names,
//! keywords escaped, clashes numbered.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved and edition 2024 `gen`): written `r#kw`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing `_`.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names a generated struct or enum must not take: the generated code
/// names them unqualified (`Option`, `String`, `Vec`) or they are the
/// prelude's.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToOwned",
    "ToString",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Debug",
];

/// The module (and file) name of a model: `sale.order` -> `sale_order`.
pub fn module_name(model: &str) -> String {
    let mut name: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = name.trim_matches('_');
    name = if trimmed.is_empty() {
        "model".to_owned()
    } else {
        trimmed.to_owned()
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) || NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// The struct name of a model: `sale.order` -> `SaleOrder`, `x_books` ->
/// `XBooks`, `account.edi.xml.ubl_20` -> `AccountEdiXmlUbl20`.
pub fn type_name(model: &str) -> String {
    camel(model, "Model")
}

/// `UpperCamelCase` of any text, never empty, never starting with a digit,
/// never a reserved type name (`fallback` is appended then).
pub fn camel(text: &str, fallback: &str) -> String {
    let mut name = variant_name(text, fallback);
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str(fallback);
    }
    name
}

/// `UpperCamelCase` of a selection key, for an enum variant: never empty
/// (`fallback`), never starting with a digit (`V` before it).
pub fn variant_name(text: &str, fallback: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = cleaned.to_upper_camel_case();
    if name.is_empty() {
        return fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// The Rust field name of an Odoo field: snake_case, keywords raw
/// (`r#type`), `self` -> `self_`, a leading digit prefixed with `_`.
/// Returns the identifier text (with `r#` when raw).
pub fn field_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    // heck drops leading underscores: keep Odoo's (`__last_update`).
    let leading = cleaned.len() - cleaned.trim_start_matches('_').len();
    let mut snake = cleaned.to_snake_case();
    if snake.is_empty() {
        snake = "field".to_owned();
    }
    snake.insert_str(0, &"_".repeat(leading));
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    escape_keyword(snake)
}

/// Field names whose constant (`MODEL`, `FIELDS`) would shadow the
/// `Model` trait's constants of the same name on the struct.
const SHADOWING: &[&str] = &["model", "fields"];

/// `type` -> `r#type`, `self` -> `self_`, `model` -> `model_`, others
/// unchanged.
pub fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) || SHADOWING.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without `r#`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Names handed out in one scope; a taken name gets `2`, `3`, ... (with
/// `_` before the number for snake_case names).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Scope {
        Scope {
            taken: reserved
                .into_iter()
                .map(|s| unraw(s).to_lowercase())
                .collect(),
        }
    }

    /// `wanted`, or the first free numbered variant of it. Clashes are
    /// judged on the lowercase name without `r#` and `_`, so `fooBar`
    /// and `foo_bar` (or the constants they give, `FOO_BAR`) cannot both
    /// be taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        let key = |s: &str| unraw(s).to_lowercase();
        if self.taken.insert(key(wanted)) {
            return wanted.to_owned();
        }
        let snake = wanted.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
        let base = unraw(wanted);
        for n in 2.. {
            let candidate = if snake {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            if self.taken.insert(key(&candidate)) {
                return candidate;
            }
        }
        unreachable!("an unbounded range always finds a free name")
    }

    /// Whether `name` is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&unraw(name).to_lowercase())
    }
}

/// The key `#[derive(Selection)]` gives a variant with no `value`:
/// `ToInvoice` -> `to_invoice` (as odoo-derive's `snake_case`).
pub fn derive_selection_key(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("sale.order"), "SaleOrder");
        assert_eq!(type_name("sale.order.line"), "SaleOrderLine");
        assert_eq!(type_name("x_books"), "XBooks");
        assert_eq!(type_name("x_studio.thing_2"), "XStudioThing2");
        assert_eq!(type_name("account.edi.xml.ubl_20"), "AccountEdiXmlUbl20");
        assert_eq!(type_name("_unknown"), "Unknown");
        assert_eq!(type_name("option"), "OptionModel");
        assert_eq!(type_name("2fa.key"), "V2faKey");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("partner_id"), "partner_id");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("model"), "model_");
        assert_eq!(field_name("x_studio_Colour"), "x_studio_colour");
        assert_eq!(field_name("fooBar"), "foo_bar");
        assert_eq!(field_name("__last_update"), "__last_update");
        assert_eq!(field_name("l10n_us_code"), "l10n_us_code");
    }

    #[test]
    fn module_names() {
        assert_eq!(module_name("sale.order"), "sale_order");
        assert_eq!(module_name("type"), "type_");
        assert_eq!(module_name("_unknown"), "unknown");
    }

    #[test]
    fn scope_numbers_clashes() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("foo_bar"), "foo_bar");
        assert_eq!(scope.claim("foo_bar"), "foo_bar_2");
        assert_eq!(scope.claim("Draft"), "Draft");
        assert_eq!(scope.claim("Draft"), "Draft2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type_2");
    }
}
