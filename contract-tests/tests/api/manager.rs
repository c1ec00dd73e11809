//! The permission manager's Open Event options and `has_access`, on a real
//! database seeded by factories.

use open_event_contract_tests::TestApp;
use open_event_factories::prelude::{EventFactory, Factory, Role as EventRole, UserFactory};
use open_event_server::{
    auth::Caller,
    permissions::{
        Args, Role, Rule, has_access,
        manager::{Kwargs, Lookup, PermissionManager},
    },
};

async fn setup() -> (TestApp, open_event_factories::prelude::EventGraph) {
    let app = TestApp::spawn().await.unwrap();
    let g = EventFactory::new()
        .published()
        .with_organizers(1)
        .with_moderators(1)
        .create_graph(app.db())
        .await
        .unwrap();
    (app, g)
}

fn kw(pairs: &[(&str, i64)]) -> Kwargs {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

const ORGANIZER_BY_EVENT: PermissionManager = PermissionManager {
    fetch: &["event_id"],
    ..PermissionManager::new(Rule::role(Role::Organizer))
};

#[tokio::test]
async fn fetch_from_arguments_then_has_access() {
    let (app, g) = setup().await;
    let db = app.db();
    let organizer = Caller::for_user(g.with_role(EventRole::Organizer).next().unwrap().clone());
    let moderator = Caller::for_user(g.with_role(EventRole::Moderator).next().unwrap().clone());
    let mut args = kw(&[("event_id", g.event.id)]);
    assert!(
        ORGANIZER_BY_EVENT
            .run(db, &organizer, "PATCH", &mut args)
            .await
            .is_ok()
    );
    let denied = ORGANIZER_BY_EVENT
        .run(db, &moderator, "PATCH", &mut args)
        .await
        .unwrap_err();
    assert_eq!(denied.status, 403);
    let anonymous = ORGANIZER_BY_EVENT
        .run(db, &Caller::Anonymous, "PATCH", &mut args)
        .await
        .unwrap_err();
    assert_eq!(anonymous.status, 401);
    let admin = Caller::for_user(UserFactory::new().admin().create(db).await.unwrap());
    assert!(
        ORGANIZER_BY_EVENT
            .run(db, &admin, "PATCH", &mut args)
            .await
            .is_ok(),
        "staff pass event roles"
    );
}

#[tokio::test]
async fn methods_leave_if_and_check() {
    let (app, g) = setup().await;
    let db = app.db();
    let only_writes = PermissionManager {
        methods: &["PATCH", "DELETE"],
        ..ORGANIZER_BY_EVENT
    };
    let mut args = kw(&[("event_id", g.event.id)]);
    assert!(
        only_writes
            .run(db, &Caller::Anonymous, "GET", &mut args)
            .await
            .is_ok(),
        "GET is not guarded"
    );
    assert_eq!(
        only_writes
            .run(db, &Caller::Anonymous, "DELETE", &mut args)
            .await
            .unwrap_err()
            .status,
        401
    );

    let leave = PermissionManager {
        leave_if: Some(|a| a.contains_key("attendee_id")),
        ..ORGANIZER_BY_EVENT
    };
    let mut with_attendee = kw(&[("event_id", g.event.id), ("attendee_id", 1)]);
    assert!(
        leave
            .run(db, &Caller::Anonymous, "PATCH", &mut with_attendee)
            .await
            .is_ok()
    );

    let checked = PermissionManager {
        check: Some(|a| a.get("event_id") != Some(&0)),
        ..ORGANIZER_BY_EVENT
    };
    let owner = Caller::for_user(g.owner.clone());
    let e = checked
        .run(db, &owner, "PATCH", &mut kw(&[("event_id", 0)]))
        .await
        .unwrap_err();
    assert_eq!(e.status, 403, "check runs before anything else");
}

#[tokio::test]
async fn lookups_through_models_chains_and_candidates() {
    let (app, g) = setup().await;
    let db = app.db();
    let grant = g
        .members
        .iter()
        .find(|m| m.role == EventRole::Moderator)
        .unwrap()
        .grant
        .clone();
    let organizer = Caller::for_user(g.with_role(EventRole::Organizer).next().unwrap().clone());

    // One model: the grant row names its event.
    let through_grant = PermissionManager {
        models: &[Lookup {
            table: "users_events_roles",
            key_url: "grant_id",
            key_model: "id",
            chain: &[],
        }],
        ..ORGANIZER_BY_EVENT
    };
    let mut args = kw(&[("grant_id", grant.id)]);
    assert!(
        through_grant
            .run(db, &organizer, "PATCH", &mut args)
            .await
            .is_ok()
    );
    assert_eq!(
        args.get("event_id"),
        Some(&g.event.id),
        "the fetched value is handed on"
    );

    // A chain: grant → event, then `creator_id` of the event, received as `user_id`.
    let creator_only = PermissionManager {
        fetch: &["creator_id"],
        fetch_as: Some("user_id"),
        models: &[Lookup {
            table: "users_events_roles",
            key_url: "grant_id",
            key_model: "id",
            chain: &[("event_id", "events")],
        }],
        ..PermissionManager::new(
            Rule::role(Role::Registered).when(&[&open_event_server::resources::user::SELF_USER]),
        )
    };
    let owner = Caller::for_user(g.owner.clone());
    let mut args = kw(&[("grant_id", grant.id)]);
    assert!(
        creator_only
            .run(db, &owner, "PATCH", &mut args)
            .await
            .is_ok()
    );
    assert_eq!(args.get("user_id"), Some(&g.owner.id));
    assert_eq!(
        creator_only
            .run(db, &organizer, "PATCH", &mut kw(&[("grant_id", grant.id)]))
            .await
            .unwrap_err()
            .status,
        403
    );

    // Several candidates: the first whose key is present wins.
    let candidates = PermissionManager {
        models: &[
            Lookup {
                table: "role_invites",
                key_url: "invite_id",
                key_model: "id",
                chain: &[],
            },
            Lookup {
                table: "users_events_roles",
                key_url: "grant_id",
                key_model: "id",
                chain: &[],
            },
        ],
        ..ORGANIZER_BY_EVENT
    };
    assert!(
        candidates
            .run(db, &organizer, "PATCH", &mut kw(&[("grant_id", grant.id)]))
            .await
            .is_ok()
    );

    // Nothing found: 404, before any token check (Open Event's order).
    let missing = candidates
        .run(
            db,
            &Caller::Anonymous,
            "PATCH",
            &mut kw(&[("grant_id", 999_999)]),
        )
        .await
        .unwrap_err();
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn has_access_answers_plain_booleans() {
    let (app, g) = setup().await;
    let db = app.db();
    let moderator = Caller::for_user(g.with_role(EventRole::Moderator).next().unwrap().clone());
    let on_event = Args {
        event_id: Some(g.event.id),
        ..Args::default()
    };
    let yes = |rule: Rule, caller: &Caller, args: &Args| {
        let (caller, args) = (caller.clone(), args.clone());
        async move { has_access(db, &caller, &rule, &args).await.unwrap() }
    };
    assert!(yes(Rule::role(Role::Moderator), &moderator, &on_event).await);
    assert!(!yes(Rule::role(Role::Coorganizer), &moderator, &on_event).await);
    assert!(
        !yes(Rule::role(Role::Moderator), &moderator, &Args::default()).await,
        "no event, no event role"
    );
    assert!(yes(Rule::role(Role::Registered), &moderator, &Args::default()).await);
    assert!(
        !yes(
            Rule::role(Role::Registered),
            &Caller::Anonymous,
            &Args::default()
        )
        .await
    );
    assert!(
        yes(
            Rule::role(Role::Anyone).when(&[&open_event_server::resources::event::EVENT_PUBLISHED]),
            &Caller::Anonymous,
            &on_event
        )
        .await
    );
    let draft = EventFactory::new().draft().create(db).await.unwrap();
    let on_draft = Args {
        event_id: Some(draft.id),
        ..Args::default()
    };
    assert!(
        !yes(
            Rule::role(Role::Anyone).when(&[&open_event_server::resources::event::EVENT_PUBLISHED]),
            &Caller::Anonymous,
            &on_draft
        )
        .await
    );
    let me = moderator.user_id();
    assert!(
        yes(
            Rule::role(Role::Registered).when(&[&open_event_server::resources::user::SELF_USER]),
            &moderator,
            &Args {
                user_id: me,
                ..Args::default()
            }
        )
        .await
    );
    assert!(
        !yes(
            Rule::role(Role::Registered).when(&[&open_event_server::resources::user::SELF_USER]),
            &moderator,
            &Args {
                user_id: Some(-1),
                ..Args::default()
            }
        )
        .await
    );
    let owner_invite = Args {
        role_name: Some("owner".into()),
        ..on_event.clone()
    };
    let organizer = Caller::for_user(g.with_role(EventRole::Organizer).next().unwrap().clone());
    assert!(
        !yes(
            Rule::role(Role::Organizer)
                .when(&[&open_event_server::resources::role_invite::BELOW_OWNER]),
            &organizer,
            &owner_invite
        )
        .await
    );
    assert!(
        yes(
            Rule::role(Role::Organizer)
                .when(&[&open_event_server::resources::role_invite::BELOW_OWNER]),
            &organizer,
            &on_event
        )
        .await
    );
}
