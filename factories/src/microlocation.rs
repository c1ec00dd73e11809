//! [`MicrolocationFactory`]: an event's rooms and places, creating the event
//! (published, with its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::rand::RngExt;
use open_event_server::db::{
    self,
    entities::{event, microlocation},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::FactoryContext,
    error::Result,
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

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

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

/// What [`MicrolocationFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct MicrolocationGraph {
    /// The event (the one given, or the one the sub-factory created).
    pub event: event::Model,
    /// The stored microlocation.
    pub microlocation: microlocation::Model,
}

/// Microlocations. Defaults: a name like `Hall C` (a kind of
/// [`ROOM_KINDS`] and a letter), a floor from 0 to 4 and a room label on
/// it (`2.14`), shown in the scheduler, position = the microlocation's
/// index in the context; coordinates within a few hundred metres of the
/// event's (lazy attribute), none on an event without coordinates (online),
/// random ones when the event is not known yet (`build` without
/// [`for_event`](MicrolocationFactory::for_event)). On a new published
/// event (sub-factory: the event brings its owner) unless `for_event`
/// names one. `build` creates nothing: its `event_id` is the given event's
/// id, or 0.
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
#[derive(Clone)]
pub struct MicrolocationFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    name: Option<String>,
    coordinates: Option<(f64, f64)>,
    floor: Option<i32>,
    hidden: bool,
    room: Option<String>,
    position: Option<i32>,
    minimal: bool,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<microlocation::Model>>,
}

impl Default for MicrolocationFactory {
    fn default() -> Self {
        MicrolocationFactory::new()
    }
}

impl FactoryContext {
    /// A [`MicrolocationFactory`] drawing from this context.
    pub fn microlocation(&self) -> MicrolocationFactory {
        MicrolocationFactory::in_context(self)
    }
}

impl MicrolocationFactory {
    /// A microlocation factory on the [global](FactoryContext::global)
    /// context.
    pub fn new() -> Self {
        MicrolocationFactory::in_context(&FactoryContext::global())
    }

    /// A microlocation factory on `ctx` (also
    /// [`FactoryContext::microlocation`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        MicrolocationFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            name: None,
            coordinates: None,
            floor: None,
            hidden: false,
            room: None,
            position: None,
            minimal: false,
            deleted: false,
            created_at: None,
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    // ----- sub-factory: the event -----

    /// The microlocation belongs to this existing event (none is created).
    pub fn for_event(mut self, event: &event::Model) -> Self {
        self.event = Party::Existing(event.clone());
        self
    }

    /// The event is made by `factory` at create time (default: the
    /// context's [`EventFactory`], published).
    pub fn with_event(mut self, factory: EventFactory) -> Self {
        self.event = Party::New(Some(Box::new(factory)));
        self
    }

    // ----- overrides -----

    /// Sets the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets latitude and longitude.
    pub fn located_at(mut self, latitude: f64, longitude: f64) -> Self {
        self.coordinates = Some((latitude, longitude));
        self
    }

    /// Sets the floor (the default room label follows).
    pub fn on_floor(mut self, floor: i32) -> Self {
        self.floor = Some(floor);
        self
    }

    /// Sets the room label.
    pub fn with_room(mut self, room: impl Into<String>) -> Self {
        self.room = Some(room.into());
        self
    }

    /// Sets the position.
    pub fn at_position(mut self, position: i32) -> Self {
        self.position = Some(position);
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time of
    /// insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built microlocation after every
    /// default, override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut microlocation::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: hidden in the scheduler.
    pub fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }

    /// Trait: only the required attributes (name); coordinates, floor,
    /// room and position are `None` unless set.
    pub fn minimal(mut self) -> Self {
        self.minimal = true;
        self
    }

    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    /// Creates the missing event, then the microlocation; returns both.
    pub async fn create_graph(mut self, db: &DatabaseConnection) -> Result<MicrolocationGraph> {
        let keep_created_at = self.created_at.is_some();
        let event = match std::mem::replace(&mut self.event, Party::New(None)) {
            Party::Existing(e) => e,
            Party::New(f) => {
                f.map_or_else(|| self.ctx.event().published(), |b| *b)
                    .create(db)
                    .await?
            }
        };
        let model = self.for_event(&event).build()?;
        let mut am = microlocation::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let microlocation = db::write::insert(db, am).await?;
        Ok(MicrolocationGraph {
            event,
            microlocation,
        })
    }
}

const KIND: &str = "microlocation";

impl Factory for MicrolocationFactory {
    type Built = microlocation::Model;
    type Model = microlocation::Model;

    fn build(self) -> Result<microlocation::Model> {
        let mut d = self.ctx.draw(KIND);
        // Every random value first, in a fixed order.
        let kind = *d.pick(ROOM_KINDS);
        let letter = char::from(b'A' + d.rng().random_range(0..8u8));
        let floor: i32 = d.rng().random_range(0..=4);
        let number: i32 = d.rng().random_range(1..=40);
        let north: f64 = d.rng().random_range(-0.002..=0.002);
        let east: f64 = d.rng().random_range(-0.002..=0.002);
        let latitude: f64 = d.rng().random_range(-90.0..=90.0);
        let longitude: f64 = d.rng().random_range(-180.0..=180.0);

        let full = !self.minimal;
        // Lazy attributes: near the event; the room label is on the floor.
        let near = match &self.event {
            Party::Existing(e) => e.latitude.zip(e.longitude).map(|(lat, lon)| {
                (
                    round6((lat + north).clamp(-90.0, 90.0)),
                    round6((lon + east).clamp(-180.0, 180.0)),
                )
            }),
            Party::New(_) => Some((round6(latitude), round6(longitude))),
        };
        let coordinates = self.coordinates.or(near.filter(|_| full));
        let floor = self.floor.or(full.then_some(floor));
        let room = self
            .room
            .or_else(|| full.then(|| format!("{}.{number:02}", floor.unwrap_or_default())));
        let position = i32::try_from(d.index()).unwrap_or(i32::MAX);
        let mut model = microlocation::Model {
            id: 0,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            name: self.name.unwrap_or_else(|| format!("{kind} {letter}")),
            latitude: coordinates.map(|c| c.0),
            longitude: coordinates.map(|c| c.1),
            floor,
            hidden_in_scheduler: self.hidden,
            room,
            position: self.position.or(full.then_some(position)),
            created_at: self.created_at.unwrap_or(d.now()),
            deleted_at: self.deleted.then_some(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<microlocation::Model> {
        Ok(self.create_graph(db).await?.microlocation)
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
