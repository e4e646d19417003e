//! Code generation, after validation: the `Model` impl, the field
//! constants and the active-record entry points.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Model, unraw};

/// The runtime path: `#[odoo(crate = "...")]` or the facade's.
pub fn runtime(crate_path: Option<&syn::Path>) -> TokenStream {
    match crate_path {
        Some(path) => quote!(#path),
        None => quote!(::odoo::__private),
    }
}

pub fn expand_model(model: &Model<'_>) -> TokenStream {
    let ident = model.ident;
    let runtime = runtime(model.attrs.crate_path.as_ref());
    let serde_crate = format!("{}::serde", runtime).replace(' ', "");
    let model_name = model
        .attrs
        .model
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_default();
    let vis = &model.original.vis;

    let idents: Vec<&syn::Ident> = model.fields.iter().map(|f| f.ident).collect();
    let types: Vec<&syn::Type> = model.fields.iter().map(|f| f.ty).collect();
    let names: Vec<&str> = model.fields.iter().map(|f| f.odoo_name.as_str()).collect();

    // The field type must hold an Odoo value: checked once, on the type.
    let assertions = model.fields.iter().map(|f| {
        let ty = f.ty;
        quote_spanned! {ty.span()=>
            let _ = __odoo::__assert_field_value::<#ty>;
        }
    });

    // Every field is a slot that may stay empty: a row leaves out the
    // fields the user may not read, and those of an `Option` type are None.
    // A relation field's decoder says which field it is, so that a nested
    // row (`Query::with`) lands in that relation's prefetch.
    let row_fields = model.fields.iter().map(|f| {
        let (ident, ty, name) = (f.ident, f.ty, &f.odoo_name);
        let with = format!("__odoo_de_{}", unraw(f.ident));
        quote!(#[serde(rename = #name, default, deserialize_with = #with)] #ident: __odoo::Slot<#ty>)
    });
    let row_decoders = model.fields.iter().enumerate().map(|(index, f)| {
        let (ty, name) = (f.ty, &f.odoo_name);
        let with = format_ident!("__odoo_de_{}", unraw(f.ident));
        // Whether it is a relation comes from the field's `FieldDef`, so
        // that a type that is not a field value is reported once, where
        // the type is written.
        quote! {
            fn #with<'de, D: __odoo::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<__odoo::Slot<#ty>, D::Error> {
                let relation = <#ident as __odoo::Model>::FIELDS[#index].relation;
                __odoo::relation_field::<D, #ty>(#name, relation, deserializer)
            }
        }
    });
    let takes = model.fields.iter().map(|f| {
        let (ident, ty, name) = (f.ident, f.ty, &f.odoo_name);
        let unread = quote_spanned!(ty.span()=> <#ty as __odoo::FieldValue>::unread);
        quote!(#ident: row.#ident.take::<D::Error>(#name, #unread)?)
    });

    let defs = model.fields.iter().map(|f| {
        let (ty, name) = (f.ty, &f.odoo_name);
        let rust_name = unraw(f.ident);
        let rust_type = quote!(#ty).to_string().replace(' ', "");
        let readonly = f.attrs.readonly;
        quote! {
            __odoo::FieldDef {
                name: #name,
                rust_name: #rust_name,
                rust_type: #rust_type,
                readonly: #readonly,
                relation: <#ty as __odoo::FieldValue>::RELATION,
                optional: <#ty as __odoo::FieldValue>::OPTIONAL,
            }
        }
    });

    let changes = model.fields.iter().filter(|f| !f.attrs.readonly).map(|f| {
        let (ident, name) = (f.ident, &f.odoo_name);
        quote! {
            if self.#ident != original.#ident {
                changes.insert(
                    ::std::string::String::from(#name),
                    __odoo::to_wire(#model_name, #name, &self.#ident)?,
                );
            }
        }
    });

    let constants = model.fields.iter().map(|f| {
        let (ty, name) = (f.ty, &f.odoo_name);
        let constant = format_ident!("{}", unraw(f.ident).to_uppercase(), span = f.ident.span());
        let access = if f.attrs.readonly {
            quote!(__odoo::ReadOnly)
        } else {
            quote!(__odoo::Writable)
        };
        let doc = format!(
            "The field `{model_name}.{name}`{}, for domains, orders, `fetch` and `New::set`.",
            if f.attrs.readonly { " (read-only)" } else { "" }
        );
        quote! {
            #[doc = #doc]
            #[allow(dead_code)]
            #vis const #constant: __odoo::Field<#ident, #ty, #access> = __odoo::Field::new(#name);
        }
    });

    let search_doc = format!(
        "A query on `{model_name}` as `session`'s user; run it with `.all()`, `.first()`, `.ids()`, `.count()` or `.pages(n)`."
    );
    let browse_doc = format!(
        "The `{model_name}` record `id`, read as `session`'s user (an error names a missing id)."
    );
    let browse_many_doc =
        format!("These `{model_name}` records, in order, in one call; they share a prefetch set.");
    let create_doc = format!(
        "Create a `{model_name}` record with only the fields set in `values`, and read it back."
    );
    let count_doc = format!("How many `{model_name}` records match `domain` for `session`'s user.");

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            use #runtime as __odoo;

            #[derive(__odoo::serde::Deserialize)]
            #[serde(crate = #serde_crate)]
            struct __OdooRow {
                #[serde(rename = "id")]
                __odoo_id: i64,
                #(#row_fields,)*
            }

            #(#row_decoders)*

            impl __odoo::Model for #ident {
                const MODEL: &'static str = #model_name;
                const FIELDS: &'static [__odoo::FieldDef] = &[#(#defs),*];

                fn deserialize_row<'de, D: __odoo::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<(i64, Self), D::Error> {
                    #(#assertions)*
                    let row = <__OdooRow as __odoo::serde::Deserialize>::deserialize(deserializer)?;
                    ::std::result::Result::Ok((row.__odoo_id, #ident { #(#takes),* }))
                }

                fn changed_fields(&self, original: &Self) -> __odoo::Result<__odoo::Map> {
                    let mut changes = __odoo::Map::new();
                    #(#changes)*
                    ::std::result::Result::Ok(changes)
                }

                fn relation_ids(&self, field: &str, out: &mut ::std::vec::Vec<i64>) {
                    match field {
                        #(#names => <#types as __odoo::FieldValue>::push_ids(&self.#idents, out),)*
                        _ => {}
                    }
                }
            }

            #[automatically_derived]
            impl #ident {
                #(#constants)*

                #[doc = #search_doc]
                #[allow(dead_code)]
                #vis fn search(session: &__odoo::Session) -> __odoo::Query<#ident> {
                    __odoo::Query::new(session)
                }

                #[doc = #browse_doc]
                #[allow(dead_code)]
                #vis fn browse(
                    session: &__odoo::Session,
                    id: i64,
                ) -> __odoo::Browse<#ident> {
                    __odoo::Record::browse(session, id)
                }

                #[doc = #browse_many_doc]
                #[allow(dead_code)]
                #vis fn browse_many(
                    session: &__odoo::Session,
                    ids: impl ::std::iter::IntoIterator<Item = i64>,
                ) -> __odoo::BrowseMany<#ident> {
                    __odoo::Record::browse_many(session, ids)
                }

                #[doc = #create_doc]
                #[allow(dead_code)]
                #vis fn create(
                    session: &__odoo::Session,
                    values: __odoo::New<#ident>,
                ) -> __odoo::CallFuture<'static, __odoo::Record<#ident>> {
                    __odoo::Record::create(session, values)
                }

                #[doc = #count_doc]
                #[allow(dead_code)]
                #vis fn count(
                    session: &__odoo::Session,
                    domain: __odoo::Domain,
                ) -> __odoo::CallFuture<'static, u64> {
                    ::std::boxed::Box::pin(__odoo::Query::<#ident>::new(session).filter(domain).count())
                }
            }
        };
    }
}
