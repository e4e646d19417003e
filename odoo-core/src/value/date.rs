use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

const DATE_FORMAT: &str = "%Y-%m-%d";
const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The value of a date field: `"YYYY-MM-DD"` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// The value of a datetime field: `"YYYY-MM-DD HH:MM:SS"` on the wire, always
/// UTC (Odoo stores datetimes in UTC and converts only in its web client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

impl Date {
    /// A date from year, month and day; `None` when there is no such day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }
}

impl DateTime {
    /// The current time, truncated to the second as Odoo stores it.
    pub fn now() -> Self {
        let now = Utc::now();
        DateTime(
            Utc.timestamp_opt(now.timestamp(), 0)
                .single()
                .unwrap_or(now),
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(DATE_FORMAT))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(DATETIME_FORMAT))
    }
}

impl FromStr for Date {
    type Err = chrono::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveDate::parse_from_str(s, DATE_FORMAT).map(Date)
    }
}

impl FromStr for DateTime {
    type Err = chrono::ParseError;
    /// Parses Odoo's `YYYY-MM-DD HH:MM:SS`, with optional fractional seconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
            .map(|naive| DateTime(Utc.from_utc_datetime(&naive)))
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(d: chrono::DateTime<Utc>) -> Self {
        DateTime(d)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Decodes a string with `FromStr`, naming the expected format on failure.
struct ParseVisitor<T>(&'static str, std::marker::PhantomData<T>);

impl<T: FromStr> Visitor<'_> for ParseVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseVisitor("a date \"YYYY-MM-DD\"", Default::default()))
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseVisitor(
            "a datetime \"YYYY-MM-DD HH:MM:SS\" (UTC)",
            Default::default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_odoo_formats() {
        let d: Date = serde_json::from_value(json!("2026-12-25")).unwrap();
        assert_eq!(d, Date::from_ymd(2026, 12, 25).unwrap());
        assert_eq!(serde_json::to_value(d).unwrap(), json!("2026-12-25"));

        let t: DateTime = serde_json::from_value(json!("2026-11-24 23:11:29")).unwrap();
        assert_eq!(t.0.timestamp(), 1_795_561_889);
        assert_eq!(
            serde_json::to_value(t).unwrap(),
            json!("2026-11-24 23:11:29")
        );
        let t: DateTime = serde_json::from_value(json!("2026-11-24 23:11:29.123456")).unwrap();
        assert_eq!(t.to_string(), "2026-11-24 23:11:29");
    }

    #[test]
    fn names_the_expected_format() {
        let err = serde_json::from_value::<Date>(json!("24/11/2026")).unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        assert!(serde_json::from_value::<DateTime>(json!("2026-11-24T23:11:29Z")).is_err());
    }
}
