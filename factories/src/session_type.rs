//! [`SessionTypeFactory`]: the kinds of session an event offers, creating
//! the event (published, with its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use open_event_server::db::{
    self,
    entities::{
        event,
        session_type::{self, format_length},
    },
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::FactoryContext,
    error::{FactoryError, Result},
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

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

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

#[derive(Clone)]
enum Length {
    /// Taken as given.
    Text(String),
    /// Formatted as `HH:MM`.
    Minutes(u32),
}

/// What [`SessionTypeFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionTypeGraph {
    /// The event (the one given, or the one the sub-factory created).
    pub event: event::Model,
    /// The stored session type.
    pub session_type: session_type::Model,
}

/// Session types. Defaults: a kind of [`CATALOGUE`] and its length; the
/// length follows a [name](SessionTypeFactory::with_name) found in the
/// catalogue (lazy attribute); position = the session type's index in the
/// context; on a new published event (sub-factory: the event brings its
/// owner) unless [`for_event`](SessionTypeFactory::for_event) names one.
/// `build` creates nothing: its `event_id` is the given event's id, or 0.
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
#[derive(Clone)]
pub struct SessionTypeFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    name: Option<String>,
    length: Option<Length>,
    position: Option<i32>,
    minimal: bool,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<session_type::Model>>,
}

impl Default for SessionTypeFactory {
    fn default() -> Self {
        SessionTypeFactory::new()
    }
}

impl FactoryContext {
    /// A [`SessionTypeFactory`] drawing from this context.
    pub fn session_type(&self) -> SessionTypeFactory {
        SessionTypeFactory::in_context(self)
    }
}

impl SessionTypeFactory {
    /// A session-type factory on the [global](FactoryContext::global)
    /// context.
    pub fn new() -> Self {
        SessionTypeFactory::in_context(&FactoryContext::global())
    }

    /// A session-type factory on `ctx` (also
    /// [`FactoryContext::session_type`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        SessionTypeFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            name: None,
            length: None,
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

    /// The session type belongs to this existing event (none is created).
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

    /// Sets the name (the length follows when the name is in
    /// [`CATALOGUE`]).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the length, taken as given (the API accepts `HH:MM` only; the
    /// db layer stores anything, which lets tests store what the API would
    /// refuse).
    pub fn with_length(mut self, length: impl Into<String>) -> Self {
        self.length = Some(Length::Text(length.into()));
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

    /// A lazy attribute: `f` runs on the built session type after every
    /// default, override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut session_type::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: `minutes` long, as `HH:MM` (building fails with
    /// [`FactoryError::Invalid`] from 24 hours on).
    pub fn lasting(mut self, minutes: u32) -> Self {
        self.length = Some(Length::Minutes(minutes));
        self
    }

    /// Trait: only the required attributes (name, length); position is
    /// `None` unless set.
    pub fn minimal(mut self) -> Self {
        self.minimal = true;
        self
    }

    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    /// Creates the missing event, then the session type; returns both.
    pub async fn create_graph(mut self, db: &DatabaseConnection) -> Result<SessionTypeGraph> {
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
        let mut am = session_type::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let session_type = db::write::insert(db, am).await?;
        Ok(SessionTypeGraph {
            event,
            session_type,
        })
    }
}

const KIND: &str = "session_type";

impl Factory for SessionTypeFactory {
    type Built = session_type::Model;
    type Model = session_type::Model;

    fn build(self) -> Result<session_type::Model> {
        let mut d = self.ctx.draw(KIND);
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
        let position = i32::try_from(d.index()).unwrap_or(i32::MAX);
        let mut model = session_type::Model {
            id: 0,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            name,
            length,
            position: self.position.or((!self.minimal).then_some(position)),
            created_at: self.created_at.unwrap_or(d.now()),
            deleted_at: self.deleted.then_some(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<session_type::Model> {
        Ok(self.create_graph(db).await?.session_type)
    }
}
