use open_event_mocks::{FacebookMock, FakeUser, GoogleMock};

use crate::support::*;

#[test]
fn a_fake_user_is_derived_from_the_email_deterministically() {
    let grace = FakeUser::new("grace.brewster-hopper@example.com");

    assert_eq!(grace.given_name, "Grace");
    assert_eq!(grace.family_name, "Brewster Hopper");
    assert_eq!(grace.name, "Grace Brewster Hopper");
    assert_eq!(grace.id.len(), 21);
    assert!(grace.id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(grace, FakeUser::new("grace.brewster-hopper@example.com"));
    assert_ne!(grace.id, FakeUser::new("grace@example.com").id);
    assert_eq!(FakeUser::new("bob@example.com").name, "Bob User");
}

#[test]
fn the_builder_overrides_fields() {
    let user = FakeUser::new("x@example.com")
        .with_id("42")
        .with_names("Mal", "Lory")
        .with_picture("https://cdn.example/p.png")
        .with_link("https://facebook.example/mal")
        .unverified();

    assert_eq!(user.id, "42");
    assert_eq!(user.name, "Mal Lory");
    assert_eq!(user.picture.as_deref(), Some("https://cdn.example/p.png"));
    assert_eq!(user.facebook_link(), "https://facebook.example/mal");
    assert!(!user.email_verified);
    assert_eq!(FakeUser::new("y@example.com").without_email().email, None);
}

#[tokio::test]
async fn login_hint_picks_the_account_with_that_email() {
    let google = GoogleMock::start().await;
    let grace = FakeUser::new("grace@example.com").with_names("Grace", "Hopper");
    google.add_user(grace.clone());

    let token = google_token(&google, &[("login_hint", "grace@example.com")]).await;
    let info = json(google_userinfo(&google, &token).await).await;

    assert_eq!(info["sub"], grace.id);
    assert_eq!(info["name"], "Grace Hopper");
}

#[tokio::test]
async fn an_unknown_login_hint_logs_in_a_new_account_with_that_email() {
    let facebook = FacebookMock::start().await;

    let token = facebook_token(&facebook, &[("login_hint", "new.comer@example.com")]).await;
    let me = json(facebook_me(&facebook, &token, "id,email,name").await).await;

    assert_eq!(me["email"], "new.comer@example.com");
    assert_eq!(me["name"], "New Comer");
    assert_eq!(me["id"], FakeUser::new("new.comer@example.com").id);
}

#[tokio::test]
async fn the_default_account_logs_in_without_a_hint() {
    let google = GoogleMock::start().await;
    google.add_user(FakeUser::new("someone@example.com"));
    google.set_default_user(FakeUser::new("linus@example.com"));

    let token = google_token(&google, &[]).await;
    let info = json(google_userinfo(&google, &token).await).await;

    assert_eq!(info["email"], "linus@example.com");
    assert_eq!(
        google.default_user().email.as_deref(),
        Some("linus@example.com")
    );
}

#[tokio::test]
async fn a_user_picture_is_passed_through() {
    let facebook = FacebookMock::start().await;
    facebook
        .set_default_user(FakeUser::new("p@example.com").with_picture("https://cdn.example/p.png"));

    let token = facebook_token(&facebook, &[]).await;
    let me = json(facebook_me(&facebook, &token, "picture").await).await;

    assert_eq!(me["picture"]["data"]["url"], "https://cdn.example/p.png");
    assert_eq!(me["picture"]["data"]["is_silhouette"], false);
}
