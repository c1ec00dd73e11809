//! Seeding behind one small trait: [`Seeder`]. The runner asks for users,
//! objects of a resource type and factory-built attribute sets; the only
//! implementation, [`FactorySeeder`], answers through `open-event-factories`
//! (and so through the server's own db layer). Each check gets its own
//! [`FactoryContext`], seeded from the run seed and the check id, so the
//! data a check builds does not depend on which checks ran before it.

use std::{future::Future, pin::Pin};

use std::collections::BTreeMap;

use open_event_factories::{
    DEFAULT_PASSWORD, Factory, FactoryContext, Role, RoleFactory, RoleInviteFactory,
};
use open_event_server::db::{
    self,
    entities::{event, role, user, users_events_role},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Map, Value};

use super::{
    RunnerError,
    plan::Actor,
    world::{Built, Facts, Layout, Obj, Who, World},
};

/// A boxed, sendable future (the trait is used as `dyn Seeder`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The kind of account to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    /// A verified, registered user.
    Regular,
    /// Staff: admin.
    Admin,
    /// Staff: super admin.
    SuperAdmin,
    /// Registered, email not verified.
    Unverified,
}

/// A created account, with what the runner needs to act as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededUser {
    /// Database id.
    pub id: i64,
    /// Login email.
    pub email: String,
    /// Plain-text password.
    pub password: String,
    /// Token version (for signing tokens).
    pub token_version: i32,
}

impl SeededUser {
    fn from_model(m: &user::Model, password: &str) -> Self {
        SeededUser {
            id: m.id,
            email: m.email.clone(),
            password: password.to_owned(),
            token_version: m.token_version,
        }
    }
}

/// How a seeded object should look to callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectState {
    /// Visible to everyone (e.g. a published event) and managed by the owner.
    Public,
    /// Only its owner and staff see it (e.g. a draft).
    Private,
    /// Soft-deleted.
    Deleted,
    /// The owner's own (rules with `self`): for a grant, the owner's grant
    /// on someone else's event.
    Own,
}

/// Seeds the data checks need.
pub trait Seeder: Send + Sync {
    /// Resource types [`object`](Seeder::object) can create (`user` is implied).
    fn kinds(&self) -> Vec<&'static str>;

    /// Resource types [`object`](Seeder::object) can create soft-deleted.
    fn deletable(&self) -> Vec<&'static str>;

    /// Creates an account.
    fn user<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: UserKind,
    ) -> BoxFuture<'a, Result<SeededUser, RunnerError>>;

    /// Creates an object of resource type `kind` owned by `owner`; returns its id.
    fn object<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: &'a str,
        owner: &'a SeededUser,
        state: ObjectState,
    ) -> BoxFuture<'a, Result<String, RunnerError>>;

    /// A valid attribute set for `kind`, built in memory (dasherized names,
    /// no nulls); the caller keeps the names its request schema documents.
    fn attributes(
        &self,
        ctx: &FactoryContext,
        kind: &str,
    ) -> Result<Map<String, Value>, RunnerError>;

    /// The newest one-time token mailed to `email` with mail kind `kind`
    /// (`verify-email`, `reset-password`), read from the server's outbox.
    fn mail_token<'a>(
        &'a self,
        email: &'a str,
        kind: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, RunnerError>>;

    /// The id of the role named `name`.
    fn role_id<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<i64, RunnerError>>;

    /// A role invite on a new published event (a new owner's), to `to` (or
    /// a new address), pending or already accepted; mailed like the
    /// server's own.
    fn invite<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        to: Option<&'a SeededUser>,
        accepted: bool,
    ) -> BoxFuture<'a, Result<SeededInvite, RunnerError>>;

    /// Makes object `id` of type `kind` referenced by another object (a
    /// role held by a grant), so deleting it conflicts; `false` when the
    /// seeder cannot for this type.
    fn reference<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, RunnerError>>;

    /// A new event owned by `owner`; returns the id of its owner grant.
    fn owner_grant<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        owner: &'a SeededUser,
    ) -> BoxFuture<'a, Result<String, RunnerError>>;

    /// Builds the permission world `layout` with the objects `objects`
    /// (see [`crate::runner::world`]); the facts of each built object are
    /// read off the stored rows.
    fn world<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        layout: &'a Layout,
        objects: &'a [Obj],
    ) -> BoxFuture<'a, Result<World, RunnerError>>;
}

/// A seeded role invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededInvite {
    /// Its id.
    pub id: i64,
    /// Its acceptance token.
    pub hash: String,
    /// The address invited.
    pub email: String,
}

/// [`Seeder`] on `open-event-factories`, writing to the server's database.
#[derive(Debug, Clone)]
pub struct FactorySeeder {
    db: DatabaseConnection,
}

impl FactorySeeder {
    /// The resource types it creates.
    pub const KINDS: [&'static str; 5] =
        ["user", "event", "users-events-roles", "role", "role-invite"];
    /// The resource types it creates soft-deleted.
    pub const DELETABLE: [&'static str; 2] = ["event", "user"];

    /// A seeder on `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        FactorySeeder { db }
    }
}

fn seed_err(e: impl std::fmt::Display) -> RunnerError {
    RunnerError::Seed(e.to_string())
}

/// A model serialized with dasherized names; nulls dropped.
fn dasherized(model: impl serde::Serialize) -> Result<Map<String, Value>, RunnerError> {
    let Value::Object(map) = serde_json::to_value(model).map_err(seed_err)? else {
        return Err(RunnerError::Seed(
            "a model did not serialize to an object".into(),
        ));
    };
    Ok(map
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.replace('_', "-"), v))
        .collect())
}

impl Seeder for FactorySeeder {
    fn kinds(&self) -> Vec<&'static str> {
        FactorySeeder::KINDS.to_vec()
    }

    fn deletable(&self) -> Vec<&'static str> {
        FactorySeeder::DELETABLE.to_vec()
    }

    fn user<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: UserKind,
    ) -> BoxFuture<'a, Result<SeededUser, RunnerError>> {
        Box::pin(async move {
            let f = ctx.user();
            let f = match kind {
                UserKind::Regular => f,
                UserKind::Admin => f.admin(),
                UserKind::SuperAdmin => f.super_admin(),
                UserKind::Unverified => f.unverified(),
            };
            let password = f.password().to_owned();
            let m = f.create(&self.db).await.map_err(seed_err)?;
            Ok(SeededUser::from_model(&m, &password))
        })
    }

    fn object<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: &'a str,
        owner: &'a SeededUser,
        state: ObjectState,
    ) -> BoxFuture<'a, Result<String, RunnerError>> {
        Box::pin(async move {
            match kind {
                "event" => {
                    let owner_model = self.user_model(owner.id).await?;
                    let f = ctx.event().owned_by(&owner_model);
                    let f = match state {
                        ObjectState::Public | ObjectState::Own => f.published(),
                        ObjectState::Private => f.draft(),
                        ObjectState::Deleted => f.published().deleted(),
                    };
                    let m = f.create(&self.db).await.map_err(seed_err)?;
                    Ok(m.id.to_string())
                }
                "users-events-roles" => {
                    let owner_model = self.user_model(owner.id).await?;
                    let grants = ctx.users_events_role().with_role(Role::Moderator);
                    let grant = if state == ObjectState::Own {
                        // The owner's own grant, on an event someone else owns.
                        let event = ctx.event().published().create(&self.db).await;
                        grants
                            .for_user(&owner_model)
                            .for_event(&event.map_err(seed_err)?)
                    } else {
                        // A grant the owner manages: another user's, on the owner's event.
                        let event = ctx
                            .event()
                            .owned_by(&owner_model)
                            .published()
                            .create(&self.db)
                            .await;
                        grants.for_event(&event.map_err(seed_err)?)
                    };
                    let grant = grant.create(&self.db).await.map_err(seed_err)?;
                    Ok(grant.id.to_string())
                }
                "user" => {
                    let f = ctx.user();
                    let f = if state == ObjectState::Deleted {
                        f.deleted()
                    } else {
                        f
                    };
                    let m = f.create(&self.db).await.map_err(seed_err)?;
                    Ok(m.id.to_string())
                }
                "role" if state != ObjectState::Deleted => {
                    let m = RoleFactory::in_context(ctx)
                        .create(&self.db)
                        .await
                        .map_err(seed_err)?;
                    Ok(m.id.to_string())
                }
                "role-invite" if state != ObjectState::Deleted => {
                    // A pending invite to someone else, on the owner's event.
                    let owner_model = self.user_model(owner.id).await?;
                    let event = ctx
                        .event()
                        .owned_by(&owner_model)
                        .published()
                        .create(&self.db)
                        .await
                        .map_err(seed_err)?;
                    let m = RoleInviteFactory::in_context(ctx)
                        .for_event(&event)
                        .mailed()
                        .create(&self.db)
                        .await
                        .map_err(seed_err)?;
                    Ok(m.id.to_string())
                }
                other => Err(RunnerError::Seed(format!("no factory for `{other}`"))),
            }
        })
    }

    fn attributes(
        &self,
        ctx: &FactoryContext,
        kind: &str,
    ) -> Result<Map<String, Value>, RunnerError> {
        match kind {
            "event" => dasherized(ctx.event().build().map_err(seed_err)?),
            "user" => {
                let mut map = dasherized(ctx.user().build().map_err(seed_err)?)?;
                map.insert("password".into(), Value::String(DEFAULT_PASSWORD.into()));
                Ok(map)
            }
            "role" => dasherized(RoleFactory::in_context(ctx).build().map_err(seed_err)?),
            "role-invite" => dasherized(
                RoleInviteFactory::in_context(ctx)
                    .build()
                    .map_err(seed_err)?,
            ),
            // No factory: the caller fills required attributes from the schema.
            _ => Ok(Map::new()),
        }
    }

    fn mail_token<'a>(
        &'a self,
        email: &'a str,
        kind: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, RunnerError>> {
        Box::pin(async move {
            let mails = open_event_server::db::mail::to(&self.db, email)
                .await
                .map_err(seed_err)?;
            Ok(mails
                .into_iter()
                .rev()
                .find(|m| m.kind == kind)
                .and_then(|m| m.token))
        })
    }

    fn role_id<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<i64, RunnerError>> {
        Box::pin(async move {
            db::roles::id_by_name(&self.db, name)
                .await
                .map_err(seed_err)
        })
    }

    fn invite<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        to: Option<&'a SeededUser>,
        accepted: bool,
    ) -> BoxFuture<'a, Result<SeededInvite, RunnerError>> {
        Box::pin(async move {
            let f = RoleInviteFactory::in_context(ctx)
                .with_event(ctx.event().published())
                .mailed();
            let f = match to {
                Some(u) => f.to(u.email.clone()),
                None => f,
            };
            let f = if accepted { f.accepted() } else { f.pending() };
            let m = f.create(&self.db).await.map_err(seed_err)?;
            Ok(SeededInvite {
                id: m.id,
                hash: m.hash,
                email: m.email,
            })
        })
    }

    fn reference<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, RunnerError>> {
        Box::pin(async move {
            if kind != "role" {
                return Ok(false);
            }
            let id: i64 = id.parse().map_err(seed_err)?;
            let role = role::Entity::find_by_id(id)
                .one(&self.db)
                .await
                .map_err(seed_err)?
                .ok_or_else(|| RunnerError::Seed(format!("no role {id}")))?;
            let event = ctx.event().create(&self.db).await.map_err(seed_err)?;
            let holder = ctx.user().create(&self.db).await.map_err(seed_err)?;
            db::roles::grant(&self.db, holder.id, event.id, &role.name)
                .await
                .map_err(seed_err)?;
            Ok(true)
        })
    }

    fn owner_grant<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        owner: &'a SeededUser,
    ) -> BoxFuture<'a, Result<String, RunnerError>> {
        Box::pin(async move {
            let owner_model = self.user_model(owner.id).await?;
            let event = ctx
                .event()
                .owned_by(&owner_model)
                .published()
                .create(&self.db)
                .await
                .map_err(seed_err)?;
            Ok(self
                .grant_of(owner.id, event.id, "owner")
                .await?
                .id
                .to_string())
        })
    }

    fn world<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        layout: &'a Layout,
        objects: &'a [Obj],
    ) -> BoxFuture<'a, Result<World, RunnerError>> {
        Box::pin(async move { self.build_world(ctx, layout, objects).await })
    }
}

fn factory_role(name: &str) -> Result<Role, RunnerError> {
    Role::from_name(name).ok_or_else(|| RunnerError::Seed(format!("`{name}` is no event role")))
}

fn built(id: i64, facts: Facts) -> Built {
    Built {
        id: id.to_string(),
        narrow: None,
        facts,
        secret: None,
        name: None,
    }
}

impl FactorySeeder {
    async fn user_model(&self, id: i64) -> Result<user::Model, RunnerError> {
        user::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(seed_err)?
            .ok_or_else(|| RunnerError::Seed(format!("no user {id}")))
    }

    async fn grant_of(
        &self,
        user_id: i64,
        event_id: i64,
        role_name: &str,
    ) -> Result<users_events_role::Model, RunnerError> {
        let role_id = db::roles::id_by_name(&self.db, role_name)
            .await
            .map_err(seed_err)?;
        users_events_role::Entity::find()
            .filter(users_events_role::Column::UserId.eq(user_id))
            .filter(users_events_role::Column::EventId.eq(event_id))
            .filter(users_events_role::Column::RoleId.eq(role_id))
            .one(&self.db)
            .await
            .map_err(seed_err)?
            .ok_or_else(|| RunnerError::Seed(format!("user {user_id} holds no {role_name}")))
    }

    async fn role_name(&self, id: i64) -> Result<String, RunnerError> {
        Ok(role::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(seed_err)?
            .ok_or_else(|| RunnerError::Seed(format!("no role {id}")))?
            .name)
    }

    /// The world of a permission check: `E` owned by `O`, the actor with
    /// its role on `E`, and the objects asked for; facts read off the rows.
    async fn build_world(
        &self,
        ctx: &FactoryContext,
        layout: &Layout,
        objects: &[Obj],
    ) -> Result<World, RunnerError> {
        let owner = ctx.user().create(&self.db).await.map_err(seed_err)?;
        let f = ctx.event().owned_by(&owner);
        let f = if layout.published {
            f.published()
        } else {
            f.draft()
        };
        let event: event::Model = f.create(&self.db).await.map_err(seed_err)?;
        let published = event.state == event::state::PUBLISHED && event.deleted_at.is_none();
        let (actor_model, actor): (Option<user::Model>, Option<SeededUser>) = match layout.role {
            Actor::Anyone => (None, None),
            Actor::Owner => (
                Some(owner.clone()),
                Some(SeededUser::from_model(&owner, DEFAULT_PASSWORD)),
            ),
            role => {
                let f = ctx.user();
                let f = match role {
                    Actor::Admin => f.admin(),
                    Actor::SuperAdmin => f.super_admin(),
                    Actor::Registered => f,
                    r => f.with_role_on(factory_role(r.name())?, &event),
                };
                let password = f.password().to_owned();
                let m = f.create(&self.db).await.map_err(seed_err)?;
                let seeded = SeededUser::from_model(&m, &password);
                (Some(m), Some(seeded))
            }
        };
        let me = actor_model.as_ref().map(|u| u.id);
        let person = |who: Who| -> Option<&user::Model> {
            match who {
                Who::Actor => actor_model.as_ref(),
                Who::Owner => Some(&owner),
                Who::Other => None,
            }
        };
        let mut out: BTreeMap<Obj, Built> = BTreeMap::new();
        let needs = |o: Obj| objects.contains(&o);

        if needs(Obj::Event) {
            let mut b = built(
                event.id,
                Facts {
                    published,
                    ..Facts::default()
                },
            );
            b.narrow = Some(("filter[identifier]".into(), event.identifier.clone()));
            out.insert(Obj::Event, b);
        }
        if needs(Obj::Creator) {
            let creator = event.creator_id.unwrap_or_default();
            let mut b = built(
                creator,
                Facts {
                    is_self: me == Some(creator),
                    ..Facts::default()
                },
            );
            b.narrow = Some(("filter[email]".into(), owner.email.clone()));
            out.insert(Obj::Creator, b);
        }
        if needs(Obj::User) {
            let target = match person(layout.user) {
                Some(u) => u.clone(),
                None => ctx.user().create(&self.db).await.map_err(seed_err)?,
            };
            let mut b = built(
                target.id,
                Facts {
                    is_self: me == Some(target.id),
                    ..Facts::default()
                },
            );
            b.narrow = Some(("filter[email]".into(), target.email.clone()));
            out.insert(Obj::User, b);
        }
        if needs(Obj::Grant) || needs(Obj::GrantHolder) || needs(Obj::GrantRole) {
            let holder = match person(layout.grant_holder) {
                Some(u) => u.clone(),
                None => ctx.user().create(&self.db).await.map_err(seed_err)?,
            };
            let grant = match self.grant_of(holder.id, event.id, layout.grant_role).await {
                Ok(g) => g,
                Err(_) => db::roles::grant(&self.db, holder.id, event.id, layout.grant_role)
                    .await
                    .map_err(seed_err)?,
            };
            let role_name = self.role_name(grant.role_id).await?;
            let is_self = me == Some(grant.user_id);
            let mut g = built(
                grant.id,
                Facts {
                    published,
                    is_self,
                    owner_grant: role_name == "owner",
                    ..Facts::default()
                },
            );
            g.narrow = Some((
                "filter[created-at]".into(),
                grant
                    .created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            ));
            g.name = Some(role_name.clone());
            out.insert(Obj::Grant, g);
            let mut h = built(
                holder.id,
                Facts {
                    is_self,
                    ..Facts::default()
                },
            );
            h.narrow = Some(("filter[email]".into(), holder.email.clone()));
            out.insert(Obj::GrantHolder, h);
            let mut r = built(grant.role_id, Facts::default());
            r.name = Some(role_name);
            out.insert(Obj::GrantRole, r);
        }
        if needs(Obj::Invite) || needs(Obj::InviteRole) {
            let f = RoleInviteFactory::in_context(ctx)
                .for_event(&event)
                .mailed();
            let f = match (layout.invite_to_actor, actor_model.as_ref()) {
                (true, Some(u)) => f.to_user(u),
                _ => f,
            };
            let f = if layout.invite_pending {
                f.pending()
            } else {
                f.accepted()
            };
            let invite = f.create(&self.db).await.map_err(seed_err)?;
            let invitee = actor_model
                .as_ref()
                .is_some_and(|u| u.email.to_lowercase() == invite.email);
            let mut b = built(
                invite.id,
                Facts {
                    published,
                    invitee,
                    pending: invite.status == "pending",
                    ..Facts::default()
                },
            );
            b.narrow = Some(("filter[email]".into(), invite.email.clone()));
            b.secret = Some(invite.hash.clone());
            out.insert(Obj::Invite, b);
            let mut r = built(invite.role_id, Facts::default());
            r.name = Some(invite.role_name.clone());
            out.insert(Obj::InviteRole, r);
        }
        if needs(Obj::CustomRole) {
            let m = RoleFactory::in_context(ctx)
                .create(&self.db)
                .await
                .map_err(seed_err)?;
            let mut b = built(m.id, Facts::default());
            b.narrow = Some(("filter[name]".into(), m.name.clone()));
            b.name = Some(m.name);
            out.insert(Obj::CustomRole, b);
        }
        Ok(World {
            actor,
            objects: out,
        })
    }
}
