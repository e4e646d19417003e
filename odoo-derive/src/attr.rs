//! `#[odoo(...)]` attributes. Parsing never stops at the first mistake:
//! unknown, malformed and duplicate keys are recorded and parsing goes on.

use crate::ctxt::Ctxt;
use proc_macro2::Span;

/// A string value and where it was written.
#[derive(Clone)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

/// Container attributes: `#[odoo(model = "sale.order", crate = "...")]`.
#[derive(Default)]
pub struct Container {
    pub model: Option<Located<String>>,
    /// `model` was written, even if its value was malformed.
    pub model_written: bool,
    pub crate_path: Option<syn::Path>,
}

/// Field attributes: `#[odoo(name = "...")]`, `#[odoo(readonly)]`.
#[derive(Default)]
pub struct Field {
    pub name: Option<Located<String>>,
    pub readonly: bool,
}

/// Variant attributes of a selection enum: `#[odoo(value = "...")]`.
#[derive(Default)]
pub struct Variant {
    pub value: Option<Located<String>>,
}

/// Run `each` on every `key` or `key = value` inside every `#[odoo(...)]`.
fn for_each_key(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut each: impl FnMut(&syn::meta::ParseNestedMeta<'_>, &str) -> syn::Result<bool>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("odoo")) {
        if let syn::Meta::Path(_) = &attr.meta {
            cx.error_spanned_by(attr, "expected #[odoo(...)]");
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_else(|| {
                    let path = &meta.path;
                    quote::quote!(#path).to_string().replace(' ', "")
                });
            if !each(&meta, &key)? {
                cx.error_spanned_by(&meta.path, format!("unknown odoo attribute `{key}`"));
                // Skip the value, if any, and go on with the next key.
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
}

/// `key = "text"`: the text, or an error on a value that is not a string.
fn string_value(
    cx: &Ctxt,
    meta: &syn::meta::ParseNestedMeta<'_>,
    key: &str,
) -> syn::Result<Option<Located<String>>> {
    if !meta.input.peek(syn::Token![=]) {
        cx.error_spanned_by(&meta.path, format!("expected `{key} = \"...\"`"));
        return Ok(None);
    }
    let expr: syn::Expr = meta.value()?.parse()?;
    match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(Some(Located {
            value: s.value(),
            span: s.span(),
        })),
        other => {
            cx.error_spanned_by(
                other,
                format!("expected `{key} = \"...\"`, a string literal"),
            );
            Ok(None)
        }
    }
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: Option<T>, path: &syn::Path, key: &str) {
    if let Some(value) = value {
        if slot.is_some() {
            cx.error_spanned_by(path, format!("duplicate odoo attribute `{key}`"));
        } else {
            *slot = Some(value);
        }
    }
}

impl Container {
    pub fn from_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = Container::default();
        for_each_key(cx, attrs, |meta, key| {
            match key {
                "model" => {
                    out.model_written = true;
                    let v = string_value(cx, meta, key)?;
                    set_once(cx, &mut out.model, v, &meta.path, key);
                }
                "crate" => {
                    if let Some(s) = string_value(cx, meta, key)? {
                        match syn::parse_str::<syn::Path>(&s.value) {
                            Ok(path) => {
                                set_once(cx, &mut out.crate_path, Some(path), &meta.path, key)
                            }
                            Err(_) => cx.syn_error(syn::Error::new(
                                s.span,
                                format!("`crate = {:?}` is not a path", s.value),
                            )),
                        }
                    }
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        out
    }
}

impl Field {
    pub fn from_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = Field::default();
        for_each_key(cx, attrs, |meta, key| {
            match key {
                "name" => {
                    let v = string_value(cx, meta, key)?;
                    set_once(cx, &mut out.name, v, &meta.path, key);
                }
                "readonly" => {
                    if meta.input.peek(syn::Token![=]) {
                        let value: syn::Expr = meta.value()?.parse()?;
                        cx.error_spanned_by(
                            value,
                            "`readonly` takes no value: write #[odoo(readonly)]",
                        );
                    } else if out.readonly {
                        cx.error_spanned_by(&meta.path, "duplicate odoo attribute `readonly`");
                    }
                    out.readonly = true;
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        out
    }
}

impl Variant {
    pub fn from_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = Variant::default();
        for_each_key(cx, attrs, |meta, key| {
            match key {
                "value" => {
                    let v = string_value(cx, meta, key)?;
                    set_once(cx, &mut out.value, v, &meta.path, key);
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        out
    }
}
