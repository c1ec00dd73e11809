//! [`SocialLinkFactory`]: an event's links to its pages elsewhere, creating
//! the event (published, with its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::faker::lorem::en::Words;
use open_event_server::db::{
    self,
    entities::{event, social_link},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::{FactoryContext, slug},
    error::Result,
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

/// Known sites: `(name, identifier, link prefix)`; the link is the prefix
/// and a handle, except for `Website`, whose link is the event's own site.
pub const PLATFORMS: &[(&str, &str, &str)] = &[
    ("Website", "website", ""),
    ("GitHub", "github", "https://github.com/"),
    ("Twitter", "twitter", "https://twitter.com/"),
    ("Mastodon", "mastodon", "https://mastodon.social/@"),
    ("Facebook", "facebook", "https://www.facebook.com/"),
    ("LinkedIn", "linkedin", "https://www.linkedin.com/company/"),
    ("YouTube", "youtube", "https://www.youtube.com/@"),
    ("Instagram", "instagram", "https://www.instagram.com/"),
];

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

/// What [`SocialLinkFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct SocialLinkGraph {
    /// The event (the one given, or the one the sub-factory created).
    pub event: event::Model,
    /// The stored link.
    pub social_link: social_link::Model,
}

/// Social links. Defaults: a site of [`PLATFORMS`]; `link` and
/// `identifier` follow the name (lazy attributes: a known site gets its
/// URL and key, another name `https://<name>.example.test/<handle>` and the
/// name's slug), the handle being the event's name as a slug (random words
/// when the event is not known yet). On a new published event
/// (sub-factory: the event brings its owner) unless
/// [`for_event`](SocialLinkFactory::for_event) names one. `build` creates
/// nothing: its `event_id` is the given event's id, or 0.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let event = EventFactory::new().published().with_name("Rust Camp").create(&db).await?;
///
/// let gh = SocialLinkFactory::new().for_event(&event).with_name("GitHub").create(&db).await?;
/// assert_eq!((gh.link.as_str(), gh.identifier.as_deref()), ("https://github.com/rust-camp", Some("github")));
/// assert_eq!(gh.event_id, event.id);
///
/// // Nothing given: a published event (and its owner) is created.
/// let g = SocialLinkFactory::new().create_graph(&db).await?;
/// assert_eq!((g.event.state.as_str(), g.social_link.event_id), ("published", g.event.id));
///
/// // build(): in memory, nothing written.
/// let bare = SocialLinkFactory::new().minimal().build()?;
/// assert!(bare.id == 0 && bare.identifier.is_none());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SocialLinkFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    name: Option<String>,
    link: Option<String>,
    identifier: Option<String>,
    minimal: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<social_link::Model>>,
}

impl Default for SocialLinkFactory {
    fn default() -> Self {
        SocialLinkFactory::new()
    }
}

impl FactoryContext {
    /// A [`SocialLinkFactory`] drawing from this context.
    pub fn social_link(&self) -> SocialLinkFactory {
        SocialLinkFactory::in_context(self)
    }
}

impl SocialLinkFactory {
    /// A social-link factory on the [global](FactoryContext::global)
    /// context.
    pub fn new() -> Self {
        SocialLinkFactory::in_context(&FactoryContext::global())
    }

    /// A social-link factory on `ctx` (also
    /// [`FactoryContext::social_link`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        SocialLinkFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            name: None,
            link: None,
            identifier: None,
            minimal: false,
            created_at: None,
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    // ----- sub-factory: the event -----

    /// The link belongs to this existing event (none is created).
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

    /// Sets the name (link and identifier follow unless set).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the URL (taken as given).
    pub fn with_link(mut self, link: impl Into<String>) -> Self {
        self.link = Some(link.into());
        self
    }

    /// Sets the identifier.
    pub fn with_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = Some(identifier.into());
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time of
    /// insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built link after every default,
    /// override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut social_link::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: only the required attributes (name, link); the identifier is
    /// `None` unless set.
    pub fn minimal(mut self) -> Self {
        self.minimal = true;
        self
    }

    /// Creates the missing event, then the link; returns both.
    pub async fn create_graph(mut self, db: &DatabaseConnection) -> Result<SocialLinkGraph> {
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
        let mut am = social_link::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let social_link = db::write::insert(db, am).await?;
        Ok(SocialLinkGraph { event, social_link })
    }
}

const KIND: &str = "social_link";

impl Factory for SocialLinkFactory {
    type Built = social_link::Model;
    type Model = social_link::Model;

    fn build(self) -> Result<social_link::Model> {
        let mut d = self.ctx.draw(KIND);
        // Every random value first, in a fixed order.
        let platform = *d.pick(PLATFORMS);
        let words: Vec<String> = d.fake(Words(2..3));

        let name = self.name.unwrap_or_else(|| platform.0.to_owned());
        let handle = match &self.event {
            Party::Existing(e) => slug(&e.name, '-'),
            Party::New(_) => slug(&words.join(" "), '-'),
        };
        // Lazy attributes: link and identifier follow the name.
        let known = PLATFORMS
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(&name));
        let link = self.link.unwrap_or_else(|| match known {
            Some((_, _, "")) => format!("https://{handle}.example.test/"),
            Some((_, _, prefix)) => format!("{prefix}{handle}"),
            None => format!("https://{}.example.test/{handle}", slug(&name, '-')),
        });
        let identifier = self.identifier.or_else(|| {
            (!self.minimal).then(|| known.map_or_else(|| slug(&name, '-'), |p| p.1.to_owned()))
        });
        let mut model = social_link::Model {
            id: 0,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            name,
            link,
            identifier,
            created_at: self.created_at.unwrap_or(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<social_link::Model> {
        Ok(self.create_graph(db).await?.social_link)
    }
}
