//! Seeding behind one small trait: [`Seeder`]. The runner asks for users,
//! objects of a resource type and factory-built attribute sets; the only
//! implementation, [`FactorySeeder`], answers through `open-event-factories`
//! (and so through the server's own db layer). Each check gets its own
//! [`FactoryContext`], seeded from the run seed and the check id, so the
//! data a check builds does not depend on which checks ran before it.

use std::{future::Future, pin::Pin};

use open_event_factories::{DEFAULT_PASSWORD, Factory, FactoryContext, Role};
use open_event_server::db::entities::user;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{Map, Value};

use super::RunnerError;

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
}

/// [`Seeder`] on `open-event-factories`, writing to the server's database.
#[derive(Debug, Clone)]
pub struct FactorySeeder {
    db: DatabaseConnection,
}

impl FactorySeeder {
    /// The resource types it creates.
    pub const KINDS: [&'static str; 3] = ["user", "event", "users-events-roles"];
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
                    let owner_model = user::Entity::find_by_id(owner.id)
                        .one(&self.db)
                        .await
                        .map_err(seed_err)?
                        .ok_or_else(|| RunnerError::Seed(format!("no user {}", owner.id)))?;
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
                    let owner_model = user::Entity::find_by_id(owner.id)
                        .one(&self.db)
                        .await
                        .map_err(seed_err)?
                        .ok_or_else(|| RunnerError::Seed(format!("no user {}", owner.id)))?;
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
}
