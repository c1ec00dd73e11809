use std::time::{SystemTime, UNIX_EPOCH};

use open_event_mocks::{FacebookMock, FakeUser};
use serde_json::{Value, json as js};

use crate::support::*;

fn keys(body: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn the_login_flow_goes_dialog_token_debug_token_profile() {
    let facebook = FacebookMock::start().await;
    let _dialogs = facebook.expect_dialogs(1).await;
    let _exchanges = facebook.expect_token_exchanges(1).await;
    let _inspections = facebook.expect_token_inspections(1).await;
    let _profiles = facebook.expect_profile_requests(1).await;
    let ada = facebook.default_user();

    let dialog = facebook_dialog(&facebook, &[]).await;
    assert_eq!(dialog.status(), 302);
    let back = location(&dialog);
    assert_eq!(back[..url::Position::AfterPath], *CALLBACK);
    assert_eq!(param(&back, "state").as_deref(), Some("state-456"));
    let code = param(&back, "code").expect("code");

    let exchange = facebook_exchange(&facebook, &code).await;
    assert_eq!(exchange.status(), 200);
    let token = json(exchange).await;
    assert_eq!(token["token_type"], "bearer");
    assert!(token["expires_in"].as_u64().is_some_and(|s| s > 0));
    let access_token = token["access_token"].as_str().expect("access_token");

    let debug = facebook_debug(&facebook, access_token).await;
    assert_eq!(debug.status(), 200);
    let data = json(debug).await["data"].clone();
    assert_eq!(data["app_id"], facebook.client_id());
    assert_eq!(data["type"], "USER");
    assert_eq!(data["is_valid"], true);
    assert_eq!(data["user_id"], ada.id);
    assert_eq!(data["scopes"], js!(["public_profile", "email"]));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    assert!(data["expires_at"].as_u64().is_some_and(|at| at > now));

    let me = facebook_me(
        &facebook,
        access_token,
        "id,name,email,first_name,last_name,picture,link",
    )
    .await;
    assert_eq!(me.status(), 200);
    let expected = js!({
        "id": ada.id,
        "name": "Ada Lovelace",
        "email": "ada.lovelace@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "picture": {"data": {
            "height": 50,
            "is_silhouette": true,
            "url": format!("{}/avatar/{}.svg", facebook.graph_base_url(), ada.id),
            "width": 50,
        }},
        "link": format!("https://www.facebook.com/app_scoped_user_id/{}/", ada.id),
    });
    assert_eq!(json(me).await, expected);
}

#[tokio::test]
async fn me_returns_only_the_requested_fields() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;

    let some = json(facebook_me(&facebook, &token, "email, first_name").await).await;
    let modified = json(facebook_me(&facebook, &token, "picture.type(large)").await).await;
    let default = http()
        .get(facebook.me_url())
        .bearer_auth(&token)
        .send()
        .await
        .expect("/me");

    assert_eq!(keys(&some), ["email", "first_name"]);
    assert_eq!(keys(&modified), ["picture"]);
    assert_eq!(keys(&json(default).await), ["id", "name"]);
}

#[tokio::test]
async fn an_unknown_field_is_a_graph_error_100() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;

    let response = facebook_me(&facebook, &token, "id,shoe_size").await;

    assert_eq!(response.status(), 400);
    let error = json(response).await["error"].clone();
    assert_eq!(error["code"], 100);
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("shoe_size")
    );
}

#[tokio::test]
async fn email_needs_the_email_permission() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[("scope", "public_profile")]).await;

    let me = json(facebook_me(&facebook, &token, "id,email").await).await;

    assert_eq!(keys(&me), ["id"]);
}

#[tokio::test]
async fn an_account_without_email_has_no_email_field() {
    let facebook = FacebookMock::start().await;
    facebook.set_default_user(FakeUser::new("phone@example.com").without_email());
    let token = facebook_token(&facebook, &[]).await;

    let me = json(facebook_me(&facebook, &token, "id,email").await).await;

    assert_eq!(keys(&me), ["id"]);
}

#[tokio::test]
async fn the_profile_is_also_reachable_by_user_id_but_not_another_id() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;
    let profile = |id: String| {
        let token = token.clone();
        let url = format!("{}/v19.0/{id}", facebook.graph_base_url());
        async move {
            http()
                .get(url)
                .query(&[("fields", "id"), ("access_token", token.as_str())])
                .send()
                .await
                .expect("profile")
        }
    };

    let own = profile(facebook.default_user().id).await;
    let other = profile("4".to_owned()).await;

    assert_eq!(json(own).await["id"], facebook.default_user().id);
    assert_eq!(other.status(), 400);
    assert_eq!(json(other).await["error"]["code"], 100);
}

#[tokio::test]
async fn a_bad_token_on_me_is_a_graph_oauth_exception_190() {
    let facebook = FacebookMock::start().await;

    let response = facebook_me(&facebook, "EAAforged", "id").await;

    assert_eq!(response.status(), 400);
    let error = json(response).await["error"].clone();
    assert_eq!(error["type"], "OAuthException");
    assert_eq!(error["code"], 190);
    assert!(error["fbtrace_id"].is_string());
}

#[tokio::test]
async fn a_code_can_be_exchanged_only_once() {
    let facebook = FacebookMock::start().await;
    let code = facebook_code(&facebook, &[]).await;

    let first = facebook_exchange(&facebook, &code).await;
    let second = facebook_exchange(&facebook, &code).await;

    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 400);
    let error = json(second).await["error"].clone();
    assert_eq!(error["code"], 100);
    assert_eq!(error["error_subcode"], 36009);
}

#[tokio::test]
async fn an_unknown_code_is_a_graph_error_100() {
    let facebook = FacebookMock::start().await;

    let response = facebook_exchange(&facebook, "AQmade-up").await;

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"]["code"], 100);
}

#[tokio::test]
async fn a_wrong_app_secret_is_rejected_and_does_not_spend_the_code() {
    let facebook = FacebookMock::start().await;
    let code = facebook_code(&facebook, &[]).await;

    let rejected = facebook_exchange_with(&facebook, &code, "not-the-secret").await;
    let retried = facebook_exchange(&facebook, &code).await;

    assert_eq!(rejected.status(), 400);
    let error = json(rejected).await["error"].clone();
    assert_eq!(error["type"], "OAuthException");
    assert_eq!(error["message"], "Error validating client secret.");
    assert_eq!(retried.status(), 200);
}

#[tokio::test]
async fn the_exchange_must_repeat_the_dialog_redirect_uri() {
    let facebook = FacebookMock::start().await;
    let code = facebook_code(&facebook, &[]).await;

    let response = http()
        .get(facebook.token_url())
        .query(&[
            ("client_id", facebook.client_id()),
            ("redirect_uri", "http://127.0.0.1:8080/elsewhere"),
            ("client_secret", facebook.client_secret()),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .expect("exchange");

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"]["error_subcode"], 36008);
}

#[tokio::test]
async fn debug_token_needs_the_app_token() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;

    let response = http()
        .get(facebook.debug_token_url())
        .query(&[("input_token", token.as_str()), ("access_token", "1|wrong")])
        .send()
        .await
        .expect("debug_token");

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"]["code"], 190);
}

#[tokio::test]
async fn debug_token_reports_an_unknown_token_as_invalid() {
    let facebook = FacebookMock::start().await;

    let response = facebook_debug(&facebook, "EAAforged").await;

    assert_eq!(response.status(), 200);
    let data = json(response).await["data"].clone();
    assert_eq!(data["is_valid"], false);
    assert_eq!(data["error"]["code"], 190);
}

#[tokio::test]
async fn a_dialog_for_an_unknown_app_or_unregistered_redirect_shows_an_error_page() {
    let facebook = FacebookMock::start().await;
    facebook.register_redirect_uri(CALLBACK);

    let unknown_app = facebook_dialog(&facebook, &[("client_id", "999")]).await;
    let unregistered =
        facebook_dialog(&facebook, &[("redirect_uri", "https://evil.example/")]).await;

    for response in [unknown_app, unregistered] {
        assert_eq!(response.status(), 400);
        assert!(response.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn the_dialog_and_the_graph_api_live_on_different_hosts() {
    let facebook = FacebookMock::start().await;

    let dialog_on_graph = http()
        .get(format!("{}/v19.0/dialog/oauth", facebook.graph_base_url()))
        .send()
        .await
        .expect("request");
    let me_on_www = http()
        .get(format!("{}/v19.0/me", facebook.facebook_base_url()))
        .send()
        .await
        .expect("request");

    assert_ne!(facebook.facebook_base_url(), facebook.graph_base_url());
    assert_eq!(dialog_on_graph.status(), 404);
    assert_eq!(me_on_www.status(), 404);
}

#[tokio::test]
#[should_panic(expected = "Graph profile requests")]
async fn an_unmet_expectation_panics_naming_the_endpoint() {
    let facebook = FacebookMock::start().await;
    let _profiles = facebook.expect_profile_requests(1).await;

    facebook_token(&facebook, &[]).await;
}
