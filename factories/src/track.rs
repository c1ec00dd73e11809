//! [`TrackFactory`]: an event's tracks, creating the event (published, with
//! its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::{faker::lorem::en::Sentence, rand::RngExt};
use open_event_server::db::{
    self,
    entities::{
        event,
        track::{self, font_color_for},
    },
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::FactoryContext,
    error::Result,
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

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

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

/// What [`TrackFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackGraph {
    /// The event (the one given, or the one the sub-factory created).
    pub event: event::Model,
    /// The stored track.
    pub track: track::Model,
}

/// Tracks. Defaults: a name from [`TOPICS`], a `fake` sentence as
/// description, a random `#rrggbb` colour and its readable `font_color`
/// ([`font_color_for`]: a lazy attribute, and what the server computes on
/// every save), position = the track's index in the context; on a new
/// published event (sub-factory: the event brings its owner) unless
/// [`for_event`](TrackFactory::for_event) names one. `build` creates
/// nothing: its `event_id` is the given event's id, or 0.
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
#[derive(Clone)]
pub struct TrackFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    name: Option<String>,
    description: Option<String>,
    color: Option<String>,
    position: Option<i32>,
    minimal: bool,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<track::Model>>,
}

impl Default for TrackFactory {
    fn default() -> Self {
        TrackFactory::new()
    }
}

impl FactoryContext {
    /// A [`TrackFactory`] drawing from this context.
    pub fn track(&self) -> TrackFactory {
        TrackFactory::in_context(self)
    }
}

impl TrackFactory {
    /// A track factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        TrackFactory::in_context(&FactoryContext::global())
    }

    /// A track factory on `ctx` (also [`FactoryContext::track`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        TrackFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            name: None,
            description: None,
            color: None,
            position: None,
            minimal: false,
            deleted: false,
            created_at: None,
            lazy: Vec::new(),
        }
    }

    /// A track factory on the global context with colour `color`
    /// (shorthand for `TrackFactory::new().with_color(color)`).
    pub fn colored(color: impl Into<String>) -> Self {
        TrackFactory::new().with_color(color)
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    // ----- sub-factory: the event -----

    /// The track belongs to this existing event (none is created).
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

    /// Sets the description.
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the colour (`#rrggbb`; taken as given, `font_color` follows).
    pub fn with_color(mut self, color: impl Into<String>) -> Self {
        self.color = Some(color.into());
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

    /// A lazy attribute: `f` runs on the built track after every default,
    /// override and derived field. (On `create` the server recomputes
    /// `font_color` from `color`.)
    pub fn lazy(mut self, f: impl Fn(&mut track::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: a light colour (`#ffeb3b`: black text).
    pub fn light(self) -> Self {
        self.with_color("#ffeb3b")
    }

    /// Trait: a dark colour (`#1a237e`: white text).
    pub fn dark(self) -> Self {
        self.with_color("#1a237e")
    }

    /// Trait: only the required attributes (name, colour); description and
    /// position are `None` unless set.
    pub fn minimal(mut self) -> Self {
        self.minimal = true;
        self
    }

    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    /// Creates the missing event, then the track; returns both.
    pub async fn create_graph(mut self, db: &DatabaseConnection) -> Result<TrackGraph> {
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
        let mut am = track::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let track = db::write::insert(db, am).await?;
        Ok(TrackGraph { event, track })
    }
}

const KIND: &str = "track";

impl Factory for TrackFactory {
    type Built = track::Model;
    type Model = track::Model;

    fn build(self) -> Result<track::Model> {
        let mut d = self.ctx.draw(KIND);
        // Every random value first, in a fixed order.
        let topic = *d.pick(TOPICS);
        let about: String = d.fake(Sentence(6..12));
        let rgb = d.rng().random::<u32>() & 0x00ff_ffff;

        let full = !self.minimal;
        let color = self.color.unwrap_or_else(|| format!("#{rgb:06x}"));
        let position = i32::try_from(d.index()).unwrap_or(i32::MAX);
        let mut model = track::Model {
            id: 0,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            name: self.name.unwrap_or_else(|| topic.to_owned()),
            description: self.description.or(full.then_some(about)),
            // Lazy attribute: the font colour follows the colour.
            font_color: font_color_for(&color),
            color,
            position: self.position.or(full.then_some(position)),
            created_at: self.created_at.unwrap_or(d.now()),
            deleted_at: self.deleted.then_some(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<track::Model> {
        Ok(self.create_graph(db).await?.track)
    }
}
