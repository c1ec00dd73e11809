//! The role and role-invite factories: defaults the server accepts,
//! overrides, traits, uniqueness, determinism, and what the API then does
//! with the rows (an invite made here is accepted by the server's rules).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use open_event_factories::{prelude::*, role_invite::INVITE_MAIL_KIND};
use open_event_server::db::{
    self,
    entities::{role, role_invite},
};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

async fn fresh_db() -> DatabaseConnection {
    db::connect("sqlite::memory:").await.unwrap()
}

#[tokio::test]
async fn custom_roles_are_unique_valid_rows() {
    let db = fresh_db().await;
    let before = role::Entity::find().count(&db).await.unwrap();
    let roles = RoleFactory::new().create_batch(&db, 5).await.unwrap();
    assert_eq!(role::Entity::find().count(&db).await.unwrap(), before + 5);
    let mut names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 5);
    for r in &roles {
        assert!(r.name.len() <= 100 && !r.name.is_empty(), "{r:?}");
        assert!(Role::from_name(&r.name).is_none());
        assert!(r.title_name.as_deref().is_some_and(|t| t.len() <= 255));
        let stored = role::Entity::find_by_id(r.id).one(&db).await.unwrap();
        assert_eq!(stored.as_ref(), Some(r));
    }
}

#[tokio::test]
async fn role_overrides_and_lazy_attributes() {
    let r = RoleFactory::new()
        .with_name("stage-manager")
        .lazy(|r| r.name.push_str("-x"))
        .build()
        .unwrap();
    assert_eq!(r.name, "stage-manager-x");
    assert_eq!(r.title_name.as_deref(), Some("Stage Manager"));
    let t = RoleFactory::new().with_title_name("Host").build().unwrap();
    assert_eq!(t.title_name.as_deref(), Some("Host"));
}

#[tokio::test]
async fn invites_default_to_pending_coorganizer_with_unique_tokens() {
    let db = fresh_db().await;
    let event = EventFactory::new().create(&db).await.unwrap();
    let invites = RoleInviteFactory::new()
        .for_event(&event)
        .create_batch(&db, 4)
        .await
        .unwrap();
    let mut hashes: Vec<&str> = invites.iter().map(|i| i.hash.as_str()).collect();
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 4);
    for i in &invites {
        assert_eq!(i.hash.len(), 64);
        assert!(i.hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(
            (i.status.as_str(), i.role_name.as_str()),
            ("pending", "coorganizer")
        );
        assert_eq!(i.role_id, Role::Coorganizer.id(&db).await.unwrap());
        assert_eq!(i.email, i.email.to_lowercase());
        assert_eq!(i.event_id, event.id);
    }
    assert_eq!(role_invite::Entity::find().count(&db).await.unwrap(), 4);
    // Without `mailed()`, nothing goes to the outbox.
    assert!(
        db::mail::to(&db, &invites[0].email)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn invite_traits_and_the_mail() {
    let db = fresh_db().await;
    let g = RoleInviteFactory::new()
        .with_event(EventFactory::new().published())
        .with_role(Role::Owner)
        .to("Someone@Example.Test")
        .declined()
        .mailed()
        .create_graph(&db)
        .await
        .unwrap();
    assert_eq!(g.event.state, "published");
    assert_eq!(g.role, Role::Owner);
    assert_eq!(g.invite.email, "someone@example.test");
    assert_eq!(g.invite.status, "declined");
    let mails = db::mail::to(&db, "someone@example.test").await.unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].kind, INVITE_MAIL_KIND);
    assert_eq!(mails[0].token.as_deref(), Some(g.invite.hash.as_str()));
}

#[test]
fn built_invites_and_roles_are_deterministic_per_seed() {
    let run = |seed| {
        let ctx = FactoryContext::seeded(seed);
        let invite = RoleInviteFactory::in_context(&ctx).build().unwrap();
        let role = RoleFactory::in_context(&ctx).build().unwrap();
        (invite, role)
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
    let (invite, _) = run(3);
    assert_eq!(invite.event_id, 0, "a built invite names no stored event");
    assert_eq!(invite.role_id, Role::Coorganizer.seeded_id());
}
