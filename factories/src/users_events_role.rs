//! [`UsersEventsRoleFactory`]: one role of one user on one event, creating
//! the user and the event (and the event's owner) when none is given.

use open_event_server::db::{
    self,
    entities::{event, user, users_events_role},
};
use sea_orm::DatabaseConnection;

use crate::{
    context::FactoryContext, error::Result, event::EventFactory, factory::Factory, role::Role,
    user::UserFactory,
};

#[derive(Clone)]
enum Party<M, F> {
    New(Option<Box<F>>),
    Existing(M),
}

/// What [`UsersEventsRoleFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    /// The user holding the role.
    pub user: user::Model,
    /// The event.
    pub event: event::Model,
    /// The role.
    pub role: Role,
    /// The `users_events_roles` row.
    pub grant: users_events_role::Model,
}

/// Role grants. Default role: `organizer`; default user and event: new
/// ones from the context's factories (sub-factories: the event brings its
/// own owner).
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let event = EventFactory::new().create(&db).await?;
/// let m = UsersEventsRoleFactory::new()
///     .for_event(&event)
///     .with_role(Role::Moderator)
///     .create_graph(&db)
///     .await?;
/// assert_eq!((m.grant.event_id, m.grant.user_id), (event.id, m.user.id));
/// assert_eq!(m.grant.role_id, Role::Moderator.id(&db).await?);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct UsersEventsRoleFactory {
    ctx: FactoryContext,
    user: Party<user::Model, UserFactory>,
    event: Party<event::Model, EventFactory>,
    role: Role,
}

impl Default for UsersEventsRoleFactory {
    fn default() -> Self {
        UsersEventsRoleFactory::new()
    }
}

impl UsersEventsRoleFactory {
    /// A grant factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        UsersEventsRoleFactory::in_context(&FactoryContext::global())
    }

    /// A grant factory on `ctx` (also [`FactoryContext::users_events_role`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        UsersEventsRoleFactory {
            ctx: ctx.clone(),
            user: Party::New(None),
            event: Party::New(None),
            role: Role::Organizer,
        }
    }

    /// The role granted.
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// The role granted, by name ([`FactoryError::Invalid`](crate::FactoryError::Invalid) if unknown).
    pub fn with_role_named(self, name: &str) -> Result<Self> {
        Ok(self.with_role(name.parse()?))
    }

    /// Grants to this existing user.
    pub fn for_user(mut self, user: &user::Model) -> Self {
        self.user = Party::Existing(user.clone());
        self
    }

    /// Grants on this existing event.
    pub fn for_event(mut self, event: &event::Model) -> Self {
        self.event = Party::Existing(event.clone());
        self
    }

    /// The user is made by `factory`.
    pub fn with_user(mut self, factory: UserFactory) -> Self {
        self.user = Party::New(Some(Box::new(factory)));
        self
    }

    /// The event is made by `factory`.
    pub fn with_event(mut self, factory: EventFactory) -> Self {
        self.event = Party::New(Some(Box::new(factory)));
        self
    }

    /// Creates the missing user and event, then the grant.
    pub async fn create_graph(self, db: &DatabaseConnection) -> Result<Membership> {
        let ctx = self.ctx.clone();
        // Draw even when persisting, so build and create number alike.
        let _ = self.ctx.draw(KIND);
        let event = match self.event {
            Party::Existing(e) => e,
            Party::New(f) => f.map_or_else(|| ctx.event(), |b| *b).create(db).await?,
        };
        let user = match self.user {
            Party::Existing(u) => u,
            Party::New(f) => f.map_or_else(|| ctx.user(), |b| *b).create(db).await?,
        };
        let grant = db::roles::grant(db, user.id, event.id, self.role.name()).await?;
        Ok(Membership {
            user,
            event,
            role: self.role,
            grant,
        })
    }
}

const KIND: &str = "users_events_role";

impl Factory for UsersEventsRoleFactory {
    type Built = users_events_role::Model;
    type Model = users_events_role::Model;

    /// The grant row in memory: ids of existing user and event, 0 for ones
    /// that would be created, and the role's [seeded id](Role::seeded_id).
    fn build(self) -> Result<users_events_role::Model> {
        let d = self.ctx.draw(KIND);
        Ok(users_events_role::Model {
            id: 0,
            user_id: match &self.user {
                Party::Existing(u) => u.id,
                Party::New(_) => 0,
            },
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            role_id: self.role.seeded_id(),
            created_at: d.now(),
        })
    }

    async fn create(self, db: &DatabaseConnection) -> Result<users_events_role::Model> {
        Ok(self.create_graph(db).await?.grant)
    }
}
