//! [`SocialLinkFactory`]: an event's links to its pages elsewhere, creating
//! the event (published, with its owner) when none is given.

use fake::faker::lorem::en::Words;
use open_event_server::resources::social_link;

use crate::event_child::{Common, EventChild, EventChildFactory, Trimmable, event_child, setters};
use crate::{Draw, Result, context::slug};

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

/// Social links. Defaults: a site of [`PLATFORMS`]; `link` and
/// `identifier` follow the name (lazy attributes: a known site gets its
/// URL and key, another name `https://<name>.example.test/<handle>` and the
/// name's slug), the handle being the event's name as a slug (random words
/// when the event is not known yet); only name and link under
/// [`minimal`](SocialLinkFactory::minimal). Its event: see
/// [`EventChildFactory`].
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
pub type SocialLinkFactory = EventChildFactory<SocialLinkSpec>;

event_child! {
    fn social_link() -> SocialLinkFactory;
    struct SocialLinkGraph {
        /// The stored link.
        social_link: social_link::Model,
    }
}

/// The overrides of a [`SocialLinkFactory`].
#[derive(Clone, Debug, Default)]
pub struct SocialLinkSpec {
    name: Option<String>,
    link: Option<String>,
    identifier: Option<String>,
}

impl Trimmable for SocialLinkSpec {}

impl SocialLinkFactory {
    setters! {
        /// Sets the name (link and identifier follow unless set).
        with_name(name: impl Into<String>) => name = Some(name.into());
        /// Sets the URL (taken as given).
        with_link(link: impl Into<String>) => link = Some(link.into());
        /// Sets the identifier.
        with_identifier(identifier: impl Into<String>) => identifier = Some(identifier.into());
    }
}

impl EventChild for SocialLinkSpec {
    const KIND: &'static str = "social_link";
    type Entity = social_link::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<social_link::Model> {
        // Every random value first, in a fixed order.
        let platform = *d.pick(PLATFORMS);
        let words: Vec<String> = d.fake(Words(2..3));

        let name = self.name.unwrap_or_else(|| platform.0.to_owned());
        let handle = match c.event {
            Some(e) => slug(&e.name, '-'),
            None => slug(&words.join(" "), '-'),
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
        let identifier = c.optional(self.identifier, || {
            known.map_or_else(|| slug(&name, '-'), |p| p.1.to_owned())
        });
        Ok(social_link::Model {
            id: 0,
            event_id: c.event_id,
            created_at: c.created_at,
            name,
            link,
            identifier,
        })
    }

    type Graph = SocialLinkGraph;
}
