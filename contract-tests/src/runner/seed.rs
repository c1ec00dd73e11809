//! Seeding behind one small trait: [`Seeder`]. The runner asks for users,
//! objects of a resource type, permission worlds and factory-built
//! attribute sets; the only implementation, [`FactorySeeder`], answers
//! through `open-event-factories` (and so through the server's own db
//! layer), one [kind](super::kinds) per resource type: nothing here names a
//! resource but the event every world is built around. Each check gets its
//! own [`FactoryContext`], seeded from the run seed and the check id, so the
//! data a check builds does not depend on which checks ran before it.

use std::{
    collections::{BTreeMap, BTreeSet},
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
};

use open_event_factories::{DEFAULT_PASSWORD, Factory, FactoryContext, Role, RoleInviteFactory};
use open_event_server::{
    db::{
        self,
        entities::{event, user, users_events_role},
    },
    permissions::{EventLink, Setup},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Map, Value};

pub use super::model::SeededUser;
use super::{
    RunnerError,
    kinds::{self, EVENT, Row, Seed},
    model::{Actor, Facts, Who},
    world::{Built, Layout, Obj, World, catalogue},
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
    /// Visible to everyone (on a published event: the conditions of the
    /// `anyone` view rules hold) and managed by the owner.
    Public,
    /// Soft-deleted (otherwise public).
    Deleted,
    /// The owner's own (rules with `self`): it belongs to the owner.
    Own,
}

/// Seeds the data checks need.
pub trait Seeder: Send + Sync {
    /// Resource types [`object`](Seeder::object) can create.
    fn kinds(&self) -> Vec<&'static str>;

    /// Resource types [`object`](Seeder::object) can create soft-deleted.
    fn deletable(&self) -> Vec<&'static str>;

    /// Resource types [`reference`](Seeder::reference) can make referenced.
    fn referable(&self) -> Vec<&'static str>;

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

    /// A valid attribute set for `kind`, built in memory (API names, no
    /// nulls); the caller keeps the names its request schema documents.
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
    /// role held by a grant: [`Kind::reference`](super::kinds::Kind::reference)),
    /// so deleting it conflicts; `false` when its kind cannot.
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

    /// The server's database, for seeding beyond these methods (the
    /// semantic checks' world, built through the kinds); `None` when the
    /// seeder writes elsewhere.
    fn database(&self) -> Option<&DatabaseConnection> {
        None
    }

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
    /// The ids of the built-in event roles (`owner`, `organizer`, …), read
    /// once: they are seeded by the migrations and never change.
    event_roles: Arc<Mutex<BTreeMap<String, i64>>>,
}

impl FactorySeeder {
    /// A seeder on `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        FactorySeeder {
            db,
            event_roles: Arc::default(),
        }
    }

    /// The id of the role named `name` (built-in event roles from the cache).
    async fn role_by_name(&self, name: &str) -> Result<i64, RunnerError> {
        let cache = || {
            self.event_roles
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(id) = cache().get(name) {
            return Ok(*id);
        }
        let id = db::roles::id_by_name(&self.db, name)
            .await
            .map_err(seed_err)?;
        if Role::from_name(name).is_some() {
            cache().insert(name.to_owned(), id);
        }
        Ok(id)
    }
}

fn seed_err(e: impl std::fmt::Display) -> RunnerError {
    RunnerError::Seed(e.to_string())
}

fn kind(type_name: &str) -> Result<&'static dyn kinds::Kind, RunnerError> {
    kinds::get(type_name).ok_or_else(|| RunnerError::Seed(format!("no kind seeds `{type_name}`")))
}

/// What one object is asked to be, resolved to the world's people.
#[derive(Default)]
struct Ask<'a> {
    user: Option<&'a user::Model>,
    email: Option<(&'static str, String)>,
    role: Option<(&'static str, &'static str, i64)>,
    columns: BTreeMap<&'static str, &'static str>,
    deleted: bool,
}

/// The columns [`Seed::lazy`] sets for `ask` on a row of `type_name`.
fn columns(type_name: &str, ask: &Ask<'_>) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = ask
        .columns
        .iter()
        .map(|(c, v)| ((*c).to_owned(), Value::String((*v).to_owned())))
        .collect();
    let res = kinds::resource(type_name);
    if let (Some(u), Some(col)) = (ask.user, res.and_then(|r| r.permissions().user_column))
        && col != "id"
    {
        out.push((col.to_owned(), Value::from(u.id)));
    }
    if let Some((col, email)) = &ask.email {
        out.push(((*col).to_owned(), Value::String(email.clone())));
    }
    if let Some((col, _, id)) = ask.role {
        out.push((col.to_owned(), Value::from(id)));
    }
    if ask.deleted && res.is_some_and(|r| r.soft_delete()) {
        out.push((
            "deleted_at".into(),
            Value::String(chrono::Utc::now().to_rfc3339()),
        ));
    }
    out
}

/// Whether the stored value of a recipe's column is `text`.
fn is(row: &Row, column: &str, text: &str) -> bool {
    kinds::same(row.get(column), text)
}

impl Seeder for FactorySeeder {
    fn kinds(&self) -> Vec<&'static str> {
        kinds::types()
    }

    fn deletable(&self) -> Vec<&'static str> {
        kinds::deletable()
    }

    fn referable(&self) -> Vec<&'static str> {
        kinds::referable()
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

    /// A public object of `kind` (on a new public event owned by `owner`,
    /// when the type belongs to an event), soft-deleted or the owner's own
    /// as `state` says.
    fn object<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        kind: &'a str,
        owner: &'a SeededUser,
        state: ObjectState,
    ) -> BoxFuture<'a, Result<String, RunnerError>> {
        Box::pin(async move {
            let k = self::kind(kind)?;
            let res = kinds::resource(kind)
                .ok_or_else(|| RunnerError::Seed(format!("no `{kind}` declared")))?;
            let owner = self.user_model(owner.id).await?;
            let (event_columns, object_columns) = catalogue().public(kind);
            let deleted = state == ObjectState::Deleted;
            let row = if kind == EVENT {
                self.event(ctx, &owner, event_columns, deleted).await?.1
            } else {
                let event = match kinds::event_column(res) {
                    Some(_) => Some(self.event(ctx, &owner, event_columns, false).await?.0),
                    None => None,
                };
                let ask = Ask {
                    user: (state == ObjectState::Own).then_some(&owner),
                    columns: object_columns,
                    deleted,
                    ..Ask::default()
                };
                let seed = self.seed(ctx, kind, &owner, event.as_ref(), &ask);
                k.create(&seed).await?
            };
            Ok(kinds::id_of(&row)?.to_string())
        })
    }

    fn attributes(
        &self,
        ctx: &FactoryContext,
        kind: &str,
    ) -> Result<Map<String, Value>, RunnerError> {
        match kinds::get(kind) {
            Some(k) => Ok(kinds::attributes(kind, &k.build(ctx)?)),
            // No kind: the caller fills required attributes from the schema.
            None => Ok(Map::new()),
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
        Box::pin(async move { self.role_by_name(name).await })
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
            let Some(k) = kinds::get(kind).filter(|k| k.referable()) else {
                return Ok(false);
            };
            let id: i64 = id.parse().map_err(seed_err)?;
            let row = kinds::fetch(&self.db, kind, id).await?;
            let owner = ctx.user().create(&self.db).await.map_err(seed_err)?;
            let ask = Ask::default();
            let seed = self.seed(ctx, kind, &owner, None, &ask);
            k.reference(&seed, &row).await?;
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

    fn database(&self) -> Option<&DatabaseConnection> {
        Some(&self.db)
    }
}

fn factory_role(name: &str) -> Result<Role, RunnerError> {
    Role::from_name(name).ok_or_else(|| RunnerError::Seed(format!("`{name}` is no event role")))
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
        let role_id = self.role_by_name(role_name).await?;
        users_events_role::Entity::find()
            .filter(users_events_role::Column::UserId.eq(user_id))
            .filter(users_events_role::Column::EventId.eq(event_id))
            .filter(users_events_role::Column::RoleId.eq(role_id))
            .one(&self.db)
            .await
            .map_err(seed_err)?
            .ok_or_else(|| RunnerError::Seed(format!("user {user_id} holds no {role_name}")))
    }

    fn seed<'a>(
        &'a self,
        ctx: &'a FactoryContext,
        type_name: &str,
        owner: &'a user::Model,
        event: Option<&'a event::Model>,
        ask: &'a Ask<'a>,
    ) -> Seed<'a> {
        Seed {
            ctx,
            db: &self.db,
            owner,
            event,
            user: ask.user,
            email: ask.email.as_ref().map(|(_, e)| e.as_str()),
            role: ask.role.map(|(_, name, _)| name),
            deleted: ask.deleted,
            columns: columns(type_name, ask),
        }
    }

    /// An event owned by `owner` with `columns`, through the event kind.
    async fn event(
        &self,
        ctx: &FactoryContext,
        owner: &user::Model,
        columns: BTreeMap<&'static str, &'static str>,
        deleted: bool,
    ) -> Result<(event::Model, Row), RunnerError> {
        let ask = Ask {
            columns,
            deleted,
            ..Ask::default()
        };
        let seed = self.seed(ctx, EVENT, owner, None, &ask);
        let row = kind(EVENT)?.create(&seed).await?;
        let model: event::Model =
            serde_json::from_value(Value::Object(row.clone())).map_err(seed_err)?;
        Ok((model, row))
    }

    /// The world of a permission check: `E` owned by `O`, the actor with
    /// its role on `E`, and the objects asked for, each made by its kind as
    /// the layout wants; facts read off the stored rows.
    async fn build_world(
        &self,
        ctx: &FactoryContext,
        layout: &Layout,
        objects: &[Obj],
    ) -> Result<World, RunnerError> {
        let owner = ctx.user().create(&self.db).await.map_err(seed_err)?;
        let (event, event_row) = self
            .event(ctx, &owner, layout.event_columns(), false)
            .await?;
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
        let role_ids = self.role_ids(layout).await?;

        // The world's object of each type asked for.
        let mut rows: BTreeMap<&'static str, Row> = BTreeMap::from([(EVENT, event_row)]);
        let types: BTreeSet<&'static str> = objects.iter().map(|o| o.of).collect();
        for ty in types.into_iter().filter(|t| *t != EVENT) {
            let want = layout.want(ty);
            let person = |who: Who| -> Option<user::Model> {
                match who {
                    Who::Actor => actor_model.clone(),
                    Who::Owner => Some(owner.clone()),
                    Who::Other => None,
                }
            };
            let user = match want.user {
                Some(who) => match person(who) {
                    Some(u) => Some(u),
                    None => Some(ctx.user().create(&self.db).await.map_err(seed_err)?),
                },
                None => None,
            };
            let email = want
                .email
                .and_then(|(col, who)| person(who).map(|u| (col, u.email.to_lowercase())));
            let role = match want.role.filter(|r| r.is) {
                Some(r) => Some((r.column, r.name, self.role_by_name(r.name).await?)),
                None => None,
            };
            let ask = Ask {
                user: user.as_ref(),
                email,
                role,
                columns: want.columns.clone(),
                deleted: false,
            };
            let seed = self.seed(ctx, ty, &owner, Some(&event), &ask);
            let row = kind(ty)?.create(&seed).await?;
            rows.insert(ty, row);
        }

        let mut out: BTreeMap<Obj, Built> = BTreeMap::new();
        for obj in objects {
            let from = rows
                .get(obj.of)
                .ok_or_else(|| RunnerError::Seed(format!("the world has no {}", obj.of)))?;
            let row = match obj.rel {
                None => from.clone(),
                Some(rel) => {
                    let res = kinds::resource(obj.of)
                        .ok_or_else(|| RunnerError::Seed(format!("no `{}`", obj.of)))?;
                    let id = kinds::foreign_key(res, rel)
                        .and_then(|fk| kinds::int(from, fk))
                        .ok_or_else(|| RunnerError::Seed(format!("{obj} names nothing")))?;
                    kinds::fetch(&self.db, obj.kind(), id).await?
                }
            };
            let facts = self
                .facts(layout, *obj, &row, &event, actor_model.as_ref(), &role_ids)
                .await?;
            out.insert(
                *obj,
                Built {
                    id: kinds::id_of(&row)?.to_string(),
                    narrow: kinds::narrow(obj.kind(), &row),
                    facts,
                    row,
                },
            );
        }
        Ok(World {
            actor,
            objects: out,
        })
    }

    /// The ids of the roles the recipes of the layout's conditions name.
    async fn role_ids(&self, layout: &Layout) -> Result<BTreeMap<&'static str, i64>, RunnerError> {
        let cat = catalogue();
        let mut out = BTreeMap::new();
        for (name, _) in layout.given.iter() {
            let Some(c) = cat.get(name) else { continue };
            for step in c.world.holds.iter().chain(c.world.fails) {
                if let Setup::ObjectRole { role, .. } = *step
                    && !out.contains_key(role)
                {
                    out.insert(role, self.role_by_name(role).await?);
                }
            }
        }
        Ok(out)
    }

    /// The facts of a stored object: for every condition of the layout its
    /// type's rules use, whether the rows satisfy the recipe's `holds` steps.
    async fn facts(
        &self,
        layout: &Layout,
        obj: Obj,
        row: &Row,
        event: &event::Model,
        actor: Option<&user::Model>,
        role_ids: &BTreeMap<&'static str, i64>,
    ) -> Result<Facts, RunnerError> {
        let cat = catalogue();
        let ty = obj.kind();
        let res = kinds::resource(ty).ok_or_else(|| RunnerError::Seed(format!("no `{ty}`")))?;
        // The row's event: itself, the world's event, or another one.
        let event_row: Option<Row> = match res.permissions().event {
            EventLink::None => None,
            EventLink::IsEvent => Some(row.clone()),
            EventLink::Column(c) => match kinds::int(row, c) {
                Some(id) if id == event.id => Some(kinds::row_of(event)),
                Some(id) => Some(kinds::fetch(&self.db, EVENT, id).await?),
                None => None,
            },
        };
        let mut facts = Facts::default();
        for (name, _) in layout.given.iter() {
            let Some(c) = cat.get(name) else { continue };
            if c.on_request || !cat.used_by(name, ty) {
                continue;
            }
            let holds = c.world.holds.iter().all(|step| match *step {
                Setup::EventColumn { column, value } => {
                    event_row.as_ref().is_some_and(|e| is(e, column, value))
                }
                Setup::ObjectColumn { column, value } => is(row, column, value),
                Setup::ObjectUser { caller } => {
                    let mine = res.permissions().user_column.is_some_and(|col| {
                        actor.is_some_and(|a| kinds::int(row, col) == Some(a.id))
                    });
                    mine == caller
                }
                Setup::ObjectEmail { column, caller } => {
                    let to_actor = actor.is_some_and(|a| {
                        row.get(column)
                            .and_then(Value::as_str)
                            .is_some_and(|e| e.to_lowercase() == a.email.to_lowercase())
                    });
                    to_actor == caller
                }
                Setup::ObjectRole { column, role, is } => {
                    let named = role_ids
                        .get(role)
                        .is_some_and(|id| kinds::int(row, column) == Some(*id));
                    named == is
                }
                Setup::RequestAttribute {
                    attribute,
                    value,
                    is,
                } => (layout.request.get(attribute) == Some(&(value, true))) == is,
            });
            facts.set(name, holds);
        }
        Ok(facts)
    }
}
