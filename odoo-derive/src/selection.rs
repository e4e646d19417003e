//! `#[derive(Selection)]`: a selection field as an enum with an
//! `Unknown(String)` fallback. Parse, validate, generate, as for models.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr;
use crate::ctxt::Ctxt;
use crate::expand::runtime;

struct Known<'a> {
    ident: &'a syn::Ident,
    key: String,
}

pub fn derive(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let container = attr::Container::from_attrs(&cx, &input.attrs);
    if let Some(model) = &container.model {
        cx.syn_error(syn::Error::new(
            model.span,
            "`model` belongs on #[derive(Model)] structs, not on a selection enum",
        ));
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(Selection)] does not support generics",
        );
    }
    let mut known = Vec::new();
    let mut unknown = None;
    match &input.data {
        syn::Data::Enum(data) => {
            for variant in &data.variants {
                let attrs = attr::Variant::from_attrs(&cx, &variant.attrs);
                match &variant.fields {
                    syn::Fields::Unit => known.push(Known {
                        ident: &variant.ident,
                        key: attrs
                            .value
                            .map(|v| v.value)
                            .unwrap_or_else(|| snake_case(&variant.ident.to_string())),
                    }),
                    syn::Fields::Unnamed(f) if variant.ident == "Unknown" && f.unnamed.len() == 1 => {
                        if let Some(value) = attrs.value {
                            cx.syn_error(syn::Error::new(
                                value.span,
                                "`Unknown` holds every other key: it takes no `value`",
                            ));
                        }
                        unknown = Some(&variant.ident);
                    }
                    _ => cx.error_spanned_by(
                        variant,
                        "a selection variant is a unit variant (one key), or `Unknown(String)` for any other key",
                    ),
                }
            }
        }
        _ => cx.error_spanned_by(
            &input.ident,
            "#[derive(Selection)] works on enums: one unit variant per key plus `Unknown(String)`",
        ),
    }
    if unknown.is_none() && matches!(input.data, syn::Data::Enum(_)) {
        cx.error_spanned_by(
            &input.ident,
            "a selection enum needs an `Unknown(String)` variant, so that a key added on the server later still decodes",
        );
    }
    for (i, a) in known.iter().enumerate() {
        if let Some(b) = known[..i].iter().find(|b| b.key == a.key) {
            cx.error_spanned_by(
                a.ident,
                format!(
                    "`{}` and `{}` have the same key {:?}",
                    b.ident, a.ident, a.key
                ),
            );
        }
    }
    cx.check()?;

    let ident = &input.ident;
    let runtime = runtime(container.crate_path.as_ref());
    let variants: Vec<&syn::Ident> = known.iter().map(|k| k.ident).collect();
    let keys: Vec<&str> = known.iter().map(|k| k.key.as_str()).collect();
    Ok(quote! {
        #[doc(hidden)]
        #[allow(unused_qualifications, clippy::all)]
        const _: () = {
            use #runtime as __odoo;

            impl __odoo::Selection for #ident {
                const KEYS: &'static [&'static str] = &[#(#keys),*];
                fn from_key(key: &str) -> Self {
                    match key {
                        #(#keys => #ident::#variants,)*
                        other => #ident::Unknown(::std::string::String::from(other)),
                    }
                }
                fn key(&self) -> &str {
                    match self {
                        #(#ident::#variants => #keys,)*
                        #ident::Unknown(key) => key,
                    }
                }
            }

            impl __odoo::serde::Serialize for #ident {
                fn serialize<S: __odoo::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(__odoo::Selection::key(self))
                }
            }

            impl<'de> __odoo::serde::Deserialize<'de> for #ident {
                fn deserialize<D: __odoo::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    __odoo::deserialize_selection(deserializer)
                }
            }

            impl __odoo::FieldValue for #ident {
                type Compare = #ident;
            }
        };
    })
}

/// `ToInvoice` -> `to_invoice`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
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
    #[test]
    fn snake_cases_variant_names() {
        assert_eq!(super::snake_case("ToInvoice"), "to_invoice");
        assert_eq!(super::snake_case("Draft"), "draft");
    }
}
