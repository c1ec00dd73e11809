//! `session-type`: the kinds of session an event offers (talk, workshop…) and their
//! length.

use crate::{
    jsonapi::{Field, FieldKind::*, Format, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

pub use entity::*;

/// `session_types`: the kinds of session an event offers, each with a
/// length (soft-deleted, like events).
pub mod entity {
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

    crate::db::entities::created_at_on_insert!();

    /// Hours and minutes of a length in Open Event's `%H:%M` format: one or
    /// two digits each, hours 0–23, minutes 0–59; `None` otherwise (the API's
    /// 422).
    ///
    /// ```
    /// use open_event_server::resources::session_type::parse_length;
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
    /// use open_event_server::resources::session_type::format_length;
    ///
    /// assert_eq!(format_length(90).as_deref(), Some("01:30"));
    /// assert_eq!(format_length(24 * 60), None);
    /// ```
    pub fn format_length(minutes: u32) -> Option<String> {
        (minutes < 24 * 60).then(|| format!("{:02}:{:02}", minutes / 60, minutes % 60))
    }
}

/// Who sees and manages them (see [`program`]).
pub const TABLE: Table = program::table("session-type", "session_types", program::RULES);

const FIELDS: &[Field] = &[
    Field::new("name", "name", Str { max: 255 }, "").required(),
    Field::new(
        "length",
        "length",
        Format(Format::HoursMinutes),
        "Length as `HH:MM`.",
    )
    .required(),
    Field::new(
        "position",
        "position",
        Int {
            min: 0,
            max: 10_000,
        },
        "",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

/// The `session-type` resource.
pub struct SessionTypeResource;

impl Resource for SessionTypeResource {
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
    const TYPE: &'static str = "session-type";
    const PLURAL: &'static str = "session-types";
    const SCHEMA: &'static str = "SessionType";
    const TABLE: &'static str = "session_types";
    const TITLE: &'static str = "Session types";
    const ID_PARAM: &'static str = "session_type_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] =
        program::operations!("session-types", "a session type", soft_delete);

    fn id(model: &Model) -> i64 {
        model.id
    }
}
