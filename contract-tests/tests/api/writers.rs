//! Writers on a SQLite file (`--sqlite-writer`): with `single`, every write
//! of the API goes through the one writer connection and the read pool
//! refuses writes, so a misrouted write fails loudly; reads on the pool see
//! every committed write. `immediate` serves the same flow from one pool.

use open_event_contract_tests::{TestApp, harness::JSONAPI};
use open_event_server::config::SqliteWriter;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

use crate::support::new_user_logged_in;

/// A fresh SQLite file, removed (with its WAL files) on drop.
struct DbFile(std::path::PathBuf);

impl DbFile {
    fn new() -> Self {
        DbFile(std::env::temp_dir().join(format!(
            "open-event-writers-{}.db",
            uuid::Uuid::new_v4().simple()
        )))
    }

    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.0.display())
    }
}

impl Drop for DbFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

async fn app_on(file: &DbFile, writer: SqliteWriter) -> TestApp {
    let url = file.url();
    TestApp::spawn_with(move |s| {
        s.database_url = url;
        s.sqlite_writer = writer;
    })
    .await
    .expect("test app starts on a SQLite file")
}

async fn query_only(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "PRAGMA query_only",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

fn event_doc(name: &str) -> Value {
    json!({"data": {"type": "event", "attributes": {"name": name,
        "starts-at": "2031-01-01T09:00:00Z", "ends-at": "2031-01-02T17:00:00Z",
        "timezone": "UTC"}}})
}

/// Every kind of API write — a registration (user and mail), a login, a
/// transaction (event and owner grant), generic inserts, updates, a soft
/// and a hard delete, a hook that writes (the invite's mail) — and a read
/// on the read pool after each.
async fn write_through_the_api(app: &TestApp) {
    let (_, token) = new_user_logged_in(app, "writer@example.com", "correct-horse").await;
    let t = Some(token.as_str());

    let created = app.post("/v1/events", t, &event_doc("Conf")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["data"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/events/{id}");
    assert_eq!(
        app.get(&path, t).await.body["data"]["attributes"]["name"],
        "Conf"
    );

    let renamed = json!({"data": {"type": "event", "id": id, "attributes": {"name": "Renamed"}}});
    assert_eq!(app.patch(&path, t, &renamed).await.status, 200);
    assert_eq!(
        app.get(&path, t).await.body["data"]["attributes"]["name"],
        "Renamed"
    );

    let faq = json!({"data": {"type": "faq", "attributes": {"question": "Parking?", "answer": "No."},
        "relationships": {"event": {"data": {"type": "event", "id": id}}}}});
    let faq = app.post("/v1/faqs", t, &faq).await;
    assert_eq!(faq.status, 201, "{}", faq.text);
    let faq_path = format!("/v1/faqs/{}", faq.body["data"]["id"].as_str().unwrap());
    assert_eq!(app.get(&faq_path, t).await.status, 200);
    assert_eq!(app.delete(&faq_path, t).await.status, 200, "hard delete");
    assert_eq!(app.get(&faq_path, t).await.status, 404);

    let invite =
        crate::support::invite_doc(app, id.parse().unwrap(), "guest@example.com", "organizer")
            .await;
    let invite = app.post("/v1/role-invites", t, &invite).await;
    assert_eq!(invite.status, 201, "{}", invite.text);
    assert_eq!(
        app.mails_to("guest@example.com").await.len(),
        1,
        "the hook's mail"
    );

    // Concurrent creates: all stored, all read back.
    let mut creates = tokio::task::JoinSet::new();
    for i in 0..16 {
        let req = app
            .client()
            .post(app.url("/v1/events"))
            .header("Accept", JSONAPI)
            .header("Content-Type", JSONAPI)
            .header("Authorization", format!("JWT {token}"))
            .body(event_doc(&format!("Parallel {i}")).to_string());
        creates.spawn(async move { TestApp::read(req).await.status });
    }
    let statuses = creates.join_all().await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let listed = app.get("/v1/events?page[size]=0", t).await;
    assert_eq!(listed.body["meta"]["count"], 17, "{}", listed.text);

    assert_eq!(app.delete(&path, t).await.status, 200, "soft delete");
    assert_eq!(app.get(&path, t).await.status, 404);
}

#[tokio::test]
async fn with_a_single_writer_every_api_write_goes_through_it() {
    let file = DbFile::new();
    let app = app_on(&file, SqliteWriter::Single).await;
    assert_eq!(
        query_only(&app.state.db).await,
        1,
        "the read pool refuses writes"
    );
    assert_eq!(query_only(&app.state.writer).await, 0);

    write_through_the_api(&app).await;

    // A write sent to the read pool fails loudly.
    let err = app
        .state
        .db
        .execute_unprepared("DELETE FROM mail_outbox")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("readonly database"), "{err}");
    assert_eq!(app.mails_to("guest@example.com").await.len(), 1);
}

#[tokio::test]
async fn with_begin_immediate_one_pool_reads_and_writes() {
    let file = DbFile::new();
    let app = app_on(&file, SqliteWriter::Immediate).await;
    assert_eq!(query_only(&app.state.db).await, 0);
    write_through_the_api(&app).await;
    app.state
        .db
        .execute_unprepared("DELETE FROM mail_outbox")
        .await
        .unwrap();
    assert!(app.mails_to("guest@example.com").await.is_empty());
}
