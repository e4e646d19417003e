//! What differs between Odoo 16, 17, 18 and 19, derived from the version in
//! one place.
//!
//! Every fact below was seen on real servers: the recordings of
//! `../shared/odoo16` to `../shared/odoo19` (`wire/`, `schema.json`) and the
//! per-fixture differences listed in `odoo16/DIFF_FROM_18.md` and
//! `odoo17/DIFF_FROM_18.md`.
//!
//! Saas builds (`saas~17.4`) get the capabilities of their major version:
//! no saas server was recorded, so where a saas release introduced a feature
//! before the next `N.0` the SDK does not assume it.

/// What one major version of Odoo offers to an API client.
///
/// Get it from [`ServerVersion::capabilities`](crate::ServerVersion::capabilities),
/// [`Session::capabilities`](crate::Session::capabilities) or
/// [`Client::capabilities`](crate::Client::capabilities).
///
/// ```
/// use odoo_core::Capabilities;
///
/// let caps = Capabilities::for_major(17);
/// assert!(caps.web_read() && caps.name_get() && !caps.copy_returns_list());
/// assert_eq!(caps.fields_get_aggregate_attribute(), "group_operator");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Capabilities {
    major: u32,
}

impl Capabilities {
    /// The capabilities of Odoo `major`.0 (and of the saas builds that
    /// follow it).
    pub fn for_major(major: u32) -> Self {
        Capabilities { major }
    }

    /// The major version these capabilities describe.
    pub fn major(self) -> u32 {
        self.major
    }

    /// The JSON-2 API (`POST /json/2/<model>/<method>` with an API key):
    /// 19 and later. Earlier servers answer the probe with a page, not JSON:
    /// 18 a 303 redirect to `/web/login`, 16 and 17 the website's 404 page
    /// (`json2_probe_not_available`).
    pub fn json2(self) -> bool {
        self.major >= 19
    }

    /// Nested read specifications (`web_search_read(specification=...)`,
    /// relations read as `{"id", "display_name", ...}` objects): 17 and
    /// later. 16's `web_search_read` takes `fields` and raises a `TypeError`
    /// for `specification` (`jsonrpc_web_search_read_sale_order_spec`).
    pub fn read_specification(self) -> bool {
        self.major >= 17
    }

    /// `web_read`: 17 and later (16: `AttributeError`,
    /// `jsonrpc_web_read_sale_order_spec`).
    pub fn web_read(self) -> bool {
        self.major >= 17
    }

    /// `web_save`: 17 and later (16: `AttributeError`,
    /// `jsonrpc_web_save_existing`).
    pub fn web_save(self) -> bool {
        self.major >= 17
    }

    /// `search_fetch`: 17 and later (16: `AttributeError`,
    /// `jsonrpc_method_search_fetch`).
    pub fn search_fetch(self) -> bool {
        self.major >= 17
    }

    /// The `any` domain operator: 17 and later (16 raises
    /// `TypeError: unhashable type: 'list'`, `jsonrpc_domain_any`).
    pub fn any_operator(self) -> bool {
        self.major >= 17
    }

    /// `name_get`: up to 17 (deprecated there), removed in 18
    /// (`AttributeError`, `jsonrpc_error_name_get_removed`). From 17 on,
    /// read `display_name` instead, which every version has.
    pub fn name_get(self) -> bool {
        self.major <= 17
    }

    /// `copy` copies several records in one call and returns a list of ids:
    /// 18 and later. Up to 17 it takes one record and returns a bare id
    /// (several raise `ValueError: Expected singleton`,
    /// `jsonrpc_method_copy`, `jsonrpc_method_copy_multi`).
    pub fn copy_returns_list(self) -> bool {
        self.major >= 18
    }

    /// `has_access` and `check_access` on records: 18 and later (16 and 17:
    /// `AttributeError`, `jsonrpc_method_has_access_as_alice_own_order`,
    /// `jsonrpc_method_check_access_as_alice_bobs_order`).
    pub fn has_access(self) -> bool {
        self.major >= 18
    }

    /// The `res.users` field holding a user's groups: `group_ids` in 19,
    /// `groups_id` up to 18 (`schema.json`).
    pub fn user_groups_field(self) -> &'static str {
        if self.major >= 19 {
            "group_ids"
        } else {
            "groups_id"
        }
    }

    /// The `fields_get` attribute naming a field's default aggregate:
    /// `aggregator` from 18, `group_operator` up to 17 (`fields_get_*`
    /// recordings).
    pub fn fields_get_aggregate_attribute(self) -> &'static str {
        if self.major >= 18 {
            "aggregator"
        } else {
            "group_operator"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_as_recorded() {
        // (major, json2, spec/web_read/web_save/search_fetch/any, name_get,
        //  copy list, has_access, groups field, aggregate attribute)
        let table = [
            (
                16,
                false,
                false,
                true,
                false,
                false,
                "groups_id",
                "group_operator",
            ),
            (
                17,
                false,
                true,
                true,
                false,
                false,
                "groups_id",
                "group_operator",
            ),
            (
                18,
                false,
                true,
                false,
                true,
                true,
                "groups_id",
                "aggregator",
            ),
            (19, true, true, false, true, true, "group_ids", "aggregator"),
        ];
        for (major, json2, web, name_get, copy, access, groups, aggregate) in table {
            let c = Capabilities::for_major(major);
            assert_eq!(c.major(), major);
            assert_eq!(c.json2(), json2, "{major}");
            for flag in [
                c.read_specification(),
                c.web_read(),
                c.web_save(),
                c.search_fetch(),
                c.any_operator(),
            ] {
                assert_eq!(flag, web, "{major}");
            }
            assert_eq!(c.name_get(), name_get, "{major}");
            assert_eq!(c.copy_returns_list(), copy, "{major}");
            assert_eq!(c.has_access(), access, "{major}");
            assert_eq!(c.user_groups_field(), groups, "{major}");
            assert_eq!(c.fields_get_aggregate_attribute(), aggregate, "{major}");
        }
    }
}
