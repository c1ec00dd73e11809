//! [`TrackFactory`]: an event's tracks, creating the event (published, with
//! its owner) when none is given.

use fake::{faker::lorem::en::Sentence, rand::RngExt};
use open_event_server::resources::track::{self, font_color_for};

use crate::event_child::{Common, EventChild, EventChildFactory, SoftDeleted, Trimmable};
use crate::event_child::{event_child, setters};
use crate::{Draw, Result};

/// Track names the factory picks from.
pub const TOPICS: &[&str] = &[
    "Systems",
    "Web",
    "Cloud",
    "Data",
    "Security",
    "Community",
    "DevOps",
    "Design",
    "Machine Learning",
    "Mobile",
    "Open Hardware",
    "Education",
];

/// Tracks. Defaults: a name from [`TOPICS`], a `fake` sentence as
/// description, a random `#rrggbb` colour and its readable `font_color`
/// ([`font_color_for`]: a lazy attribute, and what the server recomputes on
/// every save, whatever a [`lazy`](TrackFactory::lazy) hook set), position
/// = the track's index in the context; only name and colour under
/// [`minimal`](TrackFactory::minimal). Its event: see [`EventChildFactory`].
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let event = EventFactory::new().published().create(&db).await?;
///
/// let red = TrackFactory::colored("#ff0000").for_event(&event).create(&db).await?;
/// assert_eq!((red.color.as_str(), red.font_color.as_str()), ("#ff0000", "#ffffff"));
/// assert_eq!(red.event_id, event.id);
///
/// // Nothing given: a published event (and its owner) is created.
/// let g = TrackFactory::new().with_name("Web").create_graph(&db).await?;
/// assert_eq!((g.event.state.as_str(), g.track.event_id), ("published", g.event.id));
///
/// // build(): in memory, nothing written.
/// let gone = TrackFactory::new().deleted().build()?;
/// assert!(gone.id == 0 && gone.deleted_at.is_some());
/// # Ok(()) }
/// ```
pub type TrackFactory = EventChildFactory<TrackSpec>;

event_child! {
    fn track() -> TrackFactory;
    struct TrackGraph {
        /// The stored track.
        track: track::Model,
    }
}

/// The overrides of a [`TrackFactory`].
#[derive(Clone, Debug, Default)]
pub struct TrackSpec {
    name: Option<String>,
    description: Option<String>,
    color: Option<String>,
    position: Option<i32>,
}

impl Trimmable for TrackSpec {}
impl SoftDeleted for TrackSpec {}

impl TrackFactory {
    setters! {
        /// Sets the name.
        with_name(name: impl Into<String>) => name = Some(name.into());
        /// Sets the description.
        with_description(text: impl Into<String>) => description = Some(text.into());
        /// Sets the colour (`#rrggbb`; taken as given, `font_color` follows).
        with_color(color: impl Into<String>) => color = Some(color.into());
        /// Sets the position.
        at_position(position: i32) => position = Some(position);
    }

    /// A track factory on the global context with colour `color`
    /// (shorthand for `TrackFactory::new().with_color(color)`).
    pub fn colored(color: impl Into<String>) -> Self {
        TrackFactory::new().with_color(color)
    }

    /// Trait: a light colour (`#ffeb3b`: black text).
    pub fn light(self) -> Self {
        self.with_color("#ffeb3b")
    }

    /// Trait: a dark colour (`#1a237e`: white text).
    pub fn dark(self) -> Self {
        self.with_color("#1a237e")
    }
}

impl EventChild for TrackSpec {
    const KIND: &'static str = "track";
    type Entity = track::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<track::Model> {
        // Every random value first, in a fixed order.
        let topic = *d.pick(TOPICS);
        let about: String = d.fake(Sentence(6..12));
        let rgb = d.rng().random::<u32>() & 0x00ff_ffff;

        let color = self.color.unwrap_or_else(|| format!("#{rgb:06x}"));
        Ok(track::Model {
            id: 0,
            event_id: c.event_id,
            created_at: c.created_at,
            deleted_at: c.deleted_at,
            name: self.name.unwrap_or_else(|| topic.to_owned()),
            description: c.optional(self.description, || about),
            // Lazy attribute: the font colour follows the colour.
            font_color: font_color_for(&color),
            color,
            position: c.optional(self.position, || c.position),
        })
    }

    type Graph = TrackGraph;
}
