//! [`SessionTypeFactory`]: the kinds of session an event offers, creating
//! the event (published, with its owner) when none is given.

use open_event_server::resources::session_type::{self, format_length};

use crate::event_child::{Common, EventChild, EventChildFactory, SoftDeleted, Trimmable};
use crate::event_child::{event_child, setters};
use crate::{Draw, FactoryError, Result};

/// Kinds of session and their usual length (`HH:MM`).
pub const CATALOGUE: &[(&str, &str)] = &[
    ("Talk", "00:30"),
    ("Keynote", "00:45"),
    ("Workshop", "01:30"),
    ("Lightning Talk", "00:05"),
    ("Panel", "01:00"),
    ("Tutorial", "02:00"),
    ("Birds of a Feather", "00:45"),
];

/// The usual length of the session type `name` (case-insensitive), if it
/// is in [`CATALOGUE`].
pub fn usual_length(name: &str) -> Option<&'static str> {
    CATALOGUE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, l)| *l)
}

#[derive(Clone, Debug)]
enum Length {
    /// Taken as given.
    Text(String),
    /// Formatted as `HH:MM`.
    Minutes(u32),
}

/// Session types. Defaults: a kind of [`CATALOGUE`] and its length; the
/// length follows a [name](SessionTypeFactory::with_name) found in the
/// catalogue (lazy attribute); position = the session type's index in the
/// context; only name and length under
/// [`minimal`](SessionTypeFactory::minimal). Its event: see
/// [`EventChildFactory`].
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let event = EventFactory::new().published().create(&db).await?;
///
/// let keynote = SessionTypeFactory::new().for_event(&event).with_name("Keynote").create(&db).await?;
/// assert_eq!((keynote.event_id, keynote.length.as_str()), (event.id, "00:45"));
/// let long = SessionTypeFactory::new().for_event(&event).lasting(150).build()?;
/// assert_eq!(long.length, "02:30");
///
/// // Nothing given: a published event (and its owner) is created.
/// let g = SessionTypeFactory::new().create_graph(&db).await?;
/// assert_eq!((g.event.state.as_str(), g.session_type.event_id), ("published", g.event.id));
///
/// // A length the server would refuse can still be stored, for tests.
/// let odd = SessionTypeFactory::new().with_length("90 min").deleted().build()?;
/// assert!(odd.id == 0 && odd.length == "90 min" && odd.deleted_at.is_some());
/// # Ok(()) }
/// ```
pub type SessionTypeFactory = EventChildFactory<SessionTypeSpec>;

event_child! {
    fn session_type() -> SessionTypeFactory;
    struct SessionTypeGraph {
        /// The stored session type.
        session_type: session_type::Model,
    }
}

/// The overrides of a [`SessionTypeFactory`].
#[derive(Clone, Debug, Default)]
pub struct SessionTypeSpec {
    name: Option<String>,
    length: Option<Length>,
    position: Option<i32>,
}

impl Trimmable for SessionTypeSpec {}
impl SoftDeleted for SessionTypeSpec {}

impl SessionTypeFactory {
    setters! {
        /// Sets the name (the length follows when the name is in
        /// [`CATALOGUE`]).
        with_name(name: impl Into<String>) => name = Some(name.into());
        /// Sets the length, taken as given (the API accepts `HH:MM` only; the
        /// db layer stores anything, which lets tests store what the API would
        /// refuse).
        with_length(length: impl Into<String>) => length = Some(Length::Text(length.into()));
        /// Sets the position.
        at_position(position: i32) => position = Some(position);
        /// Trait: `minutes` long, as `HH:MM` (building fails with
        /// [`FactoryError::Invalid`] from 24 hours on).
        lasting(minutes: u32) => length = Some(Length::Minutes(minutes));
    }
}

impl EventChild for SessionTypeSpec {
    const KIND: &'static str = "session_type";
    type Entity = session_type::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<session_type::Model> {
        // Every random value first, in a fixed order.
        let (kind, kind_length) = *d.pick(CATALOGUE);

        let name = self.name.unwrap_or_else(|| kind.to_owned());
        let length = match self.length {
            Some(Length::Text(text)) => text,
            Some(Length::Minutes(minutes)) => format_length(minutes).ok_or_else(|| {
                FactoryError::Invalid(format!("a session type of {minutes} minutes"))
            })?,
            // Lazy attribute: a known name brings its usual length.
            None => usual_length(&name).unwrap_or(kind_length).to_owned(),
        };
        Ok(session_type::Model {
            id: 0,
            event_id: c.event_id,
            created_at: c.created_at,
            deleted_at: c.deleted_at,
            name,
            length,
            position: c.optional(self.position, || c.position),
        })
    }

    type Graph = SessionTypeGraph;
}
