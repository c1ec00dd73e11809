//! The world every semantic check of a run reads: seeded once through the
//! kinds and the factories (never read back from the server), kept in
//! [`Env::memo`](crate::runner::env::Env), and known row by row to the
//! [oracle](super::oracle).
//!
//! | what | how many | made so that |
//! |---|---|---|
//! | people | `O` (owns every event), `M` (moderator of `E2`, track organizer of `E4`), `R` (registered, no role), `A` (admin), `U1`, `U2` | the callers of the checks are `O`, `M`, `A` and anyone; `M` sees part of each type |
//! | events | `E1`…`E7`: published, draft, draft, published, published, draft, published and soft-deleted | drafts hide their program from the public; `E7` is gone for everyone |
//! | grants | the owner's grant of each event, `M`, `U1`, `U2` on `E1`…`E4` | each caller holds a different set |
//! | program objects | 8 of each event-child type: 4 on `E1`, 2 on `E2`, 1 on `E3` and `E4`; one more soft-deleted on `E1` | lists mix visible and hidden objects, and have pages |
//! | role invites | 8 on `E1`…`E4` (as above), to `M`, `R`, `U1`, `U2` and others, pending, accepted or declined | invitees see their own, without `hash` |
//! | roles | 5 custom roles, plus the built-in roles grants and invites name | |
//!
//! Attribute values come from small pools (so sorts have ties and filters
//! match several objects) and nullable attributes are sometimes null; the
//! columns that decide visibility are set by the table above. The world's
//! unique values start with its tag (`w` + 7 hex digits), so a list is
//! narrowed to it by the attribute its kind narrows by: events by
//! `identifier` (`<tag><n>`), users by email (`<tag>.<label>@example.test`),
//! custom roles by name (`<tag>-<word><n>`); event children by their
//! event.

use std::collections::BTreeMap;

use open_event_factories::{DEFAULT_PASSWORD, Factory};
use open_event_server::{
    db::{
        self,
        entities::{event as event_entity, user as user_entity, users_events_role},
    },
    jsonapi::{Access, DynResource, Field, FieldKind, Format},
    permissions::Setup,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::mix;
use crate::runner::{
    RunnerError,
    env::Env,
    kinds::{self, Row, Seed},
    model::{Actor, SeededUser},
    world::catalogue,
};

/// The type of role grants.
pub const GRANT: &str = "users-events-roles";
/// The type of role invites.
pub const INVITE: &str = "role-invite";
/// The type of users.
pub const USER: &str = "user";
/// The type of roles.
pub const ROLE: &str = "role";
/// The type of events.
pub const EVENT: &str = kinds::EVENT;

/// The memo key of the world of seed `seed`.
pub fn key(seed: u64) -> String {
    format!("semantics:universe:{seed:016x}")
}

/// A person of the world and how to act as them.
#[derive(Debug, Clone)]
pub struct Person {
    /// The account (for tokens).
    pub user: SeededUser,
}

/// The seeded world.
#[derive(Debug, Clone)]
pub struct Universe {
    /// The tag in its unique values.
    pub tag: String,
    /// The callers with an account: registered, moderator, owner, admin.
    pub people: BTreeMap<Actor, Person>,
    /// Every object, by type: what the factories stored.
    pub objects: BTreeMap<&'static str, Vec<Row>>,
    /// Its events, in the order made (`E1`…`E7`).
    pub events: Vec<i64>,
    /// Role ids by name (the built-in roles and the custom ones).
    pub role_ids: BTreeMap<String, i64>,
}

impl Universe {
    /// The objects of `type_name`.
    pub fn all(&self, type_name: &str) -> &[Row] {
        self.objects
            .get(type_name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Object `id` of `type_name`.
    pub fn get(&self, type_name: &str, id: i64) -> Option<&Row> {
        self.all(type_name)
            .iter()
            .find(|r| kinds::int(r, "id") == Some(id))
    }

    /// The account of the caller `actor` (`None` for anyone, or a role
    /// nobody of the world plays).
    pub fn person(&self, actor: Actor) -> Option<&Person> {
        self.people.get(&actor)
    }
}

/// The event (`E1`…`E4`) of the n-th object of an event-child type: four
/// on `E1` (so its lists have pages), two on `E2`, one on `E3` and `E4`.
const EVENT_OF: [usize; 8] = [0, 1, 0, 2, 0, 3, 0, 1];

const WORDS: [&str; 6] = ["amber", "birch", "cedar", "delta", "ember", "fjord"];
const ZONES: [&str; 3] = ["America/New_York", "Asia/Kolkata", "Europe/Berlin"];
const COLORS: [&str; 3] = ["#1a237e", "#a1b2c3", "#ffcc00"];
const LENGTHS: [&str; 3] = ["00:30", "01:00", "01:30"];
const FLOATS: [f64; 4] = [-1.5, 0.0, 2.25, 10.5];

/// Columns left to the factories or set by the world plan, per type.
const KEEP: &[(&str, &str)] = &[
    (USER, "is_admin"),
    (USER, "is_super_admin"),
    (USER, "is_verified"),
    (USER, "is_blocked"),
    (INVITE, "role_name"),
    (EVENT, "state"),
];

fn pick<'a, T>(items: &'a [T], rng: &mut u64) -> &'a T {
    &items[(mix(rng) % items.len() as u64) as usize]
}

/// A generated value for `field` (`None`: leave the factory's), from
/// small pools so that objects tie; nullable attributes are null one time
/// in five.
fn generated(type_name: &str, field: &Field, rng: &mut u64) -> Option<Value> {
    let created = field.column == "created_at";
    let skip = !field.readable()
        || field.column == "deleted_at"
        || (field.access == Access::ReadOnly && !created)
        || matches!(field.kind, FieldKind::Email | FieldKind::Password)
        || KEEP.contains(&(type_name, field.column));
    if skip {
        return None;
    }
    if field.nullable && mix(rng).is_multiple_of(5) {
        return Some(Value::Null);
    }
    let base = open_event_factories::context::reference_time();
    Some(match field.kind {
        FieldKind::Str { .. } | FieldKind::Text { .. } => json!(pick(&WORDS[..4], rng)),
        FieldKind::Url => json!(format!("https://{}.test/", pick(&WORDS[..4], rng))),
        FieldKind::Bool => json!(mix(rng).is_multiple_of(2)),
        FieldKind::Int { min, max } => {
            let options = [min, min.saturating_add(1), min.saturating_add(3), max];
            json!((*pick(&options, rng)).clamp(min, max))
        }
        FieldKind::Float { min, max } => json!(pick(&FLOATS, rng).clamp(min, max)),
        FieldKind::DateTime if created => {
            json!(base + chrono::Duration::hours(*pick(&[0, 1, 2], rng)))
        }
        FieldKind::DateTime => json!(base + chrono::Duration::days(*pick(&[0, 1, 3, 7], rng))),
        FieldKind::Enum(values) => json!(pick(values, rng)),
        FieldKind::Timezone => json!(pick(&ZONES, rng)),
        FieldKind::Format(Format::HexColor) => json!(pick(&COLORS, rng)),
        FieldKind::Format(Format::HoursMinutes) => json!(pick(&LENGTHS, rng)),
        FieldKind::Email | FieldKind::Password => return None,
    })
}

/// The generated columns of one object of `res`, plus `fixed` (which win).
fn columns(res: &dyn DynResource, rng: &mut u64, fixed: &[(&str, Value)]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = res
        .fields()
        .iter()
        .filter_map(|f| generated(res.type_name(), f, rng).map(|v| (f.column.to_owned(), v)))
        .filter(|(c, _)| !fixed.iter().any(|(k, _)| k == c))
        .collect();
    out.extend(fixed.iter().map(|(c, v)| ((*c).to_owned(), v.clone())));
    out
}

/// A factory `lazy` hook setting `columns` on the built model.
fn setter<M: Serialize + DeserializeOwned>(
    columns: Vec<(String, Value)>,
) -> impl Fn(&mut M) + Send + Sync + 'static {
    move |model: &mut M| {
        let Ok(Value::Object(mut map)) = serde_json::to_value(&*model) else {
            return;
        };
        for (c, v) in &columns {
            map.insert(c.clone(), v.clone());
        }
        if let Ok(m) = serde_json::from_value(Value::Object(map)) {
            *model = m;
        }
    }
}

fn err(e: impl std::fmt::Display) -> RunnerError {
    RunnerError::Seed(format!("the semantic world: {e}"))
}

fn resource(type_name: &str) -> Result<&'static dyn DynResource, RunnerError> {
    kinds::resource(type_name).ok_or_else(|| err(format!("the server declares no `{type_name}`")))
}

/// What one object is made with.
struct Make<'a> {
    ctx: &'a open_event_factories::FactoryContext,
    db: &'a DatabaseConnection,
    owner: &'a user_entity::Model,
    event: Option<&'a event_entity::Model>,
    user: Option<&'a user_entity::Model>,
    role: Option<&'a str>,
}

impl Make<'_> {
    /// Creates an object of `type_name` through its kind.
    async fn create(
        &self,
        type_name: &str,
        columns: Vec<(String, Value)>,
    ) -> Result<Row, RunnerError> {
        let kind =
            kinds::get(type_name).ok_or_else(|| err(format!("no kind seeds `{type_name}`")))?;
        let seed = Seed {
            ctx: self.ctx,
            db: self.db,
            owner: self.owner,
            event: self.event,
            user: self.user,
            email: None,
            role: self.role,
            deleted: false,
            columns,
        };
        kind.create(&seed).await
    }
}

/// A user of the world: `<tag>.<label>@example.test`.
async fn user(
    ctx: &open_event_factories::FactoryContext,
    db: &DatabaseConnection,
    rng: &mut u64,
    label: &str,
    tag: &str,
    admin: bool,
) -> Result<user_entity::Model, RunnerError> {
    let cols = columns(resource(USER)?, rng, &[]);
    let mut f = ctx
        .user()
        .with_email(format!("{tag}.{label}@example.test"))
        .lazy(setter(cols));
    if admin {
        f = f.admin();
    }
    f.create(db).await.map_err(err)
}

fn model<M: DeserializeOwned>(row: &Row) -> Result<M, RunnerError> {
    serde_json::from_value(Value::Object(row.clone())).map_err(err)
}

/// Builds the world of `seed` (see the module docs).
pub async fn build(env: &Env, seed: u64) -> Result<Universe, RunnerError> {
    let seeder = env.seeder()?;
    let db = seeder
        .database()
        .ok_or_else(|| err("the seeder does not write to the server's database"))?;
    let ctx = env.factory(seed);
    let draw = ctx.draw("semantic-world");
    let mut h = seed ^ draw.seq();
    for b in draw.token().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    let tag = format!("w{:07x}", mix(&mut h) & 0x0fff_ffff);
    let mut rng = seed;
    let mut objects: BTreeMap<&'static str, Vec<Row>> = BTreeMap::new();
    let ctx = &ctx;

    // People.
    let mut people = Vec::new();
    for (label, admin) in [
        ("owner", false),
        ("moderator", false),
        ("registered", false),
        ("admin", true),
        ("other1", false),
        ("other2", false),
    ] {
        let u = user(ctx, db, &mut rng, label, &tag, admin).await?;
        objects.entry(USER).or_default().push(kinds::row_of(&u));
        people.push(u);
    }
    let [o, m, r, a, u1, u2] =
        <[user_entity::Model; 6]>::try_from(people).map_err(|_| err("six people"))?;

    // Events E1…E7, owned and created by O.
    let states = [
        "published",
        "draft",
        "draft",
        "published",
        "published",
        "draft",
        "published",
    ];
    let event_res = resource(EVENT)?;
    let mut events: Vec<event_entity::Model> = Vec::new();
    for (i, state) in states.iter().enumerate() {
        let mut fixed = vec![
            ("identifier", json!(format!("{tag}{i}"))),
            ("state", json!(state)),
        ];
        if i == 6 {
            fixed.push((
                "deleted_at",
                json!(open_event_factories::context::reference_time()),
            ));
        }
        let cols = columns(event_res, &mut rng, &fixed);
        let by = Make {
            ctx,
            db,
            owner: &o,
            event: None,
            user: None,
            role: None,
        };
        let row = by.create(EVENT, cols).await?;
        events.push(model(&row)?);
        objects.entry(EVENT).or_default().push(row);
    }

    // Grants beyond the owners'.
    let grants: [(&user_entity::Model, &str, usize); 6] = [
        (&m, "moderator", 1),
        (&m, "track-organizer", 3),
        (&u1, "organizer", 0),
        (&u2, "registrar", 0),
        (&u1, "coorganizer", 2),
        (&u2, "moderator", 3),
    ];
    for (holder, role, e) in grants {
        let by = Make {
            ctx,
            db,
            owner: &o,
            event: Some(&events[e]),
            user: Some(holder),
            role: Some(role),
        };
        by.create(GRANT, Vec::new()).await?;
    }

    // Program objects: every other type that belongs to an event.
    let children: Vec<&'static str> = kinds::types()
        .into_iter()
        .filter(|t| ![GRANT, INVITE].contains(t))
        .filter(|t| kinds::resource(t).and_then(kinds::event_column).is_some())
        .collect();
    for ty in children {
        let res = resource(ty)?;
        // The eight, and one more soft-deleted on E1.
        let deleted = res.soft_delete().then_some(0);
        for (i, &e) in EVENT_OF.iter().chain(&deleted).enumerate() {
            let mut fixed = Vec::new();
            if i == EVENT_OF.len() {
                fixed.push((
                    "deleted_at",
                    json!(open_event_factories::context::reference_time()),
                ));
            }
            // Rows that belong to a user (email notifications): each
            // person of the world owns some, so `M` sees part of them.
            let belongs_to = res
                .permissions()
                .user_column
                .map(|column| (column, [&m, &o, &r, &u1][i % 4]));
            if let Some((column, person)) = belongs_to {
                fixed.push((column, json!(person.id)));
            }
            let cols = columns(res, &mut rng, &fixed);
            let by = Make {
                ctx,
                db,
                owner: &o,
                event: Some(&events[e]),
                user: belongs_to.map(|(_, person)| person),
                role: None,
            };
            let row = by.create(ty, cols).await?;
            objects.entry(ty).or_default().push(row);
        }
    }

    // Role invites.
    let invite_res = resource(INVITE)?;
    let statuses = match invite_res.field("status").map(|f| f.kind) {
        Some(FieldKind::Enum(values)) => values,
        _ => &["pending"][..],
    };
    let to = [
        m.email.clone(),
        r.email.clone(),
        u1.email.clone(),
        m.email.clone(),
        format!("{tag}.nobody@example.test"),
        m.email.clone(),
        u2.email.clone(),
        r.email.clone(),
    ];
    for (i, email) in to.iter().enumerate() {
        let status = statuses[i % statuses.len()];
        let fixed = [("email", json!(email)), ("status", json!(status))];
        let cols = columns(invite_res, &mut rng, &fixed);
        let by = Make {
            ctx,
            db,
            owner: &o,
            event: Some(&events[EVENT_OF[i]]),
            user: None,
            role: None,
        };
        let row = by.create(INVITE, cols).await?;
        objects.entry(INVITE).or_default().push(row);
    }

    // Custom roles.
    let role_res = resource(ROLE)?;
    for (i, word) in WORDS.iter().take(5).enumerate() {
        let fixed = [("name", json!(format!("{tag}-{word}{i}")))];
        let cols = columns(role_res, &mut rng, &fixed);
        let by = Make {
            ctx,
            db,
            owner: &o,
            event: None,
            user: None,
            role: None,
        };
        let row = by.create(ROLE, cols).await?;
        objects.entry(ROLE).or_default().push(row);
    }

    // What the factories made beside: the owner grants (every grant of the
    // world's events, read from the database), and the built-in roles the
    // grants and invites name.
    let event_ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let stored = users_events_role::Entity::find()
        .filter(users_events_role::Column::EventId.is_in(event_ids.clone()))
        .all(db)
        .await
        .map_err(err)?;
    objects.insert(GRANT, stored.iter().map(kinds::row_of).collect());
    let mut role_ids: BTreeMap<String, i64> = BTreeMap::new();
    let mut wanted: Vec<i64> = Vec::new();
    for ty in [GRANT, INVITE] {
        for row in objects.get(ty).map(Vec::as_slice).unwrap_or_default() {
            if let Some(id) = kinds::int(row, "role_id")
                && !wanted.contains(&id)
            {
                wanted.push(id);
            }
        }
    }
    for name in recipe_roles() {
        let id = db::roles::id_by_name(db, name).await.map_err(err)?;
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    for id in wanted {
        let row = kinds::fetch(db, ROLE, id).await?;
        objects.entry(ROLE).or_default().push(row);
    }
    for row in objects.get(ROLE).map(Vec::as_slice).unwrap_or_default() {
        if let (Some(id), Some(name)) = (
            kinds::int(row, "id"),
            row.get("name").and_then(Value::as_str),
        ) {
            role_ids.insert(name.to_owned(), id);
        }
    }

    let person = |u: &user_entity::Model| Person {
        user: SeededUser {
            id: u.id,
            email: u.email.clone(),
            password: DEFAULT_PASSWORD.to_owned(),
            token_version: u.token_version,
        },
    };
    let people = BTreeMap::from([
        (Actor::Registered, person(&r)),
        (Actor::Moderator, person(&m)),
        (Actor::Owner, person(&o)),
        (Actor::Admin, person(&a)),
    ]);
    Ok(Universe {
        tag,
        people,
        objects,
        events: event_ids,
        role_ids,
    })
}

/// The roles the server's condition recipes name (`not-owner-grant`: the
/// owner role).
fn recipe_roles() -> Vec<&'static str> {
    let cat = catalogue();
    let mut out = Vec::new();
    for res in kinds::registry().all() {
        for action in open_event_server::permissions::Action::ALL {
            for rule in res.permissions().rules(action) {
                for c in rule.conditions {
                    let Some(c) = cat.get(c.name) else { continue };
                    for step in c.world.holds.iter().chain(c.world.fails) {
                        if let Setup::ObjectRole { role, .. } = *step
                            && !out.contains(&role)
                        {
                            out.push(role);
                        }
                    }
                }
            }
        }
    }
    out
}
