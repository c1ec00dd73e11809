//! [`SponsorFactory`]: an event's sponsors, creating the event (published,
//! with its owner) when none is given.

use fake::faker::company::en::{CatchPhrase, CompanyName};
use open_event_server::resources::sponsor;

use crate::event_child::{Common, EventChild, EventChildFactory, SoftDeleted, Trimmable};
use crate::event_child::{event_child, setters};
use crate::{Draw, Result, context::slug};

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

/// Sponsors. Defaults: a `fake` company name and catch phrase, a random
/// tier of [`TIERS`] (`level` and `type`), a website and a logo URL under
/// `example.test` derived from the name; only the name under
/// [`minimal`](SponsorFactory::minimal). Its event: see [`EventChildFactory`].
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
pub type SponsorFactory = EventChildFactory<SponsorSpec>;

event_child! {
    fn sponsor() -> SponsorFactory;
    struct SponsorGraph {
        /// The stored sponsor.
        sponsor: sponsor::Model,
    }
}

/// The overrides of a [`SponsorFactory`].
#[derive(Clone, Debug, Default)]
pub struct SponsorSpec {
    name: Option<String>,
    description: Option<String>,
    url: Option<String>,
    level: Option<i32>,
    logo_url: Option<String>,
    sponsor_type: Option<String>,
}

impl Trimmable for SponsorSpec {}
impl SoftDeleted for SponsorSpec {}

impl SponsorFactory {
    setters! {
        /// Sets the name (the default URLs follow it).
        with_name(name: impl Into<String>) => name = Some(name.into());
        /// Sets the description.
        with_description(text: impl Into<String>) => description = Some(text.into());
        /// Sets the website.
        with_url(url: impl Into<String>) => url = Some(url.into());
        /// Sets the logo URL.
        with_logo_url(url: impl Into<String>) => logo_url = Some(url.into());
        /// Sets the `type` (else: the tier name of the level).
        with_type(sponsor_type: impl Into<String>) => sponsor_type = Some(sponsor_type.into());
        /// Trait: level `n` (the `type` follows: [`tier_name`]).
        level(n: i32) => level = Some(n);
    }
}

impl EventChild for SponsorSpec {
    const KIND: &'static str = "sponsor";
    type Entity = sponsor::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<sponsor::Model> {
        // Every random value first, in a fixed order.
        let company: String = d.fake(CompanyName());
        let about: String = d.fake(CatchPhrase());
        let (tier_level, tier) = *d.pick(TIERS);

        let name = self.name.unwrap_or(company);
        let site = slug(&name, '-');
        let level = c.optional(self.level, || tier_level);
        let sponsor_type = c.optional(self.sponsor_type, || {
            level.and_then(tier_name).unwrap_or(tier).to_owned()
        });
        Ok(sponsor::Model {
            id: 0,
            event_id: c.event_id,
            created_at: c.created_at,
            deleted_at: c.deleted_at,
            description: c.optional(self.description, || about),
            url: c.optional(self.url, || format!("https://{site}.example.test/")),
            level,
            logo_url: c.optional(self.logo_url, || {
                format!("https://images.example.test/sponsors/{site}.png")
            }),
            sponsor_type,
            name,
        })
    }

    type Graph = SponsorGraph;
}
