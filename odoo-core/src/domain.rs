//! Odoo search domains, built in Rust and sent in Odoo's own notation.
//!
//! A domain is a tree of conditions; on the wire it is a list in Polish
//! (prefix) notation: `["|", ["state", "=", "sale"], ["amount_total", ">", 100]]`.
//! Build it with [`field`] and the `&`, `|` and `!` operators:
//!
//! ```
//! use odoo_core::domain::{field, Domain};
//! use serde_json::json;
//!
//! let d = field("state").eq("sale") & (field("amount_total").gt(100.0) | !field("partner_id.country_id.code").eq("US"));
//! assert_eq!(
//!     d.to_value(),
//!     json!(["&", ["state", "=", "sale"], "|", ["amount_total", ">", 100.0], "!", ["partner_id.country_id.code", "=", "US"]])
//! );
//! assert_eq!(Domain::all().to_value(), json!([]));
//! ```

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::Value;

/// A comparison operator of a domain leaf: every operator Odoo 16-19 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=?`: true when the value is empty, else `=`.
    EqOrUnset,
    /// `=like`: SQL `LIKE` with the pattern as given.
    EqLike,
    /// `=ilike`: case-insensitive `=like`.
    EqIlike,
    /// `like`: contains, case-sensitive.
    Like,
    /// `not like`
    NotLike,
    /// `ilike`: contains, case-insensitive.
    Ilike,
    /// `not ilike`
    NotIlike,
    /// `in`: the value is one of a list.
    In,
    /// `not in`
    NotIn,
    /// `child_of`: the record or any of its descendants.
    ChildOf,
    /// `parent_of`: the record or any of its ancestors.
    ParentOf,
    /// `any`: some related record matches a sub-domain.
    Any,
    /// `not any`: no related record matches a sub-domain.
    NotAny,
}

impl Operator {
    /// The operator as Odoo spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::EqOrUnset => "=?",
            Operator::EqLike => "=like",
            Operator::EqIlike => "=ilike",
            Operator::Like => "like",
            Operator::NotLike => "not like",
            Operator::Ilike => "ilike",
            Operator::NotIlike => "not ilike",
            Operator::In => "in",
            Operator::NotIn => "not in",
            Operator::ChildOf => "child_of",
            Operator::ParentOf => "parent_of",
            Operator::Any => "any",
            Operator::NotAny => "not any",
        }
    }

    /// Every operator, e.g. to validate input.
    pub const ALL: [Operator; 19] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
        Operator::EqOrUnset,
        Operator::EqLike,
        Operator::EqIlike,
        Operator::Like,
        Operator::NotLike,
        Operator::Ilike,
        Operator::NotIlike,
        Operator::In,
        Operator::NotIn,
        Operator::ChildOf,
        Operator::ParentOf,
        Operator::Any,
        Operator::NotAny,
    ];

    /// Parse Odoo's spelling of an operator (`"not ilike"`, `"child_of"`, ...).
    pub fn parse(text: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.as_str() == text)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A search domain: a condition on records. The default matches every
/// record.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Domain {
    /// Every record (`[]`, or the leaf `(1, '=', 1)` inside a combination).
    #[default]
    True,
    /// No record (the leaf `(0, '=', 1)`).
    False,
    /// `[path, operator, value]`; `path` may be dotted (`partner_id.country_id.code`).
    Leaf {
        /// The field, or a dotted path through relations.
        path: String,
        /// The comparison.
        operator: Operator,
        /// The value compared with; a sub-domain for `any` / `not any`.
        value: Value,
    },
    /// All of these (`&`).
    And(Vec<Domain>),
    /// Any of these (`|`).
    Or(Vec<Domain>),
    /// Not this (`!`).
    Not(Box<Domain>),
}

impl Domain {
    /// The domain that matches every record: `[]` on the wire.
    pub fn all() -> Self {
        Domain::True
    }

    /// The domain that matches no record.
    pub fn none() -> Self {
        Domain::False
    }

    /// A leaf `[path, operator, value]`.
    pub fn leaf(path: impl Into<String>, operator: Operator, value: impl Into<Value>) -> Self {
        Domain::Leaf {
            path: path.into(),
            operator,
            value: value.into(),
        }
    }

    /// Both this and `other`.
    pub fn and(self, other: Domain) -> Self {
        match (self, other) {
            (Domain::True, d) | (d, Domain::True) => d,
            (Domain::And(mut a), Domain::And(b)) => {
                a.extend(b);
                Domain::And(a)
            }
            (Domain::And(mut a), d) => {
                a.push(d);
                Domain::And(a)
            }
            (d, Domain::And(mut b)) => {
                b.insert(0, d);
                Domain::And(b)
            }
            (a, b) => Domain::And(vec![a, b]),
        }
    }

    /// This or `other`.
    pub fn or(self, other: Domain) -> Self {
        match (self, other) {
            (Domain::False, d) | (d, Domain::False) => d,
            (Domain::Or(mut a), Domain::Or(b)) => {
                a.extend(b);
                Domain::Or(a)
            }
            (Domain::Or(mut a), d) => {
                a.push(d);
                Domain::Or(a)
            }
            (d, Domain::Or(mut b)) => {
                b.insert(0, d);
                Domain::Or(b)
            }
            (a, b) => Domain::Or(vec![a, b]),
        }
    }

    /// The domain as Odoo's prefix-notation list.
    pub fn to_value(&self) -> Value {
        // Serialising a domain into a Value cannot fail: every part is JSON.
        serde_json::to_value(self).unwrap_or_else(|_| Value::Array(Vec::new()))
    }

    /// Append the prefix notation of this domain (as a part of a larger one).
    fn push_terms<'a>(&'a self, out: &mut Vec<Term<'a>>) {
        match self {
            Domain::True => out.push(Term::Constant(true)),
            Domain::False => out.push(Term::Constant(false)),
            Domain::Leaf {
                path,
                operator,
                value,
            } => out.push(Term::Leaf(path, *operator, value)),
            Domain::And(parts) | Domain::Or(parts) => {
                let op = if matches!(self, Domain::And(_)) {
                    "&"
                } else {
                    "|"
                };
                match parts.len() {
                    0 => out.push(Term::Constant(matches!(self, Domain::And(_)))),
                    _ => {
                        for _ in 1..parts.len() {
                            out.push(Term::Op(op));
                        }
                        for part in parts {
                            part.push_terms(out);
                        }
                    }
                }
            }
            Domain::Not(inner) => {
                out.push(Term::Op("!"));
                inner.push_terms(out);
            }
        }
    }
}

/// One element of the prefix notation.
enum Term<'a> {
    Op(&'static str),
    Leaf(&'a str, Operator, &'a Value),
    Constant(bool),
}

impl Serialize for Term<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Term::Op(op) => serializer.serialize_str(op),
            Term::Leaf(path, op, value) => (path, op.as_str(), value).serialize(serializer),
            // Odoo's TRUE_LEAF and FALSE_LEAF.
            Term::Constant(true) => (1, "=", 1).serialize(serializer),
            Term::Constant(false) => (0, "=", 1).serialize(serializer),
        }
    }
}

impl Serialize for Domain {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if matches!(self, Domain::True) {
            return serializer.serialize_seq(Some(0))?.end();
        }
        let mut terms = Vec::new();
        self.push_terms(&mut terms);
        let mut seq = serializer.serialize_seq(Some(terms.len()))?;
        for term in &terms {
            seq.serialize_element(term)?;
        }
        seq.end()
    }
}

impl BitAnd for Domain {
    type Output = Domain;
    fn bitand(self, rhs: Domain) -> Domain {
        self.and(rhs)
    }
}

impl BitOr for Domain {
    type Output = Domain;
    fn bitor(self, rhs: Domain) -> Domain {
        self.or(rhs)
    }
}

impl Not for Domain {
    type Output = Domain;
    fn not(self) -> Domain {
        match self {
            Domain::True => Domain::False,
            Domain::False => Domain::True,
            Domain::Not(inner) => *inner,
            d => Domain::Not(Box::new(d)),
        }
    }
}

/// Start a leaf on a field or a dotted path: `field("partner_id.name").ilike("deco")`.
pub fn field(path: impl Into<String>) -> Field {
    Field(path.into())
}

/// A field (or dotted path) waiting for its comparison. See [`field`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field(String);

macro_rules! comparisons {
    ($($(#[$doc:meta])* $name:ident => $op:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(self, value: impl Into<Value>) -> Domain {
                Domain::leaf(self.0, Operator::$op, value)
            }
        )*
    };
}

impl Field {
    comparisons!(
        /// `=`
        eq => Eq,
        /// `!=`
        ne => Ne,
        /// `>`
        gt => Gt,
        /// `>=`
        ge => Ge,
        /// `<`
        lt => Lt,
        /// `<=`
        le => Le,
        /// `=?`: matches everything when the value is empty (`false`/`None`).
        eq_or_unset => EqOrUnset,
        /// `=like`: an SQL `LIKE` pattern (`%`, `_`), case-sensitive.
        eq_like => EqLike,
        /// `=ilike`: an SQL `LIKE` pattern, case-insensitive.
        eq_ilike => EqIlike,
        /// `like`: contains the text, case-sensitive.
        like => Like,
        /// `not like`
        not_like => NotLike,
        /// `ilike`: contains the text, case-insensitive.
        ilike => Ilike,
        /// `not ilike`
        not_ilike => NotIlike,
        /// `child_of`: the record(s) or their descendants.
        child_of => ChildOf,
        /// `parent_of`: the record(s) or their ancestors.
        parent_of => ParentOf,
    );

    /// `in`: one of these values.
    pub fn is_in<T: Into<Value>>(self, values: impl IntoIterator<Item = T>) -> Domain {
        let list: Vec<Value> = values.into_iter().map(Into::into).collect();
        Domain::leaf(self.0, Operator::In, Value::Array(list))
    }

    /// `not in`: none of these values.
    pub fn not_in<T: Into<Value>>(self, values: impl IntoIterator<Item = T>) -> Domain {
        let list: Vec<Value> = values.into_iter().map(Into::into).collect();
        Domain::leaf(self.0, Operator::NotIn, Value::Array(list))
    }

    /// `= False`: the field is empty.
    pub fn is_unset(self) -> Domain {
        Domain::leaf(self.0, Operator::Eq, false)
    }

    /// `!= False`: the field is set.
    pub fn is_set(self) -> Domain {
        Domain::leaf(self.0, Operator::Ne, false)
    }

    /// `any`: some related record matches `domain`.
    pub fn any(self, domain: Domain) -> Domain {
        let value = domain.to_value();
        Domain::leaf(self.0, Operator::Any, value)
    }

    /// `not any`: no related record matches `domain`.
    pub fn not_any(self, domain: Domain) -> Domain {
        let value = domain.to_value();
        Domain::leaf(self.0, Operator::NotAny, value)
    }

    /// Any operator, e.g. one chosen at run time.
    pub fn op(self, operator: Operator, value: impl Into<Value>) -> Domain {
        Domain::leaf(self.0, operator, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operator_has_odoos_spelling() {
        let spelled: Vec<&str> = Operator::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(
            spelled,
            [
                "=",
                "!=",
                ">",
                ">=",
                "<",
                "<=",
                "=?",
                "=like",
                "=ilike",
                "like",
                "not like",
                "ilike",
                "not ilike",
                "in",
                "not in",
                "child_of",
                "parent_of",
                "any",
                "not any"
            ]
        );
        for op in Operator::ALL {
            assert_eq!(Operator::parse(op.as_str()), Some(op));
        }
        assert_eq!(Operator::parse("~~"), None);
    }

    #[test]
    fn single_leaf_is_a_list_of_one() {
        // As in the real search fixture: [["is_company", "=", true]]
        assert_eq!(
            field("is_company").eq(true).to_value(),
            json!([["is_company", "=", true]])
        );
    }

    #[test]
    fn and_of_three_has_two_ampersands() {
        let d = field("a").eq(1) & field("b").eq(2) & field("c").eq(3);
        assert_eq!(
            d.to_value(),
            json!(["&", "&", ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]])
        );
    }

    #[test]
    fn nesting_keeps_precedence() {
        let d = (field("a").eq(1) | field("b").eq(2)) & !(field("c").eq(3) & field("d").eq(4));
        assert_eq!(
            d.to_value(),
            json!([
                "&",
                "|",
                ["a", "=", 1],
                ["b", "=", 2],
                "!",
                "&",
                ["c", "=", 3],
                ["d", "=", 4]
            ])
        );
    }

    #[test]
    fn constants_simplify() {
        assert_eq!(
            (Domain::all() & field("a").eq(1)).to_value(),
            json!([["a", "=", 1]])
        );
        assert_eq!(
            (Domain::none() | field("a").eq(1)).to_value(),
            json!([["a", "=", 1]])
        );
        assert_eq!(Domain::none().to_value(), json!([[0, "=", 1]]));
        assert_eq!((!Domain::all()).to_value(), json!([[0, "=", 1]]));
        assert_eq!(
            (field("a").eq(1) | Domain::all()).to_value(),
            json!(["|", ["a", "=", 1], [1, "=", 1]])
        );
        assert_eq!((!!field("a").eq(1)).to_value(), json!([["a", "=", 1]]));
    }

    #[test]
    fn list_operators_and_subdomains() {
        assert_eq!(
            field("id").is_in([1, 3]).to_value(),
            json!([["id", "in", [1, 3]]])
        );
        assert_eq!(
            field("state").not_in(["cancel"]).to_value(),
            json!([["state", "not in", ["cancel"]]])
        );
        assert_eq!(
            field("order_line")
                .any(field("product_id.default_code").eq("FURN_7800"))
                .to_value(),
            json!([[
                "order_line",
                "any",
                [["product_id.default_code", "=", "FURN_7800"]]
            ]])
        );
        assert_eq!(
            field("parent_id").is_unset().to_value(),
            json!([["parent_id", "=", false]])
        );
    }
}
