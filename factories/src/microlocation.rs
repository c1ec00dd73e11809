//! [`MicrolocationFactory`]: an event's rooms and places, creating the event
//! (published, with its owner) when none is given.

use fake::rand::RngExt;
use open_event_server::resources::microlocation;

use crate::event_child::{Common, EventChild, EventChildFactory, SoftDeleted, Trimmable};
use crate::event_child::{event_child, setters};
use crate::{Draw, Result};

/// Kinds of room the default names start with.
pub const ROOM_KINDS: &[&str] = &[
    "Hall",
    "Room",
    "Auditorium",
    "Lab",
    "Stage",
    "Studio",
    "Lounge",
];

/// Microlocations. Defaults: a name like `Hall C` (a kind of
/// [`ROOM_KINDS`] and a letter), a floor from 0 to 4 and a room label on
/// it (`2.14`), shown in the scheduler, position = the microlocation's
/// index in the context; coordinates within a few hundred metres of the
/// event's (lazy attribute), none on an event without coordinates (online),
/// random ones when the event is not known yet (`build` without
/// [`for_event`](MicrolocationFactory::for_event)); only the name under
/// [`minimal`](MicrolocationFactory::minimal). Its event: see
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
/// let room = MicrolocationFactory::new().for_event(&event).on_floor(3).hidden().create(&db).await?;
/// assert_eq!((room.event_id, room.floor, room.hidden_in_scheduler), (event.id, Some(3), true));
/// assert!((room.latitude.unwrap() - event.latitude.unwrap()).abs() < 0.01);
///
/// // Nothing given: a published event (and its owner) is created.
/// let g = MicrolocationFactory::new().with_name("Main Hall").create_graph(&db).await?;
/// assert_eq!((g.event.state.as_str(), g.microlocation.event_id), ("published", g.event.id));
///
/// // build(): in memory, nothing written.
/// let gone = MicrolocationFactory::new().deleted().minimal().build()?;
/// assert!(gone.id == 0 && gone.deleted_at.is_some() && gone.floor.is_none());
/// # Ok(()) }
/// ```
pub type MicrolocationFactory = EventChildFactory<MicrolocationSpec>;

event_child! {
    fn microlocation() -> MicrolocationFactory;
    struct MicrolocationGraph {
        /// The stored microlocation.
        microlocation: microlocation::Model,
    }
}

/// The overrides of a [`MicrolocationFactory`].
#[derive(Clone, Debug, Default)]
pub struct MicrolocationSpec {
    name: Option<String>,
    coordinates: Option<(f64, f64)>,
    floor: Option<i32>,
    hidden: bool,
    room: Option<String>,
    position: Option<i32>,
}

impl Trimmable for MicrolocationSpec {}
impl SoftDeleted for MicrolocationSpec {}

impl MicrolocationFactory {
    setters! {
        /// Sets the name.
        with_name(name: impl Into<String>) => name = Some(name.into());
        /// Sets latitude and longitude.
        located_at(latitude: f64, longitude: f64) => coordinates = Some((latitude, longitude));
        /// Sets the floor (the default room label follows).
        on_floor(floor: i32) => floor = Some(floor);
        /// Sets the room label.
        with_room(room: impl Into<String>) => room = Some(room.into());
        /// Sets the position.
        at_position(position: i32) => position = Some(position);
        /// Trait: hidden in the scheduler.
        hidden() => hidden = true;
    }
}

impl EventChild for MicrolocationSpec {
    const KIND: &'static str = "microlocation";
    type Entity = microlocation::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<microlocation::Model> {
        // Every random value first, in a fixed order.
        let kind = *d.pick(ROOM_KINDS);
        let letter = char::from(b'A' + d.rng().random_range(0..8u8));
        let floor: i32 = d.rng().random_range(0..=4);
        let number: i32 = d.rng().random_range(1..=40);
        let north: f64 = d.rng().random_range(-0.002..=0.002);
        let east: f64 = d.rng().random_range(-0.002..=0.002);
        let latitude: f64 = d.rng().random_range(-90.0..=90.0);
        let longitude: f64 = d.rng().random_range(-180.0..=180.0);

        // Lazy attributes: near the event; the room label is on the floor.
        let near = match c.event {
            Some(e) => e.latitude.zip(e.longitude).map(|(lat, lon)| {
                (
                    round6((lat + north).clamp(-90.0, 90.0)),
                    round6((lon + east).clamp(-180.0, 180.0)),
                )
            }),
            None => Some((round6(latitude), round6(longitude))),
        };
        let coordinates = self.coordinates.or(near.filter(|_| c.full()));
        let floor = c.optional(self.floor, || floor);
        let room = c.optional(self.room, || {
            format!("{}.{number:02}", floor.unwrap_or_default())
        });
        Ok(microlocation::Model {
            id: 0,
            event_id: c.event_id,
            created_at: c.created_at,
            deleted_at: c.deleted_at,
            name: self.name.unwrap_or_else(|| format!("{kind} {letter}")),
            latitude: coordinates.map(|c| c.0),
            longitude: coordinates.map(|c| c.1),
            floor,
            hidden_in_scheduler: self.hidden,
            room,
            position: c.optional(self.position, || c.position),
        })
    }

    type Graph = MicrolocationGraph;
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
