//! `POST /__mock/reset`: the seeded state back after writes, counters included.

use reqwest::Method;
use serde_json::{Value, json};

use crate::mock_process::MockProcess;

const LISTS: [&str; 11] = [
    "/v1/users",
    "/v1/events",
    "/v1/roles",
    "/v1/users-events-roles",
    "/v1/role-invites",
    "/v1/sponsors",
    "/v1/tracks",
    "/v1/microlocations",
    "/v1/session-types",
    "/v1/social-links",
    "/v1/faqs",
];

/// Every list the super admin sees, whole and by id.
async fn everything(mock: &MockProcess, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for list in LISTS {
        let (status, body) = mock.get(&format!("{list}?page[size]=0"), Some(token)).await;
        assert_eq!(status, 200, "{list}: {body}");
        out.push(body["data"].clone());
    }
    out
}

fn event_doc(name: &str) -> Value {
    json!({"data": {"type": "event", "attributes": {
        "name": name, "starts-at": "2031-05-01T09:00:00Z",
        "ends-at": "2031-05-02T18:00:00Z", "timezone": "Europe/Berlin"}}})
}

#[tokio::test]
async fn reset_restores_the_seeded_state_after_creates_updates_and_deletes() {
    let mock = MockProcess::start(&[]).await;
    let admin = mock.row("super-admin").access_token.clone();
    let owner = mock.row("owner").access_token.clone();
    let owner_id = mock.accounts().await["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "owner")
        .unwrap()["user_id"]
        .as_i64()
        .unwrap();
    let owner_path = format!("/v1/users/{owner_id}");
    let seeded = everything(&mock, &admin).await;

    // Create an event (with its owner grant), update one, delete a sponsor,
    // register a user, change a password (revoking the owner's tokens).
    let (status, created) = mock
        .send(
            Method::POST,
            "/v1/events",
            Some(&owner),
            Some(event_doc("Pop-up Conf")),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let first_new_id = created["data"]["id"].as_str().unwrap().to_owned();
    let summit = seeded[1][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = mock
        .send(
            Method::PATCH,
            &format!("/v1/events/{summit}"),
            Some(&admin),
            Some(
                json!({"data": {"type": "event", "id": summit, "attributes": {"name": "Renamed"}}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sponsor = seeded[5][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = mock
        .send(
            Method::DELETE,
            &format!("/v1/sponsors/{sponsor}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = mock
        .send(
            Method::POST,
            "/v1/users",
            None,
            Some(json!({"data": {"type": "user", "attributes": {
                "email": "new.person@example.test", "password": "a long password"}}})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let changed = mock
        .client()
        .post(mock.url("/v1/auth/change-password"))
        .header("Authorization", format!("JWT {owner}"))
        .json(&json!({"data": {"old-password": "open-event-demo", "new-password": "another password"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert_eq!(mock.get(&owner_path, Some(&owner)).await.0, 401, "revoked");
    assert_ne!(
        everything(&mock, &admin).await,
        seeded,
        "the writes changed the data"
    );

    let report = mock.reset().await;
    let elapsed = report["elapsed_ms"].as_f64().unwrap();
    assert!(elapsed < 100.0, "reset took {elapsed} ms");
    assert_eq!(report["seed"], 42);

    assert_eq!(everything(&mock, &admin).await, seeded);
    // The printed tokens work again (the token version is back) …
    let (status, _) = mock.get(&owner_path, Some(&owner)).await;
    assert_eq!(status, 200);
    // … and the autoincrement counters are back: the next event gets the
    // id the first new one got.
    let (status, again) = mock
        .send(
            Method::POST,
            "/v1/events",
            Some(&owner),
            Some(event_doc("Pop-up Conf")),
        )
        .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["data"]["id"].as_str().unwrap(), first_new_id);

    // A second reset after that works the same way.
    mock.reset().await;
    assert_eq!(everything(&mock, &admin).await, seeded);
    mock.stop().await;
}
