//! The conformance suite (tests/conformance_suite) over every transport and
//! every Odoo version the embedded server imitates: 16, 17, 18 and 19.
//!
//! Against a real Odoo (`ODOO_URL`, see tests/support/target.rs) only the
//! real server's version runs; the others say they were skipped.
//!
//! JSON-2 exists from Odoo 19 on: 16 to 18 run over the other three.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[macro_use]
mod conformance_suite;
mod support;

/// One module per (version, transport), one test per suite function.
macro_rules! suite {
    ($module:ident, $transport:expr, $version:expr, [$($test:ident),* $(,)?]) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $test() {
                    crate::conformance_suite::$test($transport, $version).await
                }
            )*
        }
    };
}

macro_rules! every_version_and_transport {
    ($($test:ident),* $(,)?) => {
        mod odoo16 {
            suite!(json_rpc, odoo::Transport::JsonRpc, 16, [$($test),*]);
            suite!(xml_rpc, odoo::Transport::XmlRpc, 16, [$($test),*]);
            suite!(web_session, odoo::Transport::WebSession, 16, [$($test),*]);
        }
        mod odoo17 {
            suite!(json_rpc, odoo::Transport::JsonRpc, 17, [$($test),*]);
            suite!(xml_rpc, odoo::Transport::XmlRpc, 17, [$($test),*]);
            suite!(web_session, odoo::Transport::WebSession, 17, [$($test),*]);
        }
        mod odoo18 {
            suite!(json_rpc, odoo::Transport::JsonRpc, 18, [$($test),*]);
            suite!(xml_rpc, odoo::Transport::XmlRpc, 18, [$($test),*]);
            suite!(web_session, odoo::Transport::WebSession, 18, [$($test),*]);
        }
        mod odoo19 {
            suite!(json_rpc, odoo::Transport::JsonRpc, 19, [$($test),*]);
            suite!(xml_rpc, odoo::Transport::XmlRpc, 19, [$($test),*]);
            suite!(web_session, odoo::Transport::WebSession, 19, [$($test),*]);
            suite!(json_2, odoo::Transport::Json2, 19, [$($test),*]);
        }
    };
}

conformance_tests!(every_version_and_transport);
