//! `GET /__mock/accounts`: the printed table as JSON, with tokens that work.

use serde_json::{Value, json};

use crate::mock_process::MockProcess;

#[tokio::test]
async fn the_accounts_endpoint_matches_the_printed_table_and_its_tokens_work() {
    let mock = MockProcess::start(&[]).await;
    let doc = mock.accounts().await;
    let accounts = doc["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), mock.rows.len());
    for (a, row) in accounts.iter().zip(&mock.rows) {
        assert_eq!(a["role"], row.role.as_str());
        assert_eq!(a["email"], row.email.as_str());
        assert_eq!(a["password"], row.password.as_str());
        assert_eq!(a["access_token"], row.access_token.as_str());
    }
    assert_eq!(doc["seed"], 42);
    assert_eq!(doc["urls"]["api"], mock.url("/v1"));
    assert_eq!(doc["urls"]["docs"], mock.url("/docs"));
    assert_eq!(
        doc["clients"]["google_client_id"],
        open_event_mocks::GOOGLE_CLIENT_ID
    );
    assert_eq!(
        doc["clients"]["facebook_app_id"],
        open_event_mocks::FACEBOOK_APP_ID
    );

    for a in accounts {
        let role = a["role"].as_str().unwrap();
        let id = a["user_id"].as_i64().unwrap();
        let token = a["access_token"].as_str().unwrap();
        let (status, body) = mock.get(&format!("/v1/users/{id}"), Some(token)).await;
        if role == "blocked" {
            assert_eq!(status, 401, "a blocked account's token is refused: {body}");
            continue;
        }
        assert_eq!(status, 200, "{role}: {body}");
        assert_eq!(body["data"]["attributes"]["email"], a["email"], "{role}");
        // The refresh token gives a new access token.
        let refreshed = mock
            .client()
            .post(mock.url("/v1/auth/token/refresh"))
            .header(
                "Authorization",
                format!("JWT {}", a["refresh_token"].as_str().unwrap()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(refreshed.status(), 200, "{role}");
    }

    // The printed password logs in.
    let login = mock
        .client()
        .post(mock.url("/v1/auth/login"))
        .json(&json!({"email": mock.row("owner").email, "password": mock.row("owner").password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let tokens: Value = login.json().await.unwrap();
    assert!(tokens["access_token"].is_string());

    // Roles mean what the table says: the super admin sees every user,
    // a plain user is refused the list of users or sees only themself.
    let (status, all) = mock
        .get(
            "/v1/users?page[size]=0",
            Some(&mock.row("super-admin").access_token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(all["meta"]["count"], accounts.len());
    mock.stop().await;
}
