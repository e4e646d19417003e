//! The code odoo-codegen generates, compiled: every model of a real Odoo 18
//! database (`odoo18`), hand-written edge cases (`custom`) and the subsets
//! of `sale.order` that the tests decode recorded rows with.
#![allow(missing_docs)]

/// All 377 models of the real Odoo 18 schema.
pub mod odoo18 {
    include!(concat!(env!("OUT_DIR"), "/odoo18.rs"));
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

/// How long the build script took to generate the 377 models, in ms.
pub const GENERATION_MS: &str = env!("ODOO_CODEGEN_FULL_SCHEMA_MS");
