//! Unique fields stay unique when many tasks, threads and processes create
//! records into one database at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashSet,
    process::{Command, Stdio},
};

use open_event_factories::prelude::*;
use open_event_server::db::{
    self,
    entities::{event, user},
};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

async fn all_emails(db: &DatabaseConnection) -> Vec<String> {
    user::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect()
}

#[test]
fn tasks_and_threads_never_collide() {
    const TASKS: usize = 16;
    const THREADS: usize = 4;
    const EACH: usize = 25;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(db::connect("sqlite::memory:")).unwrap();

    // OS threads driving futures of their own (on the runtime's handle: a
    // runtime per thread would drop pooled connections when it stops,
    // which empties an in-memory database), sharing the connection pool.
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let db = db.clone();
            let handle = rt.handle().clone();
            std::thread::spawn(move || {
                handle.block_on(async {
                    for _ in 0..EACH {
                        UserFactory::new().create(&db).await.unwrap();
                    }
                    EventFactory::new().create(&db).await.unwrap();
                });
            })
        })
        .collect();

    // Tokio tasks on the multi-threaded runtime, on other contexts too.
    rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    // Half on the global context, half on their own
                    // process-unique contexts with the same seed.
                    let f = if i % 2 == 0 {
                        UserFactory::new()
                    } else {
                        FactoryContext::seeded(1).unique_across_processes().user()
                    };
                    f.create_batch(&db, EACH).await.unwrap();
                    EventFactory::new()
                        .with_organizers(1)
                        .create(&db)
                        .await
                        .unwrap();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    for t in threads {
        t.join().unwrap();
    }

    rt.block_on(async {
        let emails = all_emails(&db).await;
        // users: tasks*EACH + threads*EACH, plus an owner per event and an
        // organizer per task event.
        let expected = TASKS * EACH + THREADS * EACH + (TASKS + THREADS) + TASKS;
        assert_eq!(emails.len(), expected);
        assert_eq!(emails.iter().collect::<HashSet<_>>().len(), expected);
        let events = event::Entity::find().count(&db).await.unwrap();
        assert_eq!(events as usize, TASKS + THREADS);
    });
}

#[test]
fn built_emails_are_unique_across_threads() {
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                UserFactory::new()
                    .with_first_name("Same")
                    .with_last_name("Name")
                    .build_batch(500)
                    .unwrap()
                    .into_iter()
                    .map(|u| u.email)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let all: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 8 * 500);
}

const CHILD_DB_ENV: &str = "OPEN_EVENT_FACTORIES_CHILD_DB";
const CHILD_USERS: usize = 30;

/// Run by [`processes_never_collide`] in child processes; a no-op otherwise.
#[tokio::test]
async fn child_process_writer() {
    let Ok(url) = std::env::var(CHILD_DB_ENV) else {
        return;
    };
    let db = db::connect(&url).await.unwrap();
    // Every process starts its counters at 1: only the run token keeps
    // these apart from the other processes' users.
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

/// Separate processes sharing one database file (as CI processes share one
/// PostgreSQL database): no collisions, and each process has its token.
#[test]
fn processes_never_collide() {
    const PROCESSES: usize = 3;
    let path = std::env::temp_dir().join(format!("open-event-factories-{}.sqlite", uuid_like()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Migrate once before the children start.
    rt.block_on(async { db::connect(&url).await.unwrap().close().await.unwrap() });

    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "child_process_writer", "--test-threads=1"])
                .env(CHILD_DB_ENV, &url)
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

    let emails = rt.block_on(async {
        let db = db::connect(&url).await.unwrap();
        let emails = all_emails(&db).await;
        db.close().await.unwrap();
        emails
    });
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let per_process = CHILD_USERS + 2;
    assert_eq!(emails.len(), PROCESSES * per_process);
    assert_eq!(emails.iter().collect::<HashSet<_>>().len(), emails.len());
    let tokens: HashSet<&str> = emails
        .iter()
        .filter_map(|e| e.split_once('+')?.1.split_once('@').map(|(t, _)| t))
        .collect();
    assert_eq!(tokens.len(), PROCESSES, "one run token per process");
    // …and the sequence numbers did repeat across processes.
    let first = emails.iter().filter(|e| e.contains(".1+")).count();
    assert_eq!(first, PROCESSES);
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
