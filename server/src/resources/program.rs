//! The permission rules shared by an event's program resources (sponsors,
//! tracks, microlocations, session types, social links, FAQs): the event's
//! organizers (owner, organizer, co-organizer) and staff do everything; the
//! rest of the event's team (track organizers, moderators, registrars) sees
//! them like the event itself; everyone else lists and views them only
//! while the event is published (404 on a draft's). No anonymous writes
//! (Open Event let anyone create social links).

use crate::{
    jsonapi::{Relationship, Tag, meta},
    permissions::{Action, Action::*, EventLink, Role::*, Rule, Table},
    resources::event::{EVENT_PUBLISHED, EventResource},
};

/// The spec tag of the program resources.
pub const TAG: Tag = Tag {
    name: "Event program",
    description: "What an event offers around its sessions: sponsors, tracks, rooms, session \
                  types, links and FAQs.",
};

/// Who sees an event's program objects: the public while the event is
/// published, its team always.
pub const SEE: &[Rule] = &[
    Rule::role(Anyone).when(&[&EVENT_PUBLISHED]),
    Rule::role(TrackOrganizer),
    Rule::role(Moderator),
    Rule::role(Registrar),
];

/// Who manages them: the event's organizers (owner, organizer, co-organizer).
pub const MANAGE: &[Rule] = &[Rule::role(Coorganizer)];

/// The rules of a program resource: the team and the public (published
/// events) see; organizers manage.
pub const RULES: &[(Action, &[Rule])] = &[
    (List, SEE),
    (View, SEE),
    (Create, MANAGE),
    (Update, MANAGE),
    (Delete, MANAGE),
];

/// The table of a program resource whose rows name their event in
/// `event_id`.
pub const fn table(
    resource: &'static str,
    table: &'static str,
    rules: &'static [(Action, &'static [Rule])],
) -> Table {
    Table {
        resource,
        table,
        event: EventLink::Column("event_id"),
        user_column: None,
        rules,
    }
}

/// The relationship every program resource has: its event, required on
/// create and fixed afterwards.
pub const EVENT: &[Relationship] = &[Relationship::to_one(
    "event",
    meta::<EventResource>,
    "event_id",
    "The event; required.",
)
.required()];

/// The five operations of a program resource with their spec text:
/// `operations!("sponsors", "a sponsor", delete: "Soft delete, by …")`.
macro_rules! operations {
    ($plural:literal, $one:literal, update: $update:literal, delete: $delete:literal $(,)?) => {
        &[
            $crate::jsonapi::Op::new(
                $crate::jsonapi::OpKind::List,
                concat!("List ", $plural),
                concat!(
                    "Those of published events, and of the events the caller works on. ",
                    "`filter[event]=<id>` narrows to one event (or use `/v1/events/{event_id}/",
                    $plural,
                    "`)."
                ),
            ),
            $crate::jsonapi::Op::new(
                $crate::jsonapi::OpKind::Create,
                concat!("Add ", $one),
                "The event's owner, organizers and co-organizers, and staff.",
            ),
            $crate::jsonapi::Op::new(
                $crate::jsonapi::OpKind::Get,
                concat!("Get ", $one),
                "404 while its event is a draft, unless the caller works on it.",
            ),
            $crate::jsonapi::Op::new($crate::jsonapi::OpKind::Update, concat!("Update ", $one), $update),
            $crate::jsonapi::Op::new($crate::jsonapi::OpKind::Delete, concat!("Delete ", $one), $delete),
        ]
    };
    ($plural:literal, $one:literal, soft_delete $(,)?) => {
        $crate::resources::program::operations!(
            $plural,
            $one,
            update: "The event's organizers and staff.",
            delete: "Soft delete, by the event's organizers or staff.",
        )
    };
    ($plural:literal, $one:literal, hard_delete $(,)?) => {
        $crate::resources::program::operations!(
            $plural,
            $one,
            update: "The event's organizers and staff.",
            delete: "The event's organizers or staff; gone for good.",
        )
    };
}
pub(crate) use operations;
