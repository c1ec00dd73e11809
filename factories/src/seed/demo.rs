//! The demo world: a few events in every state and privacy, and one
//! account per role, all with the password [`DEMO_PASSWORD`].
//!
//! | account (`{label}@demo.open-event.test`) | staff flags | event roles |
//! |---|---|---|
//! | `super-admin` | super admin, admin | — |
//! | `admin` | admin | — |
//! | `owner` | — | owner of every event but *Online Hack Day* |
//! | `organizer` | — | owner of *Online Hack Day*; organizer of *Summit*, *Workshop*, *Meetup* |
//! | `coorganizer` | — | coorganizer of *Summit*, *Retreat* |
//! | `track-organizer` | — | track-organizer of *Summit* |
//! | `moderator` | — | moderator of *Summit*, *Online Hack Day* |
//! | `registrar` | — | registrar of *Summit*, *Workshop* |
//! | `user` | — | — (a plain registered user) |
//! | `unverified` | not verified | — |
//! | `blocked` | blocked | — |
//!
//! | event | state | privacy | when |
//! |---|---|---|---|
//! | Open Event Summit | published | public | upcoming, featured, call for speakers open |
//! | Rust Workshop | published | public | past |
//! | Organizers' Retreat | published | private | upcoming |
//! | Community Meetup | draft | public | upcoming |
//! | Board Planning | draft | private | upcoming |
//! | Online Hack Day | published | public | online, under way all of today (three days from yesterday 09:00 UTC) |
//!
//! The published events carry a programme (sponsors, tracks,
//! microlocations, session types, social links, FAQs; [`DemoProgram`]):
//!
//! | event | sponsors (level) | tracks | microlocations | session types | social links | FAQs |
//! |---|---|---|---|---|---|---|
//! | Open Event Summit | Acme Cloud (1), Globex Networks (2), Initech Labs (3), Hooli Hosting (3) | Systems, Web, Community | Main Hall, Room 101, Room 102 | Keynote, Talk, Workshop, Lightning Talk | Website, GitHub, Mastodon | 3 |
//! | Rust Workshop | Acme Cloud (1) | Beginners, Advanced | Lab 1 | Workshop, Tutorial | Website | 2 |
//! | Organizers' Retreat | — | Planning | Lodge | Panel | — | 1 |
//! | Online Hack Day | Hooli Hosting (2) | Main Stream | Virtual Stage | Talk, Lightning Talk | YouTube, Website | 1 |
//!
//! Pending role invites: `user` as co-organizer of the Summit (so the
//! accept flow can be tried), `guest@demo.open-event.test` (no account) as
//! moderator of the Workshop; both mailed. Email notification settings on
//! the Summit: `user` (every mail), `owner` (drawn from the seed).
//!
//! Names, levels and questions are fixed; colours, descriptions, floors,
//! rooms and coordinates follow the seed.
//!
//! Dates are relative to today (09:00 UTC), so the demo stays current;
//! everything else follows the seed. Calling [`demo`] again on the same
//! database finds what exists (users by email, events by their
//! seed-derived identifiers, grants by their triple, programme items by
//! event and name or question) and creates only what is missing: it is
//! idempotent.

use chrono::{Duration, NaiveTime, Utc};
use open_event_server::{
    db::{
        self,
        entities::{event, role_invite, user, users_events_role},
    },
    resources::{
        email_notification, faq, microlocation, session_type, social_link, sponsor, track,
    },
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select};

use crate::{
    context::{FactoryContext, splitmix},
    error::Result,
    event::EventFactory,
    factory::Factory,
    role::Role,
    user::UserFactory,
};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "open-event-demo";

/// The domain of the demo accounts' emails.
pub const DEMO_DOMAIN: &str = "demo.open-event.test";

/// The demo accounts, by what they are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DemoRole {
    /// Super admin.
    SuperAdmin,
    /// Admin.
    Admin,
    /// Owner of most demo events.
    Owner,
    /// Organizer.
    Organizer,
    /// Co-organizer.
    Coorganizer,
    /// Track organizer.
    TrackOrganizer,
    /// Moderator.
    Moderator,
    /// Registrar.
    Registrar,
    /// A registered user with no role.
    User,
    /// A user who has not verified their email.
    Unverified,
    /// A blocked user.
    Blocked,
}

impl DemoRole {
    /// Every demo account.
    pub const ALL: [DemoRole; 11] = [
        DemoRole::SuperAdmin,
        DemoRole::Admin,
        DemoRole::Owner,
        DemoRole::Organizer,
        DemoRole::Coorganizer,
        DemoRole::TrackOrganizer,
        DemoRole::Moderator,
        DemoRole::Registrar,
        DemoRole::User,
        DemoRole::Unverified,
        DemoRole::Blocked,
    ];

    /// The label: the email's local part.
    pub fn label(self) -> &'static str {
        match self {
            DemoRole::SuperAdmin => "super-admin",
            DemoRole::Admin => "admin",
            DemoRole::Owner => "owner",
            DemoRole::Organizer => "organizer",
            DemoRole::Coorganizer => "coorganizer",
            DemoRole::TrackOrganizer => "track-organizer",
            DemoRole::Moderator => "moderator",
            DemoRole::Registrar => "registrar",
            DemoRole::User => "user",
            DemoRole::Unverified => "unverified",
            DemoRole::Blocked => "blocked",
        }
    }

    /// The account's email.
    pub fn email(self) -> String {
        format!("{}@{DEMO_DOMAIN}", self.label())
    }

    fn factory(self, ctx: &FactoryContext) -> UserFactory {
        let f = ctx
            .user()
            .with_email(self.email())
            .with_password(DEMO_PASSWORD)
            .profile_public();
        match self {
            DemoRole::SuperAdmin => f.super_admin(),
            DemoRole::Admin => f.admin(),
            DemoRole::Unverified => f.unverified(),
            DemoRole::Blocked => f.blocked(),
            _ => f,
        }
    }
}

/// A demo account: log in with `email` and `password`.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoAccount {
    /// What the account is for.
    pub role: DemoRole,
    /// Its email.
    pub email: String,
    /// Its password ([`DEMO_PASSWORD`]).
    pub password: &'static str,
    /// The stored user.
    pub user: user::Model,
}

/// Every demo account, one field per [`DemoRole`].
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub struct DemoUsers {
    pub super_admin: DemoAccount,
    pub admin: DemoAccount,
    pub owner: DemoAccount,
    pub organizer: DemoAccount,
    pub coorganizer: DemoAccount,
    pub track_organizer: DemoAccount,
    pub moderator: DemoAccount,
    pub registrar: DemoAccount,
    pub user: DemoAccount,
    pub unverified: DemoAccount,
    pub blocked: DemoAccount,
}

impl DemoUsers {
    /// The account for `role`.
    pub fn get(&self, role: DemoRole) -> &DemoAccount {
        match role {
            DemoRole::SuperAdmin => &self.super_admin,
            DemoRole::Admin => &self.admin,
            DemoRole::Owner => &self.owner,
            DemoRole::Organizer => &self.organizer,
            DemoRole::Coorganizer => &self.coorganizer,
            DemoRole::TrackOrganizer => &self.track_organizer,
            DemoRole::Moderator => &self.moderator,
            DemoRole::Registrar => &self.registrar,
            DemoRole::User => &self.user,
            DemoRole::Unverified => &self.unverified,
            DemoRole::Blocked => &self.blocked,
        }
    }

    /// Every account, in [`DemoRole::ALL`] order.
    pub fn all(&self) -> [&DemoAccount; 11] {
        DemoRole::ALL.map(|r| self.get(r))
    }
}

/// The demo events (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct DemoEvents {
    /// Published, public, upcoming, featured, call for speakers open; every
    /// event role is held on it.
    pub summit: event::Model,
    /// Published, public, past.
    pub workshop: event::Model,
    /// Published, private.
    pub retreat: event::Model,
    /// Draft, public.
    pub meetup: event::Model,
    /// Draft, private.
    pub board: event::Model,
    /// Published, public, online, happening now; owned by `organizer`.
    pub online: event::Model,
}

impl DemoEvents {
    /// Every demo event, in declaration order.
    pub fn all(&self) -> [&event::Model; 6] {
        [
            &self.summit,
            &self.workshop,
            &self.retreat,
            &self.meetup,
            &self.board,
            &self.online,
        ]
    }
}

/// The demo world.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoWorld {
    /// The seed it was made from.
    pub seed: u64,
    /// The accounts.
    pub users: DemoUsers,
    /// The events.
    pub events: DemoEvents,
    /// Every role grant on the demo events (owners included), by id.
    pub grants: Vec<users_events_role::Model>,
    /// The programme of the published events.
    pub program: DemoProgram,
    /// Pending role invites (see the module docs).
    pub invites: Vec<role_invite::Model>,
    /// Email notification settings (see the module docs).
    pub email_notifications: Vec<email_notification::Model>,
}

/// The programme of the published demo events (see the [module
/// docs](self)): each list in event order, then in the order of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoProgram {
    /// Sponsors.
    pub sponsors: Vec<sponsor::Model>,
    /// Tracks.
    pub tracks: Vec<track::Model>,
    /// Microlocations.
    pub microlocations: Vec<microlocation::Model>,
    /// Session types.
    pub session_types: Vec<session_type::Model>,
    /// Social links.
    pub social_links: Vec<social_link::Model>,
    /// FAQs.
    pub faqs: Vec<faq::Model>,
}

/// One event's programme: names (sponsors with their level), FAQs by
/// question (of [`crate::faq::CATALOGUE`], which brings the answer).
struct ProgramPlan {
    sponsors: &'static [(&'static str, i32)],
    tracks: &'static [&'static str],
    microlocations: &'static [&'static str],
    session_types: &'static [&'static str],
    social_links: &'static [&'static str],
    faqs: &'static [&'static str],
}

const NO_PROGRAM: ProgramPlan = ProgramPlan {
    sponsors: &[],
    tracks: &[],
    microlocations: &[],
    session_types: &[],
    social_links: &[],
    faqs: &[],
};

/// The programme of each event of [`PLAN`], in the same order.
const PROGRAM: [ProgramPlan; 6] = [
    ProgramPlan {
        sponsors: &[
            ("Acme Cloud", 1),
            ("Globex Networks", 2),
            ("Initech Labs", 3),
            ("Hooli Hosting", 3),
        ],
        tracks: &["Systems", "Web", "Community"],
        microlocations: &["Main Hall", "Room 101", "Room 102"],
        session_types: &["Keynote", "Talk", "Workshop", "Lightning Talk"],
        social_links: &["Website", "GitHub", "Mastodon"],
        faqs: &[
            "Will the talks be recorded?",
            "Is the venue wheelchair accessible?",
            "Is there a code of conduct?",
        ],
    },
    ProgramPlan {
        sponsors: &[("Acme Cloud", 1)],
        tracks: &["Beginners", "Advanced"],
        microlocations: &["Lab 1"],
        session_types: &["Workshop", "Tutorial"],
        social_links: &["Website"],
        faqs: &["Are meals included?", "Is there Wi-Fi?"],
    },
    ProgramPlan {
        sponsors: &[],
        tracks: &["Planning"],
        microlocations: &["Lodge"],
        session_types: &["Panel"],
        social_links: &[],
        faqs: &["Can I bring a guest to the evening social?"],
    },
    NO_PROGRAM,
    NO_PROGRAM,
    ProgramPlan {
        sponsors: &[("Hooli Hosting", 2)],
        tracks: &["Main Stream"],
        microlocations: &["Virtual Stage"],
        session_types: &["Talk", "Lightning Talk"],
        social_links: &["YouTube", "Website"],
        faqs: &["Will the talks be recorded?"],
    },
];

struct EventPlan {
    name: &'static str,
    owner: DemoRole,
    grants: &'static [(DemoRole, Role)],
    shape: fn(EventFactory) -> EventFactory,
}

const PLAN: [EventPlan; 6] = [
    EventPlan {
        name: "Open Event Summit",
        owner: DemoRole::Owner,
        grants: &[
            (DemoRole::Organizer, Role::Organizer),
            (DemoRole::Coorganizer, Role::Coorganizer),
            (DemoRole::TrackOrganizer, Role::TrackOrganizer),
            (DemoRole::Moderator, Role::Moderator),
            (DemoRole::Registrar, Role::Registrar),
        ],
        shape: |f| f.published().featured().with_call_for_speakers(),
    },
    EventPlan {
        name: "Rust Workshop",
        owner: DemoRole::Owner,
        grants: &[
            (DemoRole::Organizer, Role::Organizer),
            (DemoRole::Registrar, Role::Registrar),
        ],
        shape: |f| f.published().past(),
    },
    EventPlan {
        name: "Organizers' Retreat",
        owner: DemoRole::Owner,
        grants: &[(DemoRole::Coorganizer, Role::Coorganizer)],
        shape: |f| f.published().private(),
    },
    EventPlan {
        name: "Community Meetup",
        owner: DemoRole::Owner,
        grants: &[(DemoRole::Organizer, Role::Organizer)],
        shape: |f| f.draft(),
    },
    EventPlan {
        name: "Board Planning",
        owner: DemoRole::Owner,
        grants: &[],
        shape: |f| f.draft().private(),
    },
    EventPlan {
        name: "Online Hack Day",
        owner: DemoRole::Organizer,
        grants: &[(DemoRole::Moderator, Role::Moderator)],
        // Yesterday 09:00 to tomorrow + 1 09:00 (UTC): under way at any
        // hour of today.
        shape: |f| {
            let start = f.context().now() - Duration::days(1);
            f.published()
                .online()
                .with_starts_at(start)
                .with_duration(Duration::days(3))
        },
    },
];

/// The identifiers of the demo events: a function of the seed alone.
fn identifiers(seed: u64) -> [String; 6] {
    let mut state = seed ^ 0xDE30_0E7E;
    let mut out: Vec<String> = Vec::with_capacity(6);
    while out.len() < 6 {
        let id = format!("{:08x}", splitmix(&mut state) as u32);
        if !id.bytes().all(|b| b.is_ascii_digit()) && !out.contains(&id) {
            out.push(id);
        }
    }
    std::array::from_fn(|i| out[i].clone())
}

/// Makes (or completes) the demo world in `db`.
///
/// ```
/// use open_event_factories::seed::{self, DEMO_PASSWORD, DemoRole};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let world = seed::demo(&db, 42).await?;
/// let admin = world.users.get(DemoRole::Admin);
/// assert_eq!((admin.email.as_str(), admin.password), ("admin@demo.open-event.test", DEMO_PASSWORD));
/// assert!(open_event_server::auth::password::verify(DEMO_PASSWORD, &admin.user.password_hash));
/// assert_eq!(world.events.summit.state, "published");
/// assert_eq!(seed::demo(&db, 42).await?, world); // idempotent
/// # Ok(()) }
/// ```
pub async fn demo(db: &DatabaseConnection, seed: u64) -> Result<DemoWorld> {
    let today = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc() + Duration::hours(9);
    let ctx = FactoryContext::seeded(seed).with_now(today);
    let users = users(db, &ctx).await?;
    let events = events(db, &ctx, seed, &users).await?;
    let grants = grants(db, &users, &events).await?;
    let program = program(db, &ctx, &events).await?;
    let invites = invites(db, &ctx, &users, &events).await?;
    let email_notifications = email_notifications(db, &ctx, &users, &events).await?;
    // Later steps (sessions, speakers, …) go here: see the module docs of
    // `seed`.
    Ok(DemoWorld {
        seed,
        users,
        events,
        grants,
        program,
        invites,
        email_notifications,
    })
}

/// The pending invites: `user` as co-organizer of the Summit (they can
/// accept it), and an outsider as moderator of the Workshop.
async fn invites(
    db: &DatabaseConnection,
    ctx: &FactoryContext,
    users: &DemoUsers,
    events: &DemoEvents,
) -> Result<Vec<role_invite::Model>> {
    let plan = [
        (
            &events.summit,
            users.get(DemoRole::User).email.clone(),
            Role::Coorganizer,
        ),
        (
            &events.workshop,
            "guest@demo.open-event.test".to_owned(),
            Role::Moderator,
        ),
    ];
    let mut out = Vec::with_capacity(plan.len());
    for (event, email, role) in plan {
        let find = role_invite::Entity::find()
            .filter(role_invite::Column::EventId.eq(event.id))
            .filter(role_invite::Column::Email.eq(email.as_str()));
        let factory = crate::RoleInviteFactory::in_context(ctx)
            .for_event(event)
            .to(email)
            .with_role(role)
            .pending()
            .mailed();
        out.push(find_or_create(db, factory, find).await?);
    }
    Ok(out)
}

/// Email notification settings: `user` wants every mail about the
/// Summit; `owner` the defaults the seed draws.
async fn email_notifications(
    db: &DatabaseConnection,
    ctx: &FactoryContext,
    users: &DemoUsers,
    events: &DemoEvents,
) -> Result<Vec<email_notification::Model>> {
    let mut out = Vec::with_capacity(2);
    for (role, all_on) in [(DemoRole::User, true), (DemoRole::Owner, false)] {
        let user = &users.get(role).user;
        let mut factory = ctx
            .email_notification()
            .for_event(&events.summit)
            .for_user(user);
        if all_on {
            factory = factory.all_on();
        }
        let find = email_notification::Entity::find()
            .filter(email_notification::Column::EventId.eq(events.summit.id))
            .filter(email_notification::Column::UserId.eq(user.id));
        out.push(find_or_create(db, factory, find).await?);
    }
    Ok(out)
}

async fn users(db: &DatabaseConnection, ctx: &FactoryContext) -> Result<DemoUsers> {
    let mut accounts = Vec::with_capacity(DemoRole::ALL.len());
    for role in DemoRole::ALL {
        let factory = role.factory(ctx);
        let user = match db::users::by_email(db, &role.email()).await? {
            Some(existing) => {
                // Draw anyway, so the users made after it are the same
                // whether or not this one existed.
                factory.build()?;
                existing
            }
            None => factory.create(db).await?,
        };
        accounts.push(DemoAccount {
            role,
            email: user.email.clone(),
            password: DEMO_PASSWORD,
            user,
        });
    }
    let mut it = accounts.into_iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| crate::FactoryError::Invalid("demo account missing".into()))
    };
    Ok(DemoUsers {
        super_admin: next()?,
        admin: next()?,
        owner: next()?,
        organizer: next()?,
        coorganizer: next()?,
        track_organizer: next()?,
        moderator: next()?,
        registrar: next()?,
        user: next()?,
        unverified: next()?,
        blocked: next()?,
    })
}

async fn events(
    db: &DatabaseConnection,
    ctx: &FactoryContext,
    seed: u64,
    users: &DemoUsers,
) -> Result<DemoEvents> {
    let ids = identifiers(seed);
    let mut made = Vec::with_capacity(PLAN.len());
    for (plan, identifier) in PLAN.iter().zip(ids) {
        let factory = (plan.shape)(
            ctx.event()
                .with_name(plan.name)
                .with_identifier(identifier.clone())
                .owned_by(&users.get(plan.owner).user),
        );
        let found = event::Entity::find()
            .filter(event::Column::Identifier.eq(identifier))
            .one(db)
            .await?;
        made.push(match found {
            Some(existing) => {
                factory.build()?;
                existing
            }
            None => factory.create(db).await?,
        });
    }
    let mut it = made.into_iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| crate::FactoryError::Invalid("demo event missing".into()))
    };
    Ok(DemoEvents {
        summit: next()?,
        workshop: next()?,
        retreat: next()?,
        meetup: next()?,
        board: next()?,
        online: next()?,
    })
}

async fn grants(
    db: &DatabaseConnection,
    users: &DemoUsers,
    events: &DemoEvents,
) -> Result<Vec<users_events_role::Model>> {
    for (plan, event) in PLAN.iter().zip(events.all()) {
        let owner = [(plan.owner, Role::Owner)];
        for (who, role) in owner.iter().chain(plan.grants) {
            let user_id = users.get(*who).user.id;
            let role_id = role.id(db).await?;
            let exists = users_events_role::Entity::find()
                .filter(users_events_role::Column::UserId.eq(user_id))
                .filter(users_events_role::Column::EventId.eq(event.id))
                .filter(users_events_role::Column::RoleId.eq(role_id))
                .one(db)
                .await?
                .is_some();
            if !exists {
                db::roles::grant(db, user_id, event.id, role.name()).await?;
            }
        }
    }
    let ids: Vec<i64> = events.all().iter().map(|e| e.id).collect();
    Ok(users_events_role::Entity::find()
        .filter(users_events_role::Column::EventId.is_in(ids))
        .order_by_asc(users_events_role::Column::Id)
        .all(db)
        .await?)
}

/// The stored row `find` names, or a new one from `factory`. Draws either
/// way, so what is made after it is the same whether or not it existed.
async fn find_or_create<F, E>(
    db: &DatabaseConnection,
    factory: F,
    find: Select<E>,
) -> Result<E::Model>
where
    F: Factory<Model = E::Model>,
    E: EntityTrait,
{
    match find.one(db).await? {
        Some(existing) => {
            factory.build()?;
            Ok(existing)
        }
        None => factory.create(db).await,
    }
}

/// Positions from 1 within an event.
fn position(i: usize) -> i32 {
    i32::try_from(i + 1).unwrap_or(i32::MAX)
}

async fn program(
    db: &DatabaseConnection,
    ctx: &FactoryContext,
    events: &DemoEvents,
) -> Result<DemoProgram> {
    let mut p = DemoProgram {
        sponsors: Vec::new(),
        tracks: Vec::new(),
        microlocations: Vec::new(),
        session_types: Vec::new(),
        social_links: Vec::new(),
        faqs: Vec::new(),
    };
    for (plan, event) in PROGRAM.iter().zip(events.all()) {
        for (name, level) in plan.sponsors {
            let factory = ctx
                .sponsor()
                .for_event(event)
                .with_name(*name)
                .level(*level);
            let find = sponsor::Entity::find()
                .filter(sponsor::Column::EventId.eq(event.id))
                .filter(sponsor::Column::Name.eq(*name));
            p.sponsors.push(find_or_create(db, factory, find).await?);
        }
        for (i, name) in plan.tracks.iter().enumerate() {
            let factory = ctx
                .track()
                .for_event(event)
                .with_name(*name)
                .at_position(position(i));
            let find = track::Entity::find()
                .filter(track::Column::EventId.eq(event.id))
                .filter(track::Column::Name.eq(*name));
            p.tracks.push(find_or_create(db, factory, find).await?);
        }
        for (i, name) in plan.microlocations.iter().enumerate() {
            let factory = ctx
                .microlocation()
                .for_event(event)
                .with_name(*name)
                .at_position(position(i));
            let find = microlocation::Entity::find()
                .filter(microlocation::Column::EventId.eq(event.id))
                .filter(microlocation::Column::Name.eq(*name));
            p.microlocations
                .push(find_or_create(db, factory, find).await?);
        }
        for (i, name) in plan.session_types.iter().enumerate() {
            let factory = ctx
                .session_type()
                .for_event(event)
                .with_name(*name)
                .at_position(position(i));
            let find = session_type::Entity::find()
                .filter(session_type::Column::EventId.eq(event.id))
                .filter(session_type::Column::Name.eq(*name));
            p.session_types
                .push(find_or_create(db, factory, find).await?);
        }
        for name in plan.social_links {
            let factory = ctx.social_link().for_event(event).with_name(*name);
            let find = social_link::Entity::find()
                .filter(social_link::Column::EventId.eq(event.id))
                .filter(social_link::Column::Name.eq(*name));
            p.social_links
                .push(find_or_create(db, factory, find).await?);
        }
        for question in plan.faqs {
            let factory = ctx.faq().for_event(event).with_question(*question);
            let find = faq::Entity::find()
                .filter(faq::Column::EventId.eq(event.id))
                .filter(faq::Column::Question.eq(*question));
            p.faqs.push(find_or_create(db, factory, find).await?);
        }
    }
    Ok(p)
}
