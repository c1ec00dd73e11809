//! `track`: an event's tracks, each with a colour; `font-color` follows it. Track
//! organizers update tracks too.

use crate::{
    db::entities::track,
    jsonapi::{Field, FieldKind::*, Format, Op, Relationship, Resource, Tag},
    permissions::{Action::*, Role::*, Rule, Table},
    resources::program,
};

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
    type Entity = track::Entity;
    type Model = track::Model;
    type ActiveModel = track::ActiveModel;
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

    fn id(model: &track::Model) -> i64 {
        model.id
    }
}
