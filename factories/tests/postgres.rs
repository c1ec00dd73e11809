//! The factories against PostgreSQL, when `TEST_DATABASE_URL` names one
//! (CI: `scripts/with-postgres.sh cargo test --workspace`); a no-op
//! otherwise. The database is shared with the other test binaries, so
//! everything here is measured relative to what was there before.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashSet,
    process::{Command, Stdio},
};

use open_event_factories::{prelude::*, seed};
use open_event_server::db::{
    self,
    entities::{event, user, users_events_role},
};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

const URL_ENV: &str = "TEST_DATABASE_URL";
const CHILD_ENV: &str = "OPEN_EVENT_FACTORIES_PG_CHILD";
const CHILD_USERS: usize = 40;

async fn counts(db: &DatabaseConnection) -> (u64, u64, u64) {
    (
        user::Entity::find().count(db).await.unwrap(),
        event::Entity::find().count(db).await.unwrap(),
        users_events_role::Entity::find().count(db).await.unwrap(),
    )
}

fn postgres_url() -> Option<String> {
    std::env::var(URL_ENV)
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// Run by [`postgres_end_to_end`] in child processes; a no-op otherwise.
#[tokio::test]
async fn postgres_child_writer() {
    let (Some(url), Ok(_)) = (postgres_url(), std::env::var(CHILD_ENV)) else {
        return;
    };
    let db = db::connect(&url).await.unwrap();
    UserFactory::new()
        .create_batch(&db, CHILD_USERS)
        .await
        .unwrap();
    EventFactory::new()
        .with_organizers(1)
        .create(&db)
        .await
        .unwrap();
}

#[test]
fn postgres_end_to_end() {
    let Some(url) = postgres_url() else {
        eprintln!("{URL_ENV} not set to a PostgreSQL URL: skipped");
        return;
    };
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(db::connect(&url)).unwrap();
    let before = rt.block_on(counts(&db));

    // Many tasks on a real pool (16 connections): no collisions.
    const TASKS: u64 = 24;
    const EACH: usize = 10;
    rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    UserFactory::new().create_batch(&db, EACH).await.unwrap();
                    EventFactory::new()
                        .published()
                        .with_organizers(1)
                        .create_graph(&db)
                        .await
                        .unwrap();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    let after_tasks = rt.block_on(counts(&db));
    assert_eq!(after_tasks.0 - before.0, TASKS * (EACH as u64 + 2));
    assert_eq!(after_tasks.1 - before.1, TASKS);
    assert_eq!(after_tasks.2 - before.2, TASKS * 2);

    // Separate processes, each with sequences starting at 1.
    const PROCESSES: u64 = 3;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "postgres_child_writer", "--test-threads=1"])
                .env(CHILD_ENV, "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "child failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after_children = rt.block_on(counts(&db));
    assert_eq!(
        after_children.0 - after_tasks.0,
        PROCESSES * (CHILD_USERS as u64 + 2)
    );

    rt.block_on(async {
        let emails: Vec<String> = user::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.email)
            .collect();
        assert_eq!(emails.iter().collect::<HashSet<_>>().len(), emails.len());

        // Worlds: large twice, demo twice (idempotent).
        let l = seed::large(&db, 5, 300).await.unwrap();
        assert_eq!(l.event_ids.len(), 300);
        seed::large(&db, 5, 300).await.unwrap();
        let world = seed::demo(&db, 9).await.unwrap();
        let mid = counts(&db).await;
        assert_eq!(seed::demo(&db, 9).await.unwrap(), world);
        assert_eq!(counts(&db).await, mid);
        // Stored values read back equal to what the factories returned
        // (timestamps in whole seconds survive PostgreSQL's microseconds).
        let summit = event::Entity::find_by_id(world.events.summit.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(summit, world.events.summit);
    });
}
