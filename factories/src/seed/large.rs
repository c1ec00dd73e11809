//! A large world for benchmarks: `n` users, `n` events and `2n` grants,
//! built by the factories and inserted in multi-row batches in one
//! transaction (the per-record db layer is the slow part at this size).
//! The rows are the same the factories would create one by one: valid
//! events, unique emails and identifiers, an owner grant per event.

use std::collections::HashSet;

use chrono::{Duration, NaiveTime, Utc};
use open_event_server::db::entities::{event, user, users_events_role};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection, EntityTrait, QuerySelect, Set,
};

use crate::{
    context::FactoryContext, error::Result, event::random_identifier, factory::Factory, role::Role,
};

/// Rows per multi-row insert: under SQLite's 32 766 bound parameters for
/// the widest table (events, 31 columns).
const CHUNK: usize = 500;

/// What [`large`] made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LargeWorld {
    /// The seed.
    pub seed: u64,
    /// Ids of the users, in creation order.
    pub user_ids: Vec<i64>,
    /// Ids of the events, in creation order.
    pub event_ids: Vec<i64>,
    /// Role grants inserted (an owner and an organizer per event).
    pub grants: usize,
}

/// Inserts `n` users (password [`DEFAULT_PASSWORD`](crate::DEFAULT_PASSWORD),
/// one in 50 an admin), `n` events (every other one published, one in three
/// private, one in five past, each owned by a user and organized by the
/// next) and their grants.
///
/// Random fields follow `seed`; unique fields are unique across calls and
/// processes ([`Uniqueness::Process`](crate::Uniqueness::Process)), so it
/// may run more than once on one database.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let world = open_event_factories::seed::large(&db, 1, 50).await?;
/// assert_eq!((world.user_ids.len(), world.event_ids.len(), world.grants), (50, 50, 100));
/// # Ok(()) }
/// ```
pub async fn large(db: &DatabaseConnection, seed: u64, n: usize) -> Result<LargeWorld> {
    let today = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc() + Duration::hours(9);
    let ctx = FactoryContext::seeded(seed)
        .with_now(today)
        .unique_across_processes();
    let mut world = LargeWorld {
        seed,
        user_ids: Vec::with_capacity(n),
        event_ids: Vec::with_capacity(n),
        grants: 0,
    };
    if n == 0 {
        return Ok(world);
    }

    let mut users = Vec::with_capacity(n);
    for i in 0..n {
        let f = ctx.user();
        let f = if i % 50 == 49 { f.admin() } else { f };
        users.push(f.build()?);
    }

    // Identifiers are 32 random bits: avoid the ones taken, and repeats.
    let mut taken: HashSet<String> = event::Entity::find()
        .select_only()
        .column(event::Column::Identifier)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut events = Vec::with_capacity(n);
    for i in 0..n {
        let mut f = ctx.event();
        if i % 2 == 0 {
            f = f.published();
        }
        if i % 3 == 2 {
            f = f.private();
        }
        if i % 5 == 4 {
            f = f.past();
        }
        let mut e = f.build()?;
        let mut d = ctx.draw("large-identifier");
        while !taken.insert(e.identifier.clone()) {
            e.identifier = random_identifier(&mut d);
        }
        events.push(e);
    }

    let now = Utc::now();
    let txn = open_event_server::db::write::begin(db).await?;
    for chunk in users.chunks(CHUNK) {
        let rows = chunk.iter().cloned().map(|m| {
            let mut am = user::ActiveModel::from(m).reset_all();
            am.id = NotSet;
            am.created_at = Set(now);
            am
        });
        let stored = user::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await?;
        world.user_ids.extend(stored.iter().map(|u| u.id));
    }
    let owners: Vec<i64> = (0..n).map(|i| world.user_ids[i % n]).collect();
    for (chunk, owner_chunk) in events.chunks(CHUNK).zip(owners.chunks(CHUNK)) {
        let rows = chunk.iter().cloned().zip(owner_chunk).map(|(m, owner)| {
            let mut am = event::ActiveModel::from(m).reset_all();
            am.id = NotSet;
            am.creator_id = Set(Some(*owner));
            am.created_at = Set(now);
            am
        });
        let stored = event::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await?;
        world.event_ids.extend(stored.iter().map(|e| e.id));
    }

    let owner_role = Role::Owner.id(&txn).await?;
    let organizer_role = Role::Organizer.id(&txn).await?;
    let mut grants = Vec::with_capacity(2 * n);
    for (i, event_id) in world.event_ids.iter().enumerate() {
        grants.push((owners[i], *event_id, owner_role));
        if n > 1 {
            grants.push((world.user_ids[(i + 1) % n], *event_id, organizer_role));
        }
    }
    for chunk in grants.chunks(CHUNK) {
        let rows =
            chunk.iter().map(
                |(user_id, event_id, role_id)| users_events_role::ActiveModel {
                    id: NotSet,
                    user_id: Set(*user_id),
                    event_id: Set(*event_id),
                    role_id: Set(*role_id),
                    created_at: Set(now),
                },
            );
        users_events_role::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    world.grants = grants.len();
    txn.commit().await?;
    Ok(world)
}
