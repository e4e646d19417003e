//! The code odoo-codegen generates, compiled: for each of the real Odoo 16,
//! 17, 18 and 19 schemas (field groups merged), the nine models whose real
//! rows the tests decode (`odooNN::rows`) and, with the feature `odooNN`,
//! every model (`odooNN::all`); hand-written edge cases (`custom`); and
//! the subsets of `sale.order` that decode other recorded rows.
//!
//! No `allow(missing_docs)`: every generated item must carry docs, and
//! `clippy -D warnings` and `rustdoc -D warnings` must accept them.

/// Odoo 16 (`fixtures/odoo16/schema.json`, 351 models).
pub mod odoo16 {
    /// The nine models of the recorded rows, every field.
    pub mod rows {
        include!(concat!(env!("OUT_DIR"), "/rows16.rs"));
    }
    /// Every model of the schema.
    #[cfg(feature = "odoo16")]
    pub mod all {
        include!(concat!(env!("OUT_DIR"), "/all16.rs"));
    }
}

/// Odoo 17 (`fixtures/odoo17/schema.json`, 353 models).
pub mod odoo17 {
    /// The nine models of the recorded rows, every field.
    pub mod rows {
        include!(concat!(env!("OUT_DIR"), "/rows17.rs"));
    }
    /// Every model of the schema.
    #[cfg(feature = "odoo17")]
    pub mod all {
        include!(concat!(env!("OUT_DIR"), "/all17.rs"));
    }
}

/// Odoo 18 (`fixtures/odoo18/schema.json`, 377 models).
pub mod odoo18 {
    /// The nine models of the recorded rows, every field.
    pub mod rows {
        include!(concat!(env!("OUT_DIR"), "/rows18.rs"));
    }
    /// Every model of the schema.
    #[cfg(feature = "odoo18")]
    pub mod all {
        include!(concat!(env!("OUT_DIR"), "/all18.rs"));
    }
}

/// Odoo 19 (`fixtures/odoo19/schema.json`, 377 models).
pub mod odoo19 {
    /// The nine models of the recorded rows, every field.
    pub mod rows {
        include!(concat!(env!("OUT_DIR"), "/rows19.rs"));
    }
    /// Every model of the schema.
    #[cfg(feature = "odoo19")]
    pub mod all {
        include!(concat!(env!("OUT_DIR"), "/all19.rs"));
    }
}

/// x_ models, keyword-named fields, clashes, every field type.
pub mod custom {
    include!(concat!(env!("OUT_DIR"), "/custom.rs"));
}

/// `sale.order` with the fields of the recorded `read` reply.
pub mod wire {
    include!(concat!(env!("OUT_DIR"), "/wire.rs"));
}

/// `sale.order` amounts as exact decimals (`--decimal`).
pub mod exact {
    include!(concat!(env!("OUT_DIR"), "/exact.rs"));
}

/// `sale.order` with its stored fields.
pub mod demo {
    include!(concat!(env!("OUT_DIR"), "/demo.rs"));
}

/// How long the build script took to generate everything, in ms.
pub const GENERATION_MS: &str = env!("ODOO_CODEGEN_FULL_SCHEMA_MS");

/// How long the build script took to generate the whole schemas of the
/// features turned on (`odoo16`, ...), in ms; 0 without them.
pub const ALL_MODELS_MS: &str = env!("ODOO_CODEGEN_ALL_MODELS_MS");
