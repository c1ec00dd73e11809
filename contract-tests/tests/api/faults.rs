//! The deliberate defects the runner's self-tests rely on really break
//! exactly one promise each (and are off unless set in code).

use open_event_contract_tests::TestApp;
use open_event_contract_tests::runner::faults::Faults;
use open_event_factories::prelude::*;
use open_event_server::permissions::Action;
use serde_json::json;

async fn with(faults: Faults) -> TestApp {
    let server = faults.server();
    TestApp::spawn_embedded(|s| s.faults = server, faults.embedding())
        .await
        .unwrap()
}

#[tokio::test]
async fn each_fault_breaks_one_promise() {
    let app = with(Faults {
        drop_permission: Some(("event".into(), Action::Update)),
        ..Faults::default()
    })
    .await;
    let g = EventFactory::new()
        .published()
        .with_moderators(1)
        .create_graph(app.db())
        .await
        .unwrap();
    let moderator = app.token_for(g.with_role(Role::Moderator).next().unwrap());
    let body = json!({"data": {"type": "event", "id": g.event.id.to_string(), "attributes": {"name": "Hijacked"}}});
    assert_eq!(
        app.patch(
            &format!("/v1/events/{}", g.event.id),
            Some(&moderator),
            &body
        )
        .await
        .status,
        200
    );

    let app = with(Faults {
        leak_hidden: Some("event".into()),
        ..Faults::default()
    })
    .await;
    let draft = EventFactory::new().draft().create(app.db()).await.unwrap();
    assert_eq!(
        app.get("/v1/events", None).await.ids(),
        vec![draft.id.to_string()]
    );
    assert_eq!(
        app.get(&format!("/v1/events/{}", draft.id), None)
            .await
            .status,
        404,
        "only lists leak"
    );

    let app = with(Faults {
        extra_attribute: Some("event".into()),
        ..Faults::default()
    })
    .await;
    let e = EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
    let r = app.get(&format!("/v1/events/{}", e.id), None).await;
    assert_eq!(
        r.body["data"]["attributes"]["leaked-field"],
        "not in the spec"
    );

    let app = with(Faults {
        rewrite_status: Some(("GET".into(), "/v1/events".into(), 200, 202)),
        ..Faults::default()
    })
    .await;
    assert_eq!(app.get("/v1/events", None).await.status, 202);
    assert_eq!(
        app.get("/v1/users", None).await.status,
        401,
        "other paths untouched"
    );
}

#[tokio::test]
async fn no_fault_is_on_by_default() {
    assert_eq!(
        open_event_server::Settings::for_tests("sqlite::memory:").faults,
        Faults::default().server()
    );
    let app = TestApp::spawn().await.unwrap();
    let e = EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
    let r = app.get(&format!("/v1/events/{}", e.id), None).await;
    assert!(r.body["data"]["attributes"].get("leaked-field").is_none());
}
