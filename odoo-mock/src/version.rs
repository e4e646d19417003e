//! The recorded wire differences of each Odoo version the embedded server
//! imitates, as data: one table, consulted where the behaviour is served.
//!
//! The source is the recordings of real 16 and 17 servers and their
//! comparison with 18 (`../shared/odoo16/DIFF_FROM_18.md`,
//! `../shared/odoo17/DIFF_FROM_18.md`); 18 is the reference, 19's own
//! differences live with JSON-2 and the field-access rules.

use crate::field_access::series;

/// How `sale.order.action_confirm` answers for an order already confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmAgain {
    /// 16 only refuses done/cancel orders: it confirms again and answers `true`.
    Confirm,
    /// 17: `UserError` "The following orders are not in a state requiring
    /// confirmation: S00021" (the orders' names).
    RefuseNamed,
    /// 18+: `UserError` "Some orders are not in a state requiring confirmation."
    Refuse,
}

/// What a 16-18 server answers on `/json/2/...` (19 serves JSON-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Json2Probe {
    /// 16, 17: the website's 404 page, with `frontend_lang` and `session_id` cookies.
    NotFoundPage,
    /// 18: a 303 redirect to `/web/login?redirect=...`.
    LoginRedirect,
}

/// What one Odoo version answers differently from 18.
#[derive(Debug)]
pub struct Differences {
    /// Model methods that do not exist in this version
    /// (AttributeError "The method '...' does not exist on the model '...'").
    pub missing_methods: &'static [&'static str],
    /// `copy` is single-record and returns one id (up to 17; a list on 18+).
    pub copy_returns_id: bool,
    /// A context `lang` that is not installed is ignored (up to 17; 18+
    /// raise UserError "Invalid language code: ...").
    pub ignores_unknown_lang: bool,
    /// `web_search_read` takes `fields` (16), not `specification` (17+).
    pub web_search_read_fields: bool,
    /// Record rules refuse with the generic "Due to security restrictions"
    /// text (16; 17+ name the user and the rules: "Uh-oh! ...").
    pub generic_rule_error: bool,
    /// `action_confirm` on a confirmed order.
    pub confirm_again: ConfirmAgain,
    /// The Python class that defines `web_search_read` in its TypeErrors.
    pub web_search_read_owner: &'static str,
    /// How often the website's 404 page sets its `frontend_lang` and
    /// `session_id` cookies (16, 17: once; 18: twice each).
    pub not_found_cookie_sets: usize,
    /// The answer to `/json/2/...` before 19.
    pub json2_probe: Json2Probe,
    /// `/web/session/destroy` clears the `cids` cookie (17+; 16 has none).
    pub destroy_clears_cids: bool,
    /// The function named in `search_read`'s TypeError for an unknown keyword
    /// argument (16 `BaseModel.read`, 17+ `BaseModel._read_format`).
    pub search_read_kwargs_owner: &'static str,
    /// 16's domain leaves: a leaf that is not a triple is "Invalid leaf (...)"
    /// (17+ unpack it: "not enough values to unpack ..."), and the `any`
    /// operator does not exist (its list operand is "unhashable type: 'list'").
    pub legacy_domain_leaves: bool,
    /// 16's read_group: no `fields` aggregates every stored numeric field;
    /// two aggregates named alike are UserError "Output name '...' is used
    /// twice."; an unknown aggregate is UserError "Invalid aggregation
    /// function '...'."; an unknown granularity is KeyError; a group's
    /// `__domain` puts the group's terms before the search domain.
    pub legacy_read_group: bool,
    /// A user's partner holds a generated SVG avatar in `image_1920` (17+;
    /// 16 leaves the image empty and only computes the `avatar_*` fields).
    pub stores_generated_avatar: bool,
}

static V16: Differences = Differences {
    missing_methods: &[
        "web_read",
        "web_save",
        "search_fetch",
        "has_access",
        "check_access",
    ],
    copy_returns_id: true,
    ignores_unknown_lang: true,
    web_search_read_fields: true,
    generic_rule_error: true,
    confirm_again: ConfirmAgain::Confirm,
    web_search_read_owner: "Base",
    not_found_cookie_sets: 1,
    json2_probe: Json2Probe::NotFoundPage,
    destroy_clears_cids: false,
    search_read_kwargs_owner: "BaseModel.read",
    legacy_domain_leaves: true,
    legacy_read_group: true,
    stores_generated_avatar: false,
};

static V17: Differences = Differences {
    missing_methods: &["has_access", "check_access"],
    copy_returns_id: true,
    ignores_unknown_lang: true,
    web_search_read_fields: false,
    generic_rule_error: false,
    confirm_again: ConfirmAgain::RefuseNamed,
    web_search_read_owner: "Base",
    not_found_cookie_sets: 1,
    json2_probe: Json2Probe::NotFoundPage,
    destroy_clears_cids: true,
    search_read_kwargs_owner: "BaseModel._read_format",
    legacy_domain_leaves: false,
    legacy_read_group: false,
    stores_generated_avatar: true,
};

static V18: Differences = Differences {
    missing_methods: &["name_get"],
    copy_returns_id: false,
    ignores_unknown_lang: false,
    web_search_read_fields: false,
    generic_rule_error: false,
    confirm_again: ConfirmAgain::Refuse,
    web_search_read_owner: "BaseModel",
    not_found_cookie_sets: 2,
    json2_probe: Json2Probe::LoginRedirect,
    destroy_clears_cids: true,
    search_read_kwargs_owner: "BaseModel._read_format",
    legacy_domain_leaves: false,
    legacy_read_group: false,
    stores_generated_avatar: true,
};

/// The differences of `version` (0, unknown, is 18; below 16 is 16, above 19 is 19).
pub fn of(version: u32) -> &'static Differences {
    match series(version) {
        16 => &V16,
        17 => &V17,
        _ => &V18,
    }
}

impl Differences {
    /// Whether the model method `method` exists in this version.
    pub fn has_method(&self, method: &str) -> bool {
        !self.missing_methods.contains(&method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_get_up_to_17_has_access_from_18() {
        for v in [16, 17] {
            assert!(of(v).has_method("name_get"));
            assert!(!of(v).has_method("has_access"));
            assert!(of(v).copy_returns_id);
        }
        for v in [0, 18, 19] {
            assert!(!of(v).has_method("name_get"));
            assert!(of(v).has_method("has_access"));
            assert!(!of(v).copy_returns_id);
        }
        assert!(!of(16).has_method("web_read"));
        assert!(of(17).has_method("web_read"));
    }
}
