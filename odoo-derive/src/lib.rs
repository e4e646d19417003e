//! `#[derive(Model)]` and `#[derive(Selection)]` for odoo-rs. Use them
//! through the `odoo` crate: `#[derive(odoo::Model)]`.
//!
//! The derive parses the struct into its own small AST (`ast`), checks it
//! (`check`) collecting every error with its span (`ctxt`), and only
//! then generates code (`expand`). Set `ODOO_DERIVE_DEBUG=1` to print
//! the expansion.
//!
//! # `#[derive(Model)]`
//!
//! | attribute | where | meaning |
//! |---|---|---|
//! | `model = "sale.order"` | struct, required | the Odoo model |
//! | `crate = "path"` | struct | the runtime path (default `::odoo::__private`) |
//! | `name = "partner_id"` | field | the Odoo field name, when it differs from the Rust name |
//! | `readonly` | field | read, never written by `save` nor settable in `New` |
//!
//! # `#[derive(Selection)]`
//!
//! On an enum of unit variants plus `Unknown(String)`; a variant's key is
//! its name in snake_case, or `#[odoo(value = "...")]`.
#![deny(missing_docs)]

use proc_macro::TokenStream;

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod selection;

/// Turn a struct into an active record of an Odoo model. See the `odoo`
/// crate for the full story.
#[proc_macro_derive(Model, attributes(odoo))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let output = model(&input).unwrap_or_else(syn::Error::into_compile_error);
    debug_print("Model", &input.ident, &output);
    output.into()
}

/// A selection field as an enum with an `Unknown(String)` fallback.
#[proc_macro_derive(Selection, attributes(odoo))]
pub fn derive_selection(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let output = selection::derive(&input).unwrap_or_else(syn::Error::into_compile_error);
    debug_print("Selection", &input.ident, &output);
    output.into()
}

fn model(input: &syn::DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let cx = ctxt::Ctxt::new();
    let Some(model) = ast::Model::from_ast(&cx, input) else {
        cx.check()?;
        return Ok(proc_macro2::TokenStream::new());
    };
    check::check(&cx, &model);
    cx.check()?;
    Ok(expand::expand_model(&model))
}

fn debug_print(derive: &str, ident: &syn::Ident, output: &proc_macro2::TokenStream) {
    if std::env::var_os("ODOO_DERIVE_DEBUG").is_some() {
        eprintln!("// #[derive({derive})] on {ident}\n{output}");
    }
}
