//! [`RoleInviteFactory`]: invitations to take an event role, by email,
//! creating the event (and its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::{
    faker::name::en::{FirstName, LastName},
    rand::RngExt,
};
use open_event_server::db::{
    self,
    entities::{event, role_invite, user},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::FactoryContext,
    error::Result,
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
    role::Role,
    user::EMAIL_DOMAIN,
};

/// The `kind` of the mail [`RoleInviteFactory::mailed`] writes (the one the
/// server writes when it creates an invite).
pub const INVITE_MAIL_KIND: &str = "role-invite";

#[derive(Clone)]
enum Party<M, F> {
    New(Option<Box<F>>),
    Existing(M),
}

/// What [`RoleInviteFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct Invitation {
    /// The event the invite is for.
    pub event: event::Model,
    /// The role offered.
    pub role: Role,
    /// The `role_invites` row; its `hash` is the acceptance token.
    pub invite: role_invite::Model,
}

/// Role invites. Defaults: a `pending` invite to the `coorganizer` role, for
/// a new address (`<first>.<last>.<seq>+<token>@example.test`, lowercase as
/// the server stores them), on a new event (sub-factory: the event brings its
/// owner); the `hash` (the acceptance token) is 64 hex characters, unique
/// like every sequence value.
///
/// The server has no db function for invites (they are made by
/// `POST /v1/role-invites`), so [`create`](Factory::create) inserts the
/// `role_invites` row directly; [`mailed`](RoleInviteFactory::mailed) also
/// writes the invitation mail to the outbox, as the server does.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let event = EventFactory::new().published().create(&db).await?;
/// let guest = UserFactory::new().create(&db).await?;
///
/// let invite = RoleInviteFactory::new()
///     .for_event(&event)
///     .to_user(&guest)
///     .with_role(Role::Moderator)
///     .mailed()
///     .create(&db)
///     .await?;
/// assert_eq!((invite.event_id, invite.status.as_str()), (event.id, "pending"));
/// assert_eq!((invite.role_name.as_str(), invite.role_id), ("moderator", Role::Moderator.id(&db).await?));
/// assert_eq!(invite.email, guest.email.to_lowercase());
///
/// // The token is in the outbox, as if the server had sent the mail.
/// let mail = open_event_server::db::mail::to(&db, &guest.email).await?.pop().unwrap();
/// assert_eq!(mail.token.as_deref(), Some(invite.hash.as_str()));
///
/// // Traits; with nothing given, the event (and its owner) are created.
/// let done = RoleInviteFactory::new().accepted().create_graph(&db).await?;
/// assert_eq!(done.invite.status, "accepted");
/// assert_eq!(done.invite.event_id, done.event.id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RoleInviteFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    role: Role,
    email: Option<String>,
    status: Option<String>,
    hash: Option<String>,
    created_at: Option<DateTime<Utc>>,
    mailed: bool,
    lazy: Vec<Lazy<role_invite::Model>>,
}

impl Default for RoleInviteFactory {
    fn default() -> Self {
        RoleInviteFactory::new()
    }
}

impl RoleInviteFactory {
    /// An invite factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        RoleInviteFactory::in_context(&FactoryContext::global())
    }

    /// An invite factory on `ctx`.
    pub fn in_context(ctx: &FactoryContext) -> Self {
        RoleInviteFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            role: Role::Coorganizer,
            email: None,
            status: None,
            hash: None,
            created_at: None,
            mailed: false,
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    // ----- overrides -----

    /// Invites to this existing event.
    pub fn for_event(mut self, event: &event::Model) -> Self {
        self.event = Party::Existing(event.clone());
        self
    }

    /// The event is made by `factory` (at create time).
    pub fn with_event(mut self, factory: EventFactory) -> Self {
        self.event = Party::New(Some(Box::new(factory)));
        self
    }

    /// The role offered (`role_id` and `role_name` follow).
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// The invited address (lowercased, as the server compares them).
    pub fn to(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into().to_lowercase());
        self
    }

    /// Invites this user's address.
    pub fn to_user(self, user: &user::Model) -> Self {
        self.to(user.email.clone())
    }

    /// Sets the acceptance token (taken as given).
    pub fn with_hash(mut self, hash: impl Into<String>) -> Self {
        self.hash = Some(hash.into());
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time of
    /// insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built invite after every default,
    /// override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut role_invite::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: still pending (the default).
    pub fn pending(mut self) -> Self {
        self.status = Some("pending".into());
        self
    }

    /// Trait: already accepted.
    pub fn accepted(mut self) -> Self {
        self.status = Some("accepted".into());
        self
    }

    /// Trait: declined.
    pub fn declined(mut self) -> Self {
        self.status = Some("declined".into());
        self
    }

    /// Also write the invitation mail (kind [`INVITE_MAIL_KIND`], the token
    /// in it) through `open_event_server::db::mail::send` on create.
    pub fn mailed(mut self) -> Self {
        self.mailed = true;
        self
    }

    /// Creates the missing event, then the invite (and its mail).
    pub async fn create_graph(self, db: &DatabaseConnection) -> Result<Invitation> {
        let ctx = self.ctx.clone();
        let keep_created_at = self.created_at.is_some();
        let mailed = self.mailed;
        let role = self.role;
        let event_spec = self.event.clone();
        let mut model = self.build()?;
        let event = match event_spec {
            Party::Existing(e) => e,
            Party::New(f) => f.map_or_else(|| ctx.event(), |b| *b).create(db).await?,
        };
        model.event_id = event.id;
        model.role_id = role.id(db).await?;
        let mut am = role_invite::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = sea_orm::Set(Utc::now());
        }
        let invite = open_event_server::db::write::insert(db, am).await?;
        if mailed {
            db::mail::send(
                db,
                &invite.email,
                INVITE_MAIL_KIND,
                &format!("You are invited as {}", invite.role_name),
                format!(
                    "Accept the {} role on event {} with the token {}.",
                    invite.role_name, event.id, invite.hash
                ),
                Some(invite.hash.clone()),
            )
            .await?;
        }
        Ok(Invitation {
            event,
            role,
            invite,
        })
    }
}

const KIND: &str = "role_invite";

impl Factory for RoleInviteFactory {
    type Built = role_invite::Model;
    type Model = role_invite::Model;

    /// The invite in memory: the id of an existing event, 0 for one that
    /// would be created, and the role's [seeded id](Role::seeded_id).
    fn build(self) -> Result<role_invite::Model> {
        let mut d = self.ctx.draw(KIND);
        // Every random value first, in a fixed order.
        let first: String = d.fake(FirstName());
        let last: String = d.fake(LastName());
        let high: u128 = d.rng().random();
        let low: u32 = d.rng().random();

        let email = self.email.unwrap_or_else(|| {
            d.unique_email(&format!("{first} {last}"), EMAIL_DOMAIN)
                .to_lowercase()
        });
        // 32 random hex digits, the sequence number, the run token (unique),
        // 8 more random digits: 64 characters, the server's token length.
        let hash = self.hash.unwrap_or_else(|| {
            let token: String = d
                .token()
                .chars()
                .filter(char::is_ascii_hexdigit)
                .take(8)
                .collect();
            format!("{high:032x}{:016x}{token:0>8}{low:08x}", d.seq())
        });
        let mut model = role_invite::Model {
            id: 0,
            email,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            role_id: self.role.seeded_id(),
            role_name: self.role.name().to_owned(),
            hash,
            status: self.status.unwrap_or_else(|| "pending".to_owned()),
            created_at: self.created_at.unwrap_or(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<role_invite::Model> {
        Ok(self.create_graph(db).await?.invite)
    }
}
