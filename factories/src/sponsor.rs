//! [`SponsorFactory`]: an event's sponsors, creating the event (published,
//! with its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::faker::company::en::{CatchPhrase, CompanyName};
use open_event_server::db::{
    self,
    entities::{event, sponsor},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::{FactoryContext, slug},
    error::Result,
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

/// Sponsor tiers: `(level, type)`, level 1 the highest. A sponsor's
/// default `type` is the name of its level's tier.
pub const TIERS: &[(i32, &str)] = &[
    (1, "Platinum"),
    (2, "Gold"),
    (3, "Silver"),
    (4, "Bronze"),
    (5, "Community"),
];

/// The tier name of `level`, if it is one of [`TIERS`].
pub fn tier_name(level: i32) -> Option<&'static str> {
    TIERS.iter().find(|(l, _)| *l == level).map(|(_, n)| *n)
}

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

/// What [`SponsorFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct SponsorGraph {
    /// The event (the one given, or the one the sub-factory created).
    pub event: event::Model,
    /// The stored sponsor.
    pub sponsor: sponsor::Model,
}

/// Sponsors. Defaults: a `fake` company name and catch phrase, a random
/// tier of [`TIERS`] (`level` and `type`), a website and a logo URL under
/// `example.test` derived from the name; on a new published event
/// (sub-factory: the event brings its owner) unless
/// [`for_event`](SponsorFactory::for_event) names one. `build` creates
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
/// let gold = SponsorFactory::new().for_event(&event).level(2).create(&db).await?;
/// assert_eq!((gold.event_id, gold.level), (event.id, Some(2)));
/// assert_eq!(gold.sponsor_type.as_deref(), Some("Gold")); // follows the level
///
/// // Nothing given: a published event (and its owner) is created.
/// let g = SponsorFactory::new().with_name("Acme").create_graph(&db).await?;
/// assert_eq!((g.event.state.as_str(), g.sponsor.event_id), ("published", g.event.id));
/// assert_eq!(g.sponsor.url.as_deref(), Some("https://acme.example.test/"));
///
/// // build(): in memory, nothing written.
/// let gone = SponsorFactory::new().deleted().minimal().build()?;
/// assert!(gone.id == 0 && gone.deleted_at.is_some() && gone.logo_url.is_none());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SponsorFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    name: Option<String>,
    description: Option<String>,
    url: Option<String>,
    level: Option<i32>,
    logo_url: Option<String>,
    sponsor_type: Option<String>,
    minimal: bool,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<sponsor::Model>>,
}

impl Default for SponsorFactory {
    fn default() -> Self {
        SponsorFactory::new()
    }
}

impl FactoryContext {
    /// A [`SponsorFactory`] drawing from this context.
    pub fn sponsor(&self) -> SponsorFactory {
        SponsorFactory::in_context(self)
    }
}

impl SponsorFactory {
    /// A sponsor factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        SponsorFactory::in_context(&FactoryContext::global())
    }

    /// A sponsor factory on `ctx` (also [`FactoryContext::sponsor`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        SponsorFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            name: None,
            description: None,
            url: None,
            level: None,
            logo_url: None,
            sponsor_type: None,
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

    /// The sponsor belongs to this existing event (none is created).
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

    /// Sets the name (the default URLs follow it).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the website.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets the logo URL.
    pub fn with_logo_url(mut self, url: impl Into<String>) -> Self {
        self.logo_url = Some(url.into());
        self
    }

    /// Sets the `type` (else: the tier name of the level).
    pub fn with_type(mut self, sponsor_type: impl Into<String>) -> Self {
        self.sponsor_type = Some(sponsor_type.into());
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time of
    /// insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built sponsor after every default,
    /// override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut sponsor::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: level `n` (the `type` follows: [`tier_name`]).
    pub fn level(mut self, n: i32) -> Self {
        self.level = Some(n);
        self
    }

    /// Trait: only the required attributes (name); every optional one is
    /// `None` unless set by an override or another trait.
    pub fn minimal(mut self) -> Self {
        self.minimal = true;
        self
    }

    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    /// Creates the missing event, then the sponsor; returns both.
    pub async fn create_graph(mut self, db: &DatabaseConnection) -> Result<SponsorGraph> {
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
        let mut am = sponsor::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let sponsor = db::write::insert(db, am).await?;
        Ok(SponsorGraph { event, sponsor })
    }
}

const KIND: &str = "sponsor";

impl Factory for SponsorFactory {
    type Built = sponsor::Model;
    type Model = sponsor::Model;

    fn build(self) -> Result<sponsor::Model> {
        let mut d = self.ctx.draw(KIND);
        // Every random value first, in a fixed order.
        let company: String = d.fake(CompanyName());
        let about: String = d.fake(CatchPhrase());
        let (tier_level, tier) = *d.pick(TIERS);

        let name = self.name.unwrap_or(company);
        let site = slug(&name, '-');
        let full = !self.minimal;
        let level = self.level.or(full.then_some(tier_level));
        let sponsor_type = self
            .sponsor_type
            .or_else(|| full.then(|| level.and_then(tier_name).unwrap_or(tier).to_owned()));
        let mut model = sponsor::Model {
            id: 0,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            description: self.description.or(full.then_some(about)),
            url: self
                .url
                .or_else(|| full.then(|| format!("https://{site}.example.test/"))),
            level,
            logo_url: self.logo_url.or_else(|| {
                full.then(|| format!("https://images.example.test/sponsors/{site}.png"))
            }),
            sponsor_type,
            name,
            created_at: self.created_at.unwrap_or(d.now()),
            deleted_at: self.deleted.then_some(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<sponsor::Model> {
        Ok(self.create_graph(db).await?.sponsor)
    }
}
