//! `track`: an event's tracks, each with a colour; `font-color` follows it. Track
//! organizers update tracks too.

use crate::{
    jsonapi::{Field, FieldKind::*, Format, Op, Relationship, Resource, Tag},
    permissions::{Action::*, Role::*, Rule, Table},
    resources::program,
};

pub use entity::*;

/// `tracks`: an event's tracks, each with a colour (soft-deleted, like
/// events). `font_color` is computed from `color` on every save.
pub mod entity {
    use sea_orm::{ActiveValue, entity::prelude::*};
    use serde::{Deserialize, Serialize};

    /// A track of an event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "tracks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub name: String,
        pub description: Option<String>,
        /// `#rrggbb`.
        pub color: String,
        /// Read-only: [`font_color_for`] of `color`, set on every save.
        pub font_color: String,
        pub position: Option<i32>,
        pub created_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    #[async_trait::async_trait]
    impl ActiveModelBehavior for ActiveModel {
        /// `created_at` defaults to the time of insertion; `font_color` follows
        /// `color` whenever `color` is written.
        async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
        where
            C: ConnectionTrait,
        {
            if insert && self.created_at.is_not_set() {
                self.created_at = ActiveValue::Set(chrono::Utc::now());
            }
            if let ActiveValue::Set(color) = &self.color {
                self.font_color = ActiveValue::Set(font_color_for(color));
            }
            Ok(self)
        }
    }

    /// True for `#rrggbb` (hex digits in either case): the colours the API
    /// accepts.
    pub fn is_hex_color(color: &str) -> bool {
        color.len() == 7
            && color.starts_with('#')
            && color[1..].bytes().all(|b| b.is_ascii_hexdigit())
    }

    /// The text colour readable on a `color` background: `#000000` on light
    /// colours, `#ffffff` on dark ones (perceived brightness
    /// `0.299 r + 0.587 g + 0.114 b` above half: black, as Open Event does).
    /// Accepts `#rrggbb` with or without the `#`; anything else gets
    /// `#000000`.
    ///
    /// ```
    /// use open_event_server::resources::track::font_color_for;
    ///
    /// assert_eq!(font_color_for("#ffff00"), "#000000");
    /// assert_eq!(font_color_for("#1A237E"), "#ffffff");
    /// assert_eq!(font_color_for("#808080"), "#000000");
    /// assert_eq!(font_color_for("#7f7f7f"), "#ffffff");
    /// ```
    pub fn font_color_for(color: &str) -> String {
        let hex = color.strip_prefix('#').unwrap_or(color);
        let dark = hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && {
            let channel = |i: usize| u32::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            // brightness ≤ 1/2, in integers: 299 r + 587 g + 114 b ≤ 1000 · 255 / 2.
            299 * channel(0) + 587 * channel(2) + 114 * channel(4) <= 127_500
        };
        if dark { "#ffffff" } else { "#000000" }.to_owned()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn font_color_by_brightness() {
            assert_eq!(font_color_for("#000000"), "#ffffff");
            assert_eq!(font_color_for("#ffffff"), "#000000");
            assert_eq!(font_color_for("#ff0000"), "#ffffff"); // 0.299
            assert_eq!(font_color_for("#00ff00"), "#000000"); // 0.587
            assert_eq!(font_color_for("0000ff"), "#ffffff");
            assert_eq!(font_color_for("#zzzzzz"), "#000000");
            assert_eq!(font_color_for("#fff"), "#000000");
            assert_eq!(font_color_for("+0+0+0"), "#000000");
        }

        #[test]
        fn hex_colors() {
            assert!(is_hex_color("#a1B2c3"));
            assert!(!is_hex_color("a1b2c3"));
            assert!(!is_hex_color("#a1b2c"));
            assert!(!is_hex_color("#a1b2cg"));
            assert!(!is_hex_color("#é1b2c"));
        }
    }
}

/// Track organizers (and everyone above them on the event) update tracks.
const UPDATE: &[Rule] = &[Rule::role(TrackOrganizer)];

/// Who sees and manages tracks (see [`program`]).
pub const TABLE: Table = program::table(
    "track",
    "tracks",
    &[
        (List, program::SEE),
        (View, program::SEE),
        (Create, program::MANAGE),
        (Update, UPDATE),
        (Delete, program::MANAGE),
    ],
);

const FIELDS: &[Field] = &[
    Field::new("name", "name", Str { max: 255 }, "").required(),
    Field::new("description", "description", Text { max: 5000 }, ""),
    Field::new(
        "color",
        "color",
        Format(Format::HexColor),
        "Background colour, `#rrggbb`.",
    )
    .required(),
    Field::new(
        "font-color",
        "font_color",
        Format(Format::HexColor),
        "Text colour readable on `color` (black or white); set by the server.",
    )
    .not_null()
    .read_only(),
    Field::new(
        "position",
        "position",
        Int {
            min: 0,
            max: 10_000,
        },
        "Order among the event's tracks.",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

/// The `track` resource.
pub struct TrackResource;

impl Resource for TrackResource {
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
    const TYPE: &'static str = "track";
    const PLURAL: &'static str = "tracks";
    const SCHEMA: &'static str = "Track";
    const TABLE: &'static str = "tracks";
    const TITLE: &'static str = "Tracks";
    const ID_PARAM: &'static str = "track_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = program::operations!(
        "tracks",
        "a track",
        update: "The event's organizers, its track organizers, and staff.",
        delete: "Soft delete, by the event's organizers or staff.",
    );

    fn id(model: &Model) -> i64 {
        model.id
    }
}
