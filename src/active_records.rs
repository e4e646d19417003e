//! Active records: `#[derive(Model)]`.
