//! Test-data factories for open-event-rs: factory_boy for Rust, async,
//! typed and deterministic. Tests, the mock server and the contract runner
//! seed data only through this crate.
//!
//! | factory_boy | here |
//! |---|---|
//! | declarative defaults, per-call overrides | random valid defaults from `fake`; `with_*` setters |
//! | `Sequence` | [`Draw::seq`] + run token: unique across tasks, threads and processes |
//! | `LazyAttribute` | email from names, end from start, …; your own with `.lazy(…)` |
//! | `SubFactory` | an event without [`owned_by`](EventFactory::owned_by) creates its owner |
//! | `RelatedFactory` / post-generation | [`with_organizers(2)`](EventFactory::with_organizers), [`organizer_of(&event)`](UserFactory::organizer_of), … |
//! | `Trait` / `Params` | `published()`, `private()`, `admin()`, `blocked()`, … |
//! | build / create strategies | [`Factory::build`] (no database) / [`Factory::create`] (the server's db layer) |
//! | `build_batch` / `create_batch` | [`Factory::build_batch`] / [`Factory::create_batch`] |
//! | `factory.Faker`, `reseed_random` | `fake` on a per-object ChaCha8 generator; [`FactoryContext::seeded`] |
//! | ORM integration | sea-orm entities of the server, persisted through `open_event_server::db` |
//! | async (open upstream: factory_boy #679) | every `create` is a `Send` future: spawn them freely |
//! | typing | each factory returns the server's own `Model` types |
//!
//! Everything below runs as a doctest on a fresh `sqlite::memory:`
//! database.
//!
//! # Defaults, overrides, build and create
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = open_event_server::db::connect("sqlite::memory:").await?;
//!
//! // build(): in memory, id 0, nothing written.
//! let draft = UserFactory::new().with_first_name("Lin").build()?;
//! assert_eq!((draft.id, draft.first_name.as_deref()), (0, Some("Lin")));
//!
//! // create(): through `open_event_server::db::users::create`, with its id.
//! let stored = UserFactory::new().with_first_name("Lin").create(&db).await?;
//! assert!(stored.id > 0);
//! assert!(open_event_server::auth::password::verify(DEFAULT_PASSWORD, &stored.password_hash));
//! # Ok(()) }
//! ```
//!
//! # Sequences
//!
//! Unique fields carry a sequence number and a run token (see
//! [`context`] for why that is unique across processes sharing one
//! PostgreSQL database):
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # fn main() -> Result<(), FactoryError> {
//! let ctx = FactoryContext::seeded(1);
//! let users = ctx.user().with_first_name("Kim").with_last_name("Lee").build_batch(2)?;
//! let token = ctx.run_token();
//! assert_eq!(users[0].email, format!("kim.lee.1+{token}@example.test"));
//! assert_eq!(users[1].email, format!("kim.lee.2+{token}@example.test"));
//! # Ok(()) }
//! ```
//!
//! # Lazy attributes
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use open_event_factories::prelude::*;
//!
//! # fn main() -> Result<(), FactoryError> {
//! let start = Utc.with_ymd_and_hms(2026, 9, 1, 9, 0, 0).unwrap();
//! let e = EventFactory::new().with_starts_at(start).build()?;
//! assert!(e.ends_at > e.starts_at && e.ends_at - e.starts_at <= Duration::days(20));
//! assert!(e.name.ends_with("2026")); // the default name follows the start year
//!
//! let u = UserFactory::new()
//!     .with_first_name("Mo")
//!     .lazy(|u| u.details = Some(format!("Hi, I am {}", u.email)))
//!     .build()?;
//! assert!(u.email.starts_with("mo."));
//! assert!(u.details.unwrap().contains(&u.email));
//! # Ok(()) }
//! ```
//!
//! # Sub-factories and related factories
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = open_event_server::db::connect("sqlite::memory:").await?;
//!
//! // The owner is created first (sub-factory), organizers after the event.
//! let g = EventFactory::new()
//!     .with_owner(UserFactory::new().with_first_name("Olu"))
//!     .with_organizers(2)
//!     .create_graph(&db)
//!     .await?;
//! assert_eq!(g.owner.first_name.as_deref(), Some("Olu"));
//! assert_eq!(g.event.creator_id, Some(g.owner.id));
//! assert_eq!(g.with_role(Role::Organizer).count(), 2);
//!
//! // From the user's side: roles granted after the user is created.
//! let mod_ = UserFactory::new().moderator_of(&g.event).registrar_of(&g.event).create(&db).await?;
//! let roles = open_event_server::db::roles::names_on_event(&db, mod_.id, g.event.id).await?;
//! assert_eq!(roles.len(), 2);
//!
//! // A grant with nothing given creates its user, its event and the event's owner.
//! let m = UsersEventsRoleFactory::new().with_role(Role::Coorganizer).create_graph(&db).await?;
//! assert_eq!(m.grant.user_id, m.user.id);
//! # Ok(()) }
//! ```
//!
//! # Traits
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = open_event_server::db::connect("sqlite::memory:").await?;
//! let boss = UserFactory::new().super_admin().create(&db).await?;
//! assert!(boss.is_super_admin && boss.is_admin && boss.is_verified);
//! let gone = UserFactory::new().blocked().unverified().deleted().build()?;
//! assert!(gone.is_blocked && !gone.is_verified && gone.deleted_at.is_some());
//! let e = EventFactory::new().published().private().online().past().create(&db).await?;
//! assert_eq!((e.state.as_str(), e.privacy.as_str(), e.online), ("published", "private", true));
//! # Ok(()) }
//! ```
//!
//! # An event's programme
//!
//! Sponsors, tracks, microlocations, session types, social links and FAQs
//! belong to an event: [`for_event`](SponsorFactory::for_event) names it,
//! else `create` makes a published one (with its owner).
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = open_event_server::db::connect("sqlite::memory:").await?;
//! let ctx = FactoryContext::seeded(3);
//! let event = ctx.event().published().create(&db).await?;
//! let gold = ctx.sponsor().for_event(&event).level(2).create(&db).await?;
//! let tracks = ctx.track().for_event(&event).create_batch(&db, 3).await?;
//! let room = ctx.microlocation().for_event(&event).hidden().create(&db).await?;
//! let talk = ctx.session_type().for_event(&event).with_name("Talk").create(&db).await?;
//! let link = ctx.social_link().for_event(&event).with_name("GitHub").create(&db).await?;
//! let faq = ctx.faq().create(&db).await?; // on a new published event
//! assert_eq!(gold.sponsor_type.as_deref(), Some("Gold"));
//! assert!(tracks.iter().all(|t| t.event_id == event.id && t.font_color.len() == 7));
//! assert!(room.hidden_in_scheduler && talk.length == "00:30");
//! assert!(link.link.starts_with("https://github.com/"));
//! assert_ne!(faq.event_id, event.id);
//! # Ok(()) }
//! ```
//!
//! # Batches, concurrently
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = open_event_server::db::connect("sqlite::memory:").await?;
//! let admins = UserFactory::new().admin().create_batch(&db, 3).await?;
//! assert!(admins.iter().all(|u| u.is_admin));
//!
//! let tasks: Vec<_> = (0..4)
//!     .map(|_| {
//!         let db = db.clone();
//!         tokio::spawn(async move { EventFactory::new().create_batch(&db, 2).await })
//!     })
//!     .collect();
//! for t in tasks {
//!     assert_eq!(t.await??.len(), 2);
//! }
//! # Ok(()) }
//! ```
//!
//! # Determinism
//!
//! The same seed gives the same data, byte for byte; see [`context`].
//!
//! ```
//! use open_event_factories::prelude::*;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let run = |seed| -> Result<String, Box<dyn std::error::Error>> {
//!     let ctx = FactoryContext::seeded(seed);
//!     let users = ctx.user().build_batch(3)?;
//!     let events = ctx.event().published().build_batch(2)?;
//!     Ok(serde_json::to_string(&(users, events))?)
//! };
//! assert_eq!(run(7)?, run(7)?);
//! assert_ne!(run(7)?, run(8)?);
//! # Ok(()) }
//! ```
//!
//! # Worlds
//!
//! [`seed::demo()`] makes a demo world with a known account per role;
//! [`seed::large()`] inserts thousands of rows for benchmarks.
//!
//! ```
//! use open_event_factories::seed;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = open_event_server::db::connect("sqlite::memory:").await?;
//! let world = seed::demo(&db, 1).await?;
//! for account in world.users.all() {
//!     println!("{:16} {} / {}", account.role.label(), account.email, account.password);
//! }
//! # Ok(()) }
//! ```
//!
//! # Adding a factory
//!
//! One file per entity, following [`user`]: a `Clone` struct holding a
//! [`FactoryContext`] and `Option` overrides; `build` calls
//! [`FactoryContext::draw`] with the kind's name, takes every random value
//! from the [`Draw`] in a fixed order, then applies overrides, lazy
//! attributes and `.lazy` hooks; `create` creates the parents it lacks
//! (sub-factories), persists through `open_event_server::db`, then the
//! children asked for (related factories). Add a constructor to
//! [`FactoryContext`], re-export it here and in [`prelude`], and a step to
//! [`seed`].

pub mod context;
pub mod custom_role;
pub mod error;
pub mod event;
pub mod event_child;
pub mod factory;
pub mod password;
pub mod role;
pub mod role_invite;
pub mod seed;
pub mod user;
pub mod users_events_role;

pub use context::{Draw, FactoryContext, FactoryRng, Uniqueness};
pub use custom_role::RoleFactory;
pub use error::{FactoryError, Result};
pub use event::{EventFactory, EventGraph, Member};
pub use event_child::{EventChild, EventChildFactory, EventChildVisitor};
pub use factory::{Factory, Lazy};
pub use password::{DEFAULT_PASSWORD, DEFAULT_PASSWORD_HASH};
pub use role::Role;
pub use role_invite::{Invitation, RoleInviteFactory};
pub use user::UserFactory;
pub use users_events_role::{Membership, UsersEventsRoleFactory};

// The factories of the records that belong to an event: one line each
// (the module, its spec, its factory and graph types). It declares the
// module, re-exports the factory and graph here and in the prelude, and
// registers the spec with [`visit_event_children`], through which the
// contract runner seeds every one of them without a line of its own.
event_child::event_children! {
    email_notification: EmailNotificationSpec => EmailNotificationFactory, EmailNotificationGraph;
    faq: FaqSpec => FaqFactory, FaqGraph;
    microlocation: MicrolocationSpec => MicrolocationFactory, MicrolocationGraph;
    session_type: SessionTypeSpec => SessionTypeFactory, SessionTypeGraph;
    social_link: SocialLinkSpec => SocialLinkFactory, SocialLinkGraph;
    sponsor: SponsorSpec => SponsorFactory, SponsorGraph;
    track: TrackSpec => TrackFactory, TrackGraph;
}

/// Everything a test needs: `use open_event_factories::prelude::*;`.
pub mod prelude {
    pub use crate::event_child_factories::*;
    pub use crate::{
        DEFAULT_PASSWORD, EventFactory, EventGraph, Factory, FactoryContext, FactoryError,
        Invitation, Member, Membership, Role, RoleFactory, RoleInviteFactory, UserFactory,
        UsersEventsRoleFactory,
    };
}
