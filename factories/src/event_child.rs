//! [`EventChildFactory`]: the machinery shared by the factories of records
//! that belong to one event: sponsors, tracks, microlocations, session
//! types, social links and FAQs.
//!
//! What is the same for all of them lives here, once: the event
//! sub-factory ([`for_event`](EventChildFactory::for_event),
//! [`with_event`](EventChildFactory::with_event), a published event and its
//! owner when none is given), the draw from the [`FactoryContext`],
//! `created_at`, the `minimal` and `deleted` traits, [`lazy`] hooks, and
//! [`create`](Factory::create) / [`create_graph`](EventChildFactory::create_graph)
//! through `open_event_server::db::write::insert`.
//!
//! What differs is an [`EventChild`]: a small `Clone + Default` struct of
//! the resource's own overrides (`SponsorSpec`, `TrackSpec`, …) that names
//! its kind (the generator's seed: never change it) and its entity, and
//! builds its model from the [`Draw`] and the [`Common`] attributes. A
//! resource's file holds only that and its names:
//!
//! * `pub type SponsorFactory = EventChildFactory<SponsorSpec>;`, with the
//!   factory's docs;
//! * `event_child!`: its [`FactoryContext`] method (`ctx.sponsor()`) and
//!   its graph type (`SponsorGraph`);
//! * the spec struct, with [`Trimmable`] / [`SoftDeleted`] when its factory
//!   has the `minimal` / `deleted` traits;
//! * `impl SponsorFactory { setters! { … } }`: one line per override or
//!   trait, plus hand-written methods for anything else;
//! * `impl EventChild for SponsorSpec`: the defaults, from `fake`.
//!
//! [`lazy`]: EventChildFactory::lazy

use std::sync::Arc;

use chrono::{DateTime, Utc};
use open_event_server::db::{self, entities::event};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Iterable,
    PrimaryKeyToColumn,
};

use crate::{
    context::{Draw, FactoryContext},
    error::{FactoryError, Result},
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

/// The model of `R`'s entity: what its factory builds and creates.
pub type ModelOf<R> = <<R as EventChild>::Entity as EntityTrait>::Model;

/// The active model of `R`'s entity: what the db layer inserts.
pub type ActiveModelOf<R> = <<R as EventChild>::Entity as EntityTrait>::ActiveModel;

/// A resource that belongs to an event, as its factory sees it: the
/// resource's own overrides (the implementing struct), and how a model is
/// built from them.
pub trait EventChild: Clone + Default + Send + Sync + 'static {
    /// The kind drawn from the context: it seeds the generator, so it
    /// never changes (see [`FactoryContext::draw`]).
    const KIND: &'static str;
    /// The sea-orm entity (every event child has `event_id` and
    /// `created_at` columns).
    type Entity: EntityTrait<
            Model: Clone
                       + Send
                       + Sync
                       + IntoActiveModel<ActiveModelOf<Self>>
                       + serde::Serialize
                       + serde::de::DeserializeOwned,
            ActiveModel: From<ModelOf<Self>> + Send,
        >;
    /// What [`EventChildFactory::create_graph`] returns (declared with
    /// `event_child!`).
    type Graph: From<(event::Model, ModelOf<Self>)>;

    /// The model, from the overrides: every random value first, from `d`
    /// in a fixed order, then overrides and lazy attributes. `common` holds
    /// what every resource shares (event, dates, `minimal`).
    fn build(self, d: &mut Draw, common: &Common<'_>) -> Result<ModelOf<Self>>;
}

/// An [`EventChild`] with optional attributes: its factory has the
/// [`minimal`](EventChildFactory::minimal) trait.
pub trait Trimmable: EventChild {}

/// An [`EventChild`] with a `deleted_at` column: its factory has the
/// [`deleted`](EventChildFactory::deleted) trait.
pub trait SoftDeleted: EventChild {}

/// What every event child's model shares, decided by [`EventChildFactory`]
/// before [`EventChild::build`].
#[derive(Clone, Copy, Debug)]
pub struct Common<'a> {
    /// The event, when one was given ([`for_event`](EventChildFactory::for_event)).
    pub event: Option<&'a event::Model>,
    /// Its id, or 0 (`build` without an event).
    pub event_id: i64,
    /// `created_at`: the override, else the context's now.
    pub created_at: DateTime<Utc>,
    /// `deleted_at`: the context's now under the `deleted` trait.
    pub deleted_at: Option<DateTime<Utc>>,
    /// The record's index among its kind in the context, as a default
    /// `position`.
    pub position: i32,
    minimal: bool,
}

impl Common<'_> {
    /// An optional attribute: the override, else `default()` unless the
    /// `minimal` trait is on.
    pub fn optional<T>(&self, given: Option<T>, default: impl FnOnce() -> T) -> Option<T> {
        given.or_else(|| self.full().then(default))
    }

    /// Whether optional attributes get defaults (the `minimal` trait is off).
    pub fn full(&self) -> bool {
        !self.minimal
    }
}

#[derive(Clone)]
enum EventSource {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<EventFactory>>),
    /// An existing event (boxed: an event model is large).
    Given(Box<event::Model>),
}

/// A factory of records of an event: see the [module docs](self) and the
/// aliases ([`SponsorFactory`](crate::SponsorFactory), …).
///
/// The record belongs to the event [`for_event`](Self::for_event) names;
/// else `create` first makes one with the factory given to
/// [`with_event`](Self::with_event), or the context's published event
/// (sub-factory: the event brings its owner). `build` creates nothing: its
/// `event_id` is the given event's id, or 0.
pub struct EventChildFactory<R: EventChild> {
    ctx: FactoryContext,
    event: EventSource,
    spec: R,
    minimal: bool,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<ModelOf<R>>>,
}

impl<R: EventChild> Clone for EventChildFactory<R> {
    fn clone(&self) -> Self {
        EventChildFactory {
            ctx: self.ctx.clone(),
            event: self.event.clone(),
            spec: self.spec.clone(),
            minimal: self.minimal,
            deleted: self.deleted,
            created_at: self.created_at,
            lazy: self.lazy.clone(),
        }
    }
}

impl<R: EventChild> Default for EventChildFactory<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: EventChild> EventChildFactory<R> {
    /// A factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        Self::in_context(&FactoryContext::global())
    }

    /// A factory on `ctx` (also `ctx.sponsor()`, `ctx.track()`, …).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        EventChildFactory {
            ctx: ctx.clone(),
            event: EventSource::New(None),
            spec: R::default(),
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

    /// Changes the resource's own overrides (for its setters and traits).
    pub(crate) fn set(mut self, f: impl FnOnce(&mut R)) -> Self {
        f(&mut self.spec);
        self
    }

    // ----- sub-factory: the event -----

    /// The record belongs to this existing event (none is created).
    pub fn for_event(mut self, event: &event::Model) -> Self {
        self.event = EventSource::Given(Box::new(event.clone()));
        self
    }

    /// The event is made by `factory` at create time (default: the
    /// context's [`EventFactory`], published).
    pub fn with_event(mut self, factory: EventFactory) -> Self {
        self.event = EventSource::New(Some(Box::new(factory)));
        self
    }

    // ----- overrides -----

    /// Sets `created_at` (else: the context's now for `build`, the time of
    /// insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built record after every default,
    /// override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut ModelOf<R>) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    /// Creates the missing event, then the record; returns both.
    pub async fn create_graph(self, db: &DatabaseConnection) -> Result<R::Graph> {
        let (event, record) = self.insert(db).await?;
        Ok(R::Graph::from((event, record)))
    }

    async fn insert(mut self, db: &DatabaseConnection) -> Result<(event::Model, ModelOf<R>)> {
        let keep_created_at = self.created_at.is_some();
        let event = match std::mem::replace(&mut self.event, EventSource::New(None)) {
            EventSource::Given(e) => *e,
            EventSource::New(f) => {
                f.map_or_else(|| self.ctx.event().published(), |b| *b)
                    .create(db)
                    .await?
            }
        };
        let model = self.for_event(&event).build()?;
        let mut am = ActiveModelOf::<R>::from(model).reset_all();
        // The id is the database's; so is `created_at` unless given.
        for key in <R::Entity as EntityTrait>::PrimaryKey::iter() {
            am.not_set(key.into_column());
        }
        if !keep_created_at {
            am.not_set(column::<R::Entity>("created_at")?);
        }
        let record = db::write::insert(db, am).await?;
        Ok((event, record))
    }
}

/// The column `name` of `E`.
fn column<E: EntityTrait>(name: &str) -> Result<E::Column> {
    name.parse().map_err(|_| {
        FactoryError::Invalid(format!("no column {name} in {}", E::default().table_name()))
    })
}

impl<R: Trimmable> EventChildFactory<R> {
    /// Trait: only the required attributes; every optional one is `None`
    /// unless set by an override or another trait (the factory's doc says
    /// which are optional).
    pub fn minimal(mut self) -> Self {
        self.minimal = true;
        self
    }
}

impl<R: SoftDeleted> EventChildFactory<R> {
    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }
}

impl<R: EventChild> Factory for EventChildFactory<R> {
    type Built = ModelOf<R>;
    type Model = ModelOf<R>;

    fn build(self) -> Result<ModelOf<R>> {
        let mut d = self.ctx.draw(R::KIND);
        let event = match &self.event {
            EventSource::Given(e) => Some(e.as_ref()),
            EventSource::New(_) => None,
        };
        let common = Common {
            event,
            event_id: event.map_or(0, |e| e.id),
            created_at: self.created_at.unwrap_or(d.now()),
            deleted_at: self.deleted.then_some(d.now()),
            position: i32::try_from(d.index()).unwrap_or(i32::MAX),
            minimal: self.minimal,
        };
        let mut model = self.spec.build(&mut d, &common)?;
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<ModelOf<R>> {
        Ok(self.insert(db).await?.1)
    }
}

/// Declares what names an event child outside its [`EventChild`] impl: its
/// [`FactoryContext`] method and its graph type (the event, and the record
/// under the field name given), with the graph's `From` the factory's
/// [`create_graph`](EventChildFactory::create_graph) uses.
///
/// ```text
/// event_child! {
///     fn sponsor() -> SponsorFactory;
///     struct SponsorGraph {
///         /// The stored sponsor.
///         sponsor: sponsor::Model,
///     }
/// }
/// ```
macro_rules! event_child {
    (
        fn $method:ident() -> $Factory:ident;
        struct $Graph:ident {
            $(#[$doc:meta])*
            $field:ident: $Model:ty $(,)?
        }
    ) => {
        impl $crate::FactoryContext {
            #[doc = concat!("A [`", stringify!($Factory), "`] drawing from this context.")]
            pub fn $method(&self) -> $Factory {
                $Factory::in_context(self)
            }
        }

        #[doc = concat!("What [`", stringify!($Factory), "::create_graph`] made.")]
        #[derive(Clone, Debug, PartialEq)]
        pub struct $Graph {
            /// The event (the one given, or the one the sub-factory created).
            pub event: open_event_server::db::entities::event::Model,
            $(#[$doc])*
            pub $field: $Model,
        }

        impl From<(open_event_server::db::entities::event::Model, $Model)> for $Graph {
            fn from((event, $field): (open_event_server::db::entities::event::Model, $Model)) -> Self {
                $Graph { event, $field }
            }
        }
    };
}
pub(crate) use event_child;

/// Visits event child types one by one ([`visit_event_children`](crate::visit_event_children)):
/// how a caller outside this crate (the contract runner) gets every
/// [`EventChild`] as a type, to build generic code over it.
pub trait EventChildVisitor {
    /// Called once per registered event child.
    fn visit<R: EventChild>(&mut self);
}

/// Registers the event children (in `lib.rs`): per line
/// `module: Spec => Factory, Graph;` it declares the module, re-exports the
/// factory and graph types (crate root and prelude), and visits the spec in
/// `visit_event_children`.
macro_rules! event_children {
    ($($module:ident: $Spec:ident => $Factory:ident, $Graph:ident;)*) => {
        $(pub mod $module;)*

        /// The event children's factory and graph types (also in the prelude).
        pub mod event_child_factories {
            $(pub use crate::$module::{$Factory, $Graph};)*
        }
        pub use event_child_factories::*;

        /// Visits every event child's spec type, in registration order.
        pub fn visit_event_children(visitor: &mut impl $crate::EventChildVisitor) {
            $(visitor.visit::<$module::$Spec>();)*
        }
    };
}
pub(crate) use event_children;

/// The setters of an event child's overrides, inside an
/// `impl EventChildFactory<…Spec>` block: each line
/// `name(args) => field = value;` becomes
/// `pub fn name(self, args) -> Self`, setting the spec's `field` to
/// `value`.
///
/// ```text
/// impl SponsorFactory {
///     setters! {
///         /// Sets the name (the default URLs follow it).
///         with_name(name: impl Into<String>) => name = Some(name.into());
///         /// Trait: level `n` (the `type` follows: [`tier_name`]).
///         level(n: i32) => level = Some(n);
///     }
/// }
/// ```
macro_rules! setters {
    ($(
        $(#[$doc:meta])*
        $name:ident($($arg:ident: $ty:ty),*) => $field:ident = $value:expr;
    )*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, $($arg: $ty),*) -> Self {
                self.set(|spec| spec.$field = $value)
            }
        )*
    };
}
pub(crate) use setters;
