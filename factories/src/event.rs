//! [`EventFactory`]: events, their owner (sub-factory) and their role
//! holders (related factories).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use fake::{
    faker::{
        address::en::{CityName, CountryName},
        company::en::{Buzzword, CatchPhrase, CompanyName},
        lorem::en::{Paragraph, Sentence},
    },
    rand::RngExt,
};
use open_event_server::db::{
    self,
    entities::{event, user, users_events_role},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::{Draw, FactoryContext, slug},
    error::Result,
    factory::{Factory, Lazy, run_lazy},
    role::Role,
    user::UserFactory,
};

/// IANA time zones events are given (all valid `chrono-tz` names).
pub const TIMEZONES: &[&str] = &[
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Nairobi",
    "UTC",
];

const KINDS: &[&str] = &[
    "Conference",
    "Summit",
    "Meetup",
    "Hackathon",
    "Festival",
    "Camp",
    "Forum",
    "Workshop",
    "Days",
];

/// Default lengths, in hours: all well under the server's 20-day limit.
const DURATIONS_HOURS: &[i64] = &[3, 4, 8, 32, 56];

/// When the event happens relative to the context's now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum When {
    /// Starts 7 to 120 days from now (the default).
    Upcoming,
    /// Ended 5 to 120 days ago.
    Past,
    /// Started 1 to 6 hours ago, ends in at least 2 hours.
    Ongoing,
}

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's default).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

#[derive(Clone)]
struct MemberSpec {
    role: Role,
    who: Party<user::Model, UserFactory>,
}

/// Someone holding a role on an event created by [`EventFactory`].
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The role.
    pub role: Role,
    /// The user.
    pub user: user::Model,
    /// The `users_events_roles` row.
    pub grant: users_events_role::Model,
}

/// What [`EventFactory::create_graph`] made: the event, its owner and the
/// role holders, all stored.
#[derive(Clone, Debug, PartialEq)]
pub struct EventGraph {
    /// The event.
    pub event: event::Model,
    /// Its owner (the one given, or the one the sub-factory created).
    pub owner: user::Model,
    /// Role holders added by related factories, in the order asked.
    pub members: Vec<Member>,
}

impl EventGraph {
    /// The members holding `role`.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &user::Model> {
        self.members
            .iter()
            .filter(move |m| m.role == role)
            .map(|m| &m.user)
    }
}

/// Events: a `fake` name, dates 7 to 120 days ahead, a valid IANA time
/// zone and a place, state `draft` and privacy `public` (the server's
/// defaults). `create` makes an owner with a [`UserFactory`] unless
/// [`owned_by`](EventFactory::owned_by) names one, and the role holders
/// asked for after the event. `build` makes neither: its `creator_id` is
/// the `owned_by` user's id, or `None`.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let alice = UserFactory::new().create(&db).await?;
///
/// let event = EventFactory::new().published().owned_by(&alice).create(&db).await?;
/// assert_eq!((event.state.as_str(), event.creator_id), ("published", Some(alice.id)));
///
/// // Lazy attributes: ends-at follows starts-at.
/// let start = chrono::DateTime::parse_from_rfc3339("2026-05-04T09:00:00Z")?.to_utc();
/// let e = EventFactory::new().with_starts_at(start).with_duration(chrono::Duration::hours(8)).build()?;
/// assert_eq!(e.ends_at - e.starts_at, chrono::Duration::hours(8));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct EventFactory {
    ctx: FactoryContext,
    name: Option<String>,
    description: Option<String>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    duration: Option<Duration>,
    when: When,
    timezone: Option<String>,
    identifier: Option<String>,
    privacy: Option<String>,
    state: Option<String>,
    online: Option<bool>,
    location_name: Option<String>,
    is_featured: Option<bool>,
    call_for_speakers: Option<bool>,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    owner: Party<user::Model, UserFactory>,
    members: Vec<MemberSpec>,
    lazy: Vec<Lazy<event::Model>>,
}

impl Default for EventFactory {
    fn default() -> Self {
        EventFactory::new()
    }
}

impl EventFactory {
    /// An event factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        EventFactory::in_context(&FactoryContext::global())
    }

    /// An event factory on `ctx` (also [`FactoryContext::event`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        EventFactory {
            ctx: ctx.clone(),
            name: None,
            description: None,
            starts_at: None,
            ends_at: None,
            duration: None,
            when: When::Upcoming,
            timezone: None,
            identifier: None,
            privacy: None,
            state: None,
            online: None,
            location_name: None,
            is_featured: None,
            call_for_speakers: None,
            deleted: false,
            created_at: None,
            owner: Party::New(None),
            members: Vec::new(),
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
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

    /// Sets the start; the end follows (start + duration) unless set.
    pub fn with_starts_at(mut self, at: DateTime<Utc>) -> Self {
        self.starts_at = Some(at);
        self
    }

    /// Sets the end; the start follows (end − duration) unless set. Setting
    /// both to an invalid pair is allowed: the db layer does not validate,
    /// which lets tests store what the API would refuse.
    pub fn with_ends_at(mut self, at: DateTime<Utc>) -> Self {
        self.ends_at = Some(at);
        self
    }

    /// Sets the length used to derive whichever of start and end is unset.
    pub fn with_duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// Sets the time zone (an IANA name).
    pub fn with_timezone(mut self, tz: impl Into<String>) -> Self {
        self.timezone = Some(tz.into());
        self
    }

    /// Sets the identifier (8 hex characters, not all digits).
    pub fn with_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = Some(identifier.into());
        self
    }

    /// Sets the place (`searchable-location-name` follows: the part before
    /// the first comma).
    pub fn with_location(mut self, name: impl Into<String>) -> Self {
        self.location_name = Some(name.into());
        self.online = Some(false);
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time
    /// of insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built event after every default,
    /// override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut event::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: state `published`.
    pub fn published(mut self) -> Self {
        self.state = Some(event::state::PUBLISHED.to_owned());
        self
    }

    /// Trait: state `draft` (the default).
    pub fn draft(mut self) -> Self {
        self.state = Some(event::state::DRAFT.to_owned());
        self
    }

    /// Trait: privacy `private`.
    pub fn private(mut self) -> Self {
        self.privacy = Some("private".to_owned());
        self
    }

    /// Trait: privacy `public` (the default).
    pub fn public(mut self) -> Self {
        self.privacy = Some("public".to_owned());
        self
    }

    /// Trait: online (no place, no coordinates).
    pub fn online(mut self) -> Self {
        self.online = Some(true);
        self
    }

    /// Trait: featured.
    pub fn featured(mut self) -> Self {
        self.is_featured = Some(true);
        self
    }

    /// Trait: sessions and speakers enabled, call for speakers open.
    pub fn with_call_for_speakers(mut self) -> Self {
        self.call_for_speakers = Some(true);
        self
    }

    /// Trait: starts 7 to 120 days after the context's now (the default).
    pub fn upcoming(mut self) -> Self {
        self.when = When::Upcoming;
        self
    }

    /// Trait: ended before the context's now.
    pub fn past(mut self) -> Self {
        self.when = When::Past;
        self
    }

    /// Trait: started before the context's now and ends after it.
    pub fn ongoing(mut self) -> Self {
        self.when = When::Ongoing;
        self
    }

    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    // ----- sub-factory: the owner -----

    /// The event's owner is `user` (no owner is created).
    pub fn owned_by(mut self, user: &user::Model) -> Self {
        self.owner = Party::Existing(user.clone());
        self
    }

    /// The owner is created by `factory` (default: the context's
    /// [`UserFactory`] with no overrides).
    pub fn with_owner(mut self, factory: UserFactory) -> Self {
        self.owner = Party::New(Some(Box::new(factory)));
        self
    }

    // ----- related factories: role holders, created after the event -----

    /// Related: `n` new users holding `role`.
    pub fn with_role(mut self, role: Role, n: usize) -> Self {
        for _ in 0..n {
            self.members.push(MemberSpec {
                role,
                who: Party::New(None),
            });
        }
        self
    }

    /// Related: new users for several roles, e.g.
    /// `[(Role::Organizer, 2), (Role::Moderator, 1)]`.
    pub fn with_roles(self, roles: impl IntoIterator<Item = (Role, usize)>) -> Self {
        roles
            .into_iter()
            .fold(self, |f, (role, n)| f.with_role(role, n))
    }

    /// Related: a user made by `factory`, holding `role`.
    pub fn with_member(mut self, role: Role, factory: UserFactory) -> Self {
        self.members.push(MemberSpec {
            role,
            who: Party::New(Some(Box::new(factory))),
        });
        self
    }

    /// Related: the existing `user` gets `role`.
    pub fn with_role_for(mut self, user: &user::Model, role: Role) -> Self {
        self.members.push(MemberSpec {
            role,
            who: Party::Existing(user.clone()),
        });
        self
    }

    /// Related: `n` new organizers.
    pub fn with_organizers(self, n: usize) -> Self {
        self.with_role(Role::Organizer, n)
    }

    /// Related: `n` new co-organizers.
    pub fn with_coorganizers(self, n: usize) -> Self {
        self.with_role(Role::Coorganizer, n)
    }

    /// Related: `n` new track organizers.
    pub fn with_track_organizers(self, n: usize) -> Self {
        self.with_role(Role::TrackOrganizer, n)
    }

    /// Related: `n` new moderators.
    pub fn with_moderators(self, n: usize) -> Self {
        self.with_role(Role::Moderator, n)
    }

    /// Related: `n` new registrars.
    pub fn with_registrars(self, n: usize) -> Self {
        self.with_role(Role::Registrar, n)
    }

    /// Creates the owner (unless given), the event, then the role holders;
    /// returns them all.
    ///
    /// ```
    /// use open_event_factories::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = open_event_server::db::connect("sqlite::memory:").await?;
    /// let g = EventFactory::new()
    ///     .with_organizers(2)
    ///     .with_roles([(Role::Moderator, 1)])
    ///     .create_graph(&db)
    ///     .await?;
    /// assert_eq!(g.event.creator_id, Some(g.owner.id)); // sub-factory
    /// assert_eq!(g.with_role(Role::Organizer).count(), 2); // related factories
    /// assert_eq!(g.members[2].role, Role::Moderator);
    /// # Ok(()) }
    /// ```
    pub async fn create_graph(self, db: &DatabaseConnection) -> Result<EventGraph> {
        let ctx = self.ctx.clone();
        let keep_created_at = self.created_at.is_some();
        let fixed_identifier = self.identifier.is_some();
        let owner_spec = self.owner.clone();
        let member_specs = self.members.clone();
        let mut model = self.build()?;

        let owner = match owner_spec {
            Party::Existing(u) => u,
            Party::New(f) => f.map_or_else(|| ctx.user(), |b| *b).create(db).await?,
        };

        let mut retries = 0;
        let event = loop {
            let mut am = event::ActiveModel::from(model.clone()).reset_all();
            am.id = NotSet;
            if !keep_created_at {
                am.created_at = NotSet;
            }
            match db::events::create_with_owner(db, am, owner.id).await {
                Ok(e) => break e,
                // A random identifier already taken (8 hex digits are few):
                // draw another, unless the test chose it.
                Err(e) if !fixed_identifier && retries < 8 && db::is_unique_violation(&e) => {
                    retries += 1;
                    let old =
                        std::mem::replace(&mut model.identifier, db::events::new_identifier());
                    for url in [
                        &mut model.logo_url,
                        &mut model.original_image_url,
                        &mut model.ticket_url,
                    ]
                    .into_iter()
                    .flatten()
                    {
                        *url = url.replace(&old, &model.identifier);
                    }
                }
                Err(e) => return Err(e.into()),
            }
        };

        let mut members = Vec::with_capacity(member_specs.len());
        for spec in member_specs {
            let user = match spec.who {
                Party::Existing(u) => u,
                Party::New(f) => f.map_or_else(|| ctx.user(), |b| *b).create(db).await?,
            };
            let grant = db::roles::grant(db, user.id, event.id, spec.role.name()).await?;
            members.push(Member {
                role: spec.role,
                user,
                grant,
            });
        }
        Ok(EventGraph {
            event,
            owner,
            members,
        })
    }
}

/// 8 lowercase hex characters, never all digits.
pub(crate) fn random_identifier(d: &mut Draw) -> String {
    loop {
        let id = format!("{:08x}", d.rng().random::<u32>());
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return id;
        }
    }
}

impl Factory for EventFactory {
    type Built = event::Model;
    type Model = event::Model;

    fn build(self) -> Result<event::Model> {
        let mut d = self.ctx.draw("event");
        // Every random value first, in a fixed order.
        let buzz: String = d.fake(Buzzword());
        let kind = *d.pick(KINDS);
        let description: String = d.fake(Paragraph(2..4));
        let spread: f64 = d.rng().random();
        let start_hour: i64 = d.rng().random_range(8..=18);
        let hours = *d.pick(DURATIONS_HOURS);
        let tz = *d.pick(TIMEZONES);
        let city: String = d.fake(CityName());
        let country: String = d.fake(CountryName());
        let latitude = round6(d.rng().random_range(-90.0..=90.0));
        let longitude = round6(d.rng().random_range(-180.0..=180.0));
        let org: String = d.fake(CompanyName());
        let org_about: String = d.fake(CatchPhrase());
        let conduct: String = d.fake(Sentence(8..16));
        let random_id = random_identifier(&mut d);

        let now = d.now();
        let midnight = now.date_naive().and_time(NaiveTime::MIN).and_utc();
        let days = 7 + (spread * 113.0) as i64;
        let (default_start, default_hours) = match self.when {
            When::Upcoming => (
                midnight + Duration::days(days) + Duration::hours(start_hour),
                hours,
            ),
            When::Past => (
                midnight - Duration::days(days) + Duration::hours(start_hour),
                hours,
            ),
            When::Ongoing => (
                now - Duration::hours(1 + (spread * 5.0) as i64),
                hours.max(8),
            ),
        };
        // Lazy attributes: whichever end is missing follows the other.
        let duration = self
            .duration
            .unwrap_or_else(|| Duration::hours(default_hours));
        let (starts_at, ends_at) = match (self.starts_at, self.ends_at) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + duration),
            (None, Some(e)) => (e - duration, e),
            (None, None) => (default_start, default_start + duration),
        };
        let name = self
            .name
            .unwrap_or_else(|| format!("{buzz} {kind} {}", starts_at.format("%Y")));
        let identifier = self.identifier.unwrap_or(random_id);
        let online = self.online.unwrap_or(false);
        let location = if online {
            None
        } else {
            Some(
                self.location_name
                    .unwrap_or_else(|| format!("{city}, {country}")),
            )
        };
        let searchable = location
            .as_deref()
            .and_then(|l| l.split(',').next())
            .map(|s| s.trim().to_owned());
        let cfs = self.call_for_speakers.unwrap_or(false);
        let site = slug(&name, '-');

        let mut model = event::Model {
            id: 0,
            identifier: identifier.clone(),
            name,
            description: Some(self.description.unwrap_or(description)),
            starts_at,
            ends_at,
            timezone: self.timezone.unwrap_or_else(|| tz.to_owned()),
            location_name: location,
            searchable_location_name: searchable,
            latitude: (!online).then_some(latitude),
            longitude: (!online).then_some(longitude),
            external_event_url: Some(format!("https://{site}.example.test/")),
            logo_url: Some(format!(
                "https://images.example.test/logos/{identifier}.png"
            )),
            original_image_url: Some(format!(
                "https://images.example.test/originals/{identifier}.jpg"
            )),
            online,
            privacy: self.privacy.unwrap_or_else(|| "public".to_owned()),
            state: self.state.unwrap_or_else(|| event::state::DRAFT.to_owned()),
            is_map_shown: !online,
            is_sessions_speakers_enabled: cfs,
            is_sponsors_enabled: false,
            is_ticket_form_enabled: false,
            is_cfs_enabled: cfs,
            is_featured: self.is_featured.unwrap_or(false),
            code_of_conduct: Some(conduct),
            ticket_url: Some(format!("https://tickets.example.test/{identifier}")),
            owner_name: Some(org),
            owner_description: Some(org_about),
            creator_id: match &self.owner {
                Party::Existing(u) => Some(u.id),
                Party::New(_) => None,
            },
            created_at: self.created_at.unwrap_or(now),
            deleted_at: self.deleted.then_some(now),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<event::Model> {
        Ok(self.create_graph(db).await?.event)
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
