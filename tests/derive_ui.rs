//! Compile-time behaviour of `#[derive(Model)]` and `#[derive(Selection)]`:
//! one failing case per validation rule (each with the exact errors in its
//! `.stderr`), and passing cases. One trybuild project builds them all.
//!
//! Regenerate the `.stderr` files after a deliberate change with
//! `TRYBUILD=overwrite cargo test --test derive_ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
