//! `session_types`: the kinds of session an event offers, each with a
//! length (soft-deleted, like events).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A kind of session (talk, workshop, …) of an event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "session_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    /// `HH:MM` (see [`parse_length`]).
    pub length: String,
    pub position: Option<i32>,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

super::created_at_on_insert!();

/// Hours and minutes of a length in Open Event's `%H:%M` format: one or
/// two digits each, hours 0–23, minutes 0–59; `None` otherwise (the API's
/// 422).
///
/// ```
/// use open_event_server::db::entities::session_type::parse_length;
///
/// assert_eq!(parse_length("01:30"), Some((1, 30)));
/// assert_eq!(parse_length("0:5"), Some((0, 5)));
/// assert_eq!(parse_length("24:00"), None);
/// assert_eq!(parse_length("90"), None);
/// ```
pub fn parse_length(length: &str) -> Option<(u32, u32)> {
    let (h, m) = length.split_once(':')?;
    let part = |s: &str, max: u32| {
        let ok = (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    Some((part(h, 23)?, part(m, 59)?))
}

/// Formats minutes as `HH:MM` (`None` from 24 hours on).
///
/// ```
/// use open_event_server::db::entities::session_type::format_length;
///
/// assert_eq!(format_length(90).as_deref(), Some("01:30"));
/// assert_eq!(format_length(24 * 60), None);
/// ```
pub fn format_length(minutes: u32) -> Option<String> {
    (minutes < 24 * 60).then(|| format!("{:02}:{:02}", minutes / 60, minutes % 60))
}
