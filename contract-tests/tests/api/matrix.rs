//! The permission matrix, live: every rule of users, events, roles,
//! users-events-roles and role-invites, for every role × condition, sent over
//! HTTP. Each observed status is checked against the runner's oracle
//! (`runner::oracle`: a plain Rust evaluator of the same tables, independent
//! of the server's SQL compiler), fed the facts of what each case built, and
//! the whole matrix is an insta snapshot.

use std::fmt::Write;

use open_event_contract_tests::{
    TestApp, TestResponse,
    runner::{oracle, plan::Actor, world::Facts},
};
use open_event_factories::prelude::{EventFactory, Factory, Role as EventRole, UserFactory};
use open_event_server::{
    db::entities::{event, user},
    permissions::{Action, Role, Table},
    resources::{event as ev, role as ro, role_invite as inv, user as us, users_events_role as gr},
};
use reqwest::Method;
use sea_orm::EntityTrait as _;
use serde_json::{Value, json};

/// What the table predicts for `role` doing `action` on an object with `facts`.
fn predicted(table: &Table, action: Action, role: Role, facts: &Facts) -> oracle::Expected {
    oracle::table_outcome(table, action, role, facts).expect("the oracle reads every rule")
}

/// Whether the actor is `target` (the `self` condition).
fn is_self(actor: &Option<user::Model>, target: &user::Model) -> bool {
    actor.as_ref().is_some_and(|a| a.id == target.id)
}

fn event_role(role: Role) -> Option<EventRole> {
    match role {
        Role::Owner => Some(EventRole::Owner),
        Role::Organizer => Some(EventRole::Organizer),
        Role::Coorganizer => Some(EventRole::Coorganizer),
        Role::TrackOrganizer => Some(EventRole::TrackOrganizer),
        Role::Moderator => Some(EventRole::Moderator),
        Role::Registrar => Some(EventRole::Registrar),
        _ => None,
    }
}

/// Which cell of the matrix a request fills.
#[derive(Clone, Copy)]
struct Key<'a> {
    resource: &'a str,
    action: Action,
    scenario: &'a str,
    role: Role,
}

struct Case {
    app: TestApp,
    lines: String,
    mismatches: Vec<String>,
}

/// A fresh event (published or draft) and a fresh actor holding `role` on it.
async fn world(
    app: &TestApp,
    role: Role,
    published: bool,
) -> (event::Model, Option<user::Model>, user::Model) {
    let db = app.db();
    let owner = UserFactory::new().create(db).await.unwrap();
    let base = EventFactory::new().owned_by(&owner);
    let event = if published {
        base.published()
    } else {
        base.draft()
    }
    .create(db)
    .await
    .unwrap();
    let actor = match role {
        Role::Anyone => None,
        Role::Owner => Some(owner.clone()),
        Role::SuperAdmin => Some(UserFactory::new().super_admin().create(db).await.unwrap()),
        Role::Admin => Some(UserFactory::new().admin().create(db).await.unwrap()),
        Role::Registered => Some(UserFactory::new().create(db).await.unwrap()),
        r => {
            let er = event_role(r).unwrap();
            Some(
                UserFactory::new()
                    .with_role_on(er, &event)
                    .create(db)
                    .await
                    .unwrap(),
            )
        }
    };
    (event, actor, owner)
}

impl Case {
    async fn new() -> Self {
        Case {
            app: TestApp::spawn().await.unwrap(),
            lines: String::new(),
            mismatches: Vec::new(),
        }
    }

    fn token(&self, actor: &Option<user::Model>) -> Option<String> {
        actor.as_ref().map(|u| self.app.token_for(u))
    }

    fn record(&mut self, key: Key<'_>, want: u16, got: &TestResponse, extra: &str) {
        let Key {
            resource,
            action,
            scenario,
            role,
        } = key;
        let _ = writeln!(
            self.lines,
            "{resource:<18} {:<6} {scenario:<16} {:<15} {}{extra}",
            action.name(),
            role.name(),
            got.status
        );
        if want != got.status {
            self.mismatches.push(format!(
                "{resource} {} [{scenario}] as {}: expected {want}, got {} {}",
                action.name(),
                role.name(),
                got.status,
                got.text
            ));
        }
    }

    /// Records a list: the status, and whether `id` is present exactly when allowed.
    fn record_list(
        &mut self,
        key: Key<'_>,
        table: &Table,
        f: &Facts,
        got: &TestResponse,
        id: &str,
    ) {
        let Key {
            resource,
            scenario,
            role,
            ..
        } = key;
        let outcome = predicted(table, Action::List, role, f);
        let want = outcome.status;
        let present = got.ids().iter().any(|i| i == id);
        let should = want == 200 && outcome.present == Some(true);
        if got.status == 200 && present != should {
            self.mismatches.push(format!(
                "{resource} list [{scenario}] as {}: object {} but should {}",
                role.name(),
                if present { "present" } else { "absent" },
                if should { "be present" } else { "be absent" }
            ));
        }
        let extra = if got.status == 200 {
            if present { " (listed)" } else { " (absent)" }
        } else {
            ""
        };
        self.record(key, want, got, extra);
    }

    fn finish(self, name: &str) {
        assert!(
            self.mismatches.is_empty(),
            "{} mismatches:\n{}",
            self.mismatches.len(),
            self.mismatches.join("\n")
        );
        insta::assert_snapshot!(name, self.lines);
    }
}

fn event_body(name: &str) -> Value {
    json!({"data": {"type": "event", "attributes": {
        "name": name, "starts-at": "2031-03-01T09:00:00Z", "ends-at": "2031-03-02T18:00:00Z", "timezone": "UTC"
    }}})
}

#[tokio::test]
async fn events_matrix() {
    let mut c = Case::new().await;
    let t = &ev::TABLE;
    for published in [true, false] {
        let scenario = if published { "published" } else { "draft" };
        let f = Facts::from_iter([("event-published", published)]);
        for role in Role::ALL {
            for action in Action::ALL {
                let (event, actor, _) = world(&c.app, role, published).await;
                let token = c.token(&actor);
                let tok = token.as_deref();
                let path = format!("/v1/events/{}", event.id);
                let r = match action {
                    Action::List => {
                        let r = c.app.get("/v1/events?page[size]=0", tok).await;
                        c.record_list(
                            Key {
                                resource: "event",
                                action: Action::List,
                                scenario,
                                role,
                            },
                            t,
                            &f,
                            &r,
                            &event.id.to_string(),
                        );
                        continue;
                    }
                    Action::View => c.app.get(&path, tok).await,
                    Action::Create => c.app.post("/v1/events", tok, &event_body("New")).await,
                    Action::Update => {
                        let body = json!({"data": {"type": "event", "id": event.id.to_string(), "attributes": {"name": "Renamed"}}});
                        c.app.patch(&path, tok, &body).await
                    }
                    Action::Delete => c.app.delete(&path, tok).await,
                };
                let want = predicted(t, action, role, &f).status;
                c.record(
                    Key {
                        resource: "event",
                        action,
                        scenario,
                        role,
                    },
                    want,
                    &r,
                    "",
                );
            }
        }
    }
    c.finish("events_matrix");
}

#[tokio::test]
async fn users_matrix() {
    let mut c = Case::new().await;
    let t = &us::TABLE;
    for target_is_self in [true, false] {
        let scenario = if target_is_self { "self" } else { "other-user" };
        for role in Role::ALL {
            for action in Action::ALL {
                let (_, actor, _) = world(&c.app, role, true).await;
                let target = match (&actor, target_is_self) {
                    (Some(a), true) => a.clone(),
                    _ => UserFactory::new().create(c.app.db()).await.unwrap(),
                };
                let f = Facts::from_iter([("self", is_self(&actor, &target))]);
                let token = c.token(&actor);
                let tok = token.as_deref();
                let path = format!("/v1/users/{}", target.id);
                let r = match action {
                    Action::List => {
                        let r = c.app.get("/v1/users?page[size]=0", tok).await;
                        c.record_list(
                            Key {
                                resource: "user",
                                action: Action::List,
                                scenario,
                                role,
                            },
                            t,
                            &f,
                            &r,
                            &target.id.to_string(),
                        );
                        continue;
                    }
                    Action::View => c.app.get(&path, tok).await,
                    Action::Create => {
                        if target_is_self {
                            continue;
                        }
                        let email = format!("new-{}-{}@example.test", role.name(), target.id);
                        let body = json!({"data": {"type": "user", "attributes": {"email": email, "password": "password1"}}});
                        c.app.post("/v1/users", tok, &body).await
                    }
                    Action::Update => {
                        let body = json!({"data": {"type": "user", "id": target.id.to_string(), "attributes": {"first-name": "Renamed"}}});
                        c.app.patch(&path, tok, &body).await
                    }
                    Action::Delete => c.app.delete(&path, tok).await,
                };
                let want = predicted(t, action, role, &f).status;
                c.record(
                    Key {
                        resource: "user",
                        action,
                        scenario,
                        role,
                    },
                    want,
                    &r,
                    "",
                );
            }
        }
    }
    c.finish("users_matrix");
}

#[tokio::test]
async fn staff_fields_matrix() {
    let mut c = Case::new().await;
    let t = &us::TABLE;
    for role in [Role::SuperAdmin, Role::Admin, Role::Registered] {
        let (_, actor, _) = world(&c.app, role, true).await;
        let actor = actor.unwrap();
        let token = c.app.token_for(&actor);
        for field in us::SUPER_ADMIN_FIELDS {
            let target = UserFactory::new().create(c.app.db()).await.unwrap();
            let (id, scenario) = if role == Role::Registered {
                (actor.id, "self")
            } else {
                (target.id, "other-user")
            };
            let body = json!({"data": {"type": "user", "id": id.to_string(), "attributes": {*field: false}}});
            let r = c
                .app
                .patch(&format!("/v1/users/{id}"), Some(&token), &body)
                .await;
            let f = Facts::from_iter([("self", id == actor.id)]);
            let field_ok = oracle::field_allowed(
                &oracle::table_rows(t, Action::Update),
                Actor::from_name(role.name()).unwrap(),
                &f,
                field,
            )
            .unwrap();
            let want = if field_ok { 200 } else { 403 };
            if want == 403 && r.error_pointer() != format!("/data/attributes/{field}") {
                c.mismatches.push(format!(
                    "{field} as {}: pointer {}",
                    role.name(),
                    r.error_pointer()
                ));
            }
            c.record(
                Key {
                    resource: "user",
                    action: Action::Update,
                    scenario: &format!("{scenario}:{field}"),
                    role,
                },
                want,
                &r,
                "",
            );
        }
    }
    c.finish("staff_fields_matrix");
}

#[tokio::test]
async fn roles_matrix() {
    let mut c = Case::new().await;
    let t = &ro::TABLE;
    let f = Facts::default();
    for role in Role::ALL {
        for action in Action::ALL {
            let (event, actor, _) = world(&c.app, role, true).await;
            let token = c.token(&actor);
            let tok = token.as_deref();
            let name = format!("custom-{}-{}", role.name(), event.id);
            // A role of its own per case, so deletes do not disturb other cases.
            let target = open_event_server::db::entities::role::ActiveModel {
                name: sea_orm::Set(format!("target-{}-{}", role.name(), event.id)),
                title_name: sea_orm::Set(None),
                ..<open_event_server::db::entities::role::ActiveModel as Default>::default()
            };
            let target = sea_orm::ActiveModelTrait::insert(target, c.app.db())
                .await
                .unwrap();
            let path = format!("/v1/roles/{}", target.id);
            let r = match action {
                Action::List => {
                    let r = c.app.get("/v1/roles?page[size]=0", tok).await;
                    c.record_list(
                        Key {
                            resource: "role",
                            action: Action::List,
                            scenario: "-",
                            role,
                        },
                        t,
                        &f,
                        &r,
                        &target.id.to_string(),
                    );
                    continue;
                }
                Action::View => c.app.get(&path, tok).await,
                Action::Create => {
                    c.app
                        .post(
                            "/v1/roles",
                            tok,
                            &json!({"data": {"type": "role", "attributes": {"name": name}}}),
                        )
                        .await
                }
                Action::Update => {
                    let body = json!({"data": {"type": "role", "id": target.id.to_string(), "attributes": {"title-name": "T"}}});
                    c.app.patch(&path, tok, &body).await
                }
                Action::Delete => c.app.delete(&path, tok).await,
            };
            c.record(
                Key {
                    resource: "role",
                    action,
                    scenario: "-",
                    role,
                },
                predicted(t, action, role, &f).status,
                &r,
                "",
            );
        }
    }
    c.finish("roles_matrix");
}

#[tokio::test]
async fn grants_matrix() {
    let mut c = Case::new().await;
    let t = &gr::TABLE;
    for scenario in ["owner-grant", "coorganizer-grant", "own-grant"] {
        for role in Role::ALL {
            for action in [Action::List, Action::View, Action::Update, Action::Delete] {
                let (event, actor, owner) = world(&c.app, role, true).await;
                let db = c.app.db();
                let holder = match scenario {
                    "owner-grant" => owner.clone(),
                    "own-grant" => match &actor {
                        Some(a) if role != Role::Owner => {
                            // Give the actor a grant of their own (a registrar one).
                            open_event_server::db::roles::grant(db, a.id, event.id, "registrar")
                                .await
                                .ok();
                            a.clone()
                        }
                        Some(a) => a.clone(),
                        None => owner.clone(),
                    },
                    _ => UserFactory::new()
                        .coorganizer_of(&event)
                        .create(db)
                        .await
                        .unwrap(),
                };
                let grants = open_event_server::db::roles::names_on_event(db, holder.id, event.id)
                    .await
                    .unwrap();
                let wanted_role = match scenario {
                    "owner-grant" => "owner",
                    "coorganizer-grant" => "coorganizer",
                    _ => {
                        if role == Role::Owner {
                            "owner"
                        } else if grants.contains(&"registrar".to_owned()) {
                            "registrar"
                        } else {
                            "owner"
                        }
                    }
                };
                let role_id = open_event_server::db::roles::id_by_name(db, wanted_role)
                    .await
                    .unwrap();
                let owner_role = open_event_server::db::roles::id_by_name(db, "owner")
                    .await
                    .unwrap();
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                let grant = open_event_server::db::entities::users_events_role::Entity::find()
                    .filter(
                        open_event_server::db::entities::users_events_role::Column::UserId
                            .eq(holder.id),
                    )
                    .filter(
                        open_event_server::db::entities::users_events_role::Column::EventId
                            .eq(event.id),
                    )
                    .filter(
                        open_event_server::db::entities::users_events_role::Column::RoleId
                            .eq(role_id),
                    )
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap();
                let f = Facts::from_iter([
                    ("self", is_self(&actor, &holder)),
                    ("not-owner-grant", grant.role_id != owner_role),
                ]);
                let token = c.token(&actor);
                let tok = token.as_deref();
                let path = format!("/v1/users-events-roles/{}", grant.id);
                let r = match action {
                    Action::List => {
                        let r = c.app.get("/v1/users-events-roles?page[size]=0", tok).await;
                        c.record_list(
                            Key {
                                resource: "users-events-roles",
                                action: Action::List,
                                scenario,
                                role,
                            },
                            t,
                            &f,
                            &r,
                            &grant.id.to_string(),
                        );
                        continue;
                    }
                    Action::View => c.app.get(&path, tok).await,
                    Action::Update => {
                        let moderator = open_event_server::db::roles::id_by_name(db, "moderator")
                            .await
                            .unwrap();
                        let body = json!({"data": {"type": "users-events-roles", "id": grant.id.to_string(),
                            "relationships": {"role": {"data": {"type": "role", "id": moderator.to_string()}}}}});
                        c.app.patch(&path, tok, &body).await
                    }
                    _ => c.app.delete(&path, tok).await,
                };
                c.record(
                    Key {
                        resource: "users-events-roles",
                        action,
                        scenario,
                        role,
                    },
                    predicted(t, action, role, &f).status,
                    &r,
                    "",
                );
            }
        }
    }
    c.finish("grants_matrix");
}

#[tokio::test]
async fn role_invites_matrix() {
    let mut c = Case::new().await;
    let t = &inv::TABLE;
    for scenario in ["to-someone-else", "to-the-caller"] {
        for role in Role::ALL {
            for action in Action::ALL {
                let (event, actor, owner) = world(&c.app, role, true).await;
                let db = c.app.db();
                let to_caller = scenario == "to-the-caller" && actor.is_some();
                let email = match (&actor, to_caller) {
                    (Some(a), true) => a.email.clone(),
                    _ => format!("guest-{}-{}@example.test", role.name(), event.id),
                };
                let invite = invite(&c.app, &owner, &event, &email, "coorganizer").await;
                let stored = open_event_server::db::entities::role_invite::Entity::find_by_id(
                    invite["data"]["id"]
                        .as_str()
                        .unwrap()
                        .parse::<i64>()
                        .unwrap(),
                )
                .one(db)
                .await
                .unwrap()
                .unwrap();
                let f = Facts::from_iter([
                    (
                        "invitee",
                        actor
                            .as_ref()
                            .is_some_and(|a| a.email.to_lowercase() == stored.email),
                    ),
                    ("invite-pending", stored.status == "pending"),
                    ("below-owner", true),
                ]);
                let token = c.token(&actor);
                let tok = token.as_deref();
                let id = invite["data"]["id"].as_str().unwrap().to_owned();
                let hash = open_event_server::db::mail::to(db, &email)
                    .await
                    .unwrap()
                    .pop()
                    .unwrap()
                    .token
                    .unwrap();
                let path = format!("/v1/role-invites/{id}");
                let r = match action {
                    Action::List => {
                        let r = c.app.get("/v1/role-invites?page[size]=0", tok).await;
                        c.record_list(
                            Key {
                                resource: "role-invite",
                                action: Action::List,
                                scenario,
                                role,
                            },
                            t,
                            &f,
                            &r,
                            &id,
                        );
                        continue;
                    }
                    Action::View => {
                        let r = c.app.get(&path, tok).await;
                        if r.status == 200 {
                            let shows = r.body["data"]["attributes"].get("hash").is_some();
                            let should = role.includes(Role::Coorganizer);
                            if shows != should {
                                c.mismatches.push(format!(
                                    "role-invite hash shown={shows} to {} [{scenario}]",
                                    role.name()
                                ));
                            }
                        }
                        r
                    }
                    Action::Create => {
                        for asks_owner in [false, true] {
                            let role_name = if asks_owner { "owner" } else { "coorganizer" };
                            let r = create_invite(
                                &c.app,
                                tok,
                                &event,
                                &format!("new-{asks_owner}-{email}"),
                                role_name,
                            )
                            .await;
                            let mut f = f.clone();
                            f.set("below-owner", !asks_owner);
                            let label = format!("{scenario}:{role_name}");
                            c.record(
                                Key {
                                    resource: "role-invite",
                                    action,
                                    scenario: &label,
                                    role,
                                },
                                predicted(t, action, role, &f).status,
                                &r,
                                "",
                            );
                        }
                        continue;
                    }
                    Action::Update => {
                        let body = json!({"data": {"token": hash}});
                        c.app
                            .post_json("/v1/role-invites/accept-invite", tok, &body)
                            .await
                    }
                    Action::Delete => c.app.delete(&path, tok).await,
                };
                c.record(
                    Key {
                        resource: "role-invite",
                        action,
                        scenario,
                        role,
                    },
                    predicted(t, action, role, &f).status,
                    &r,
                    "",
                );
            }
        }
    }
    c.finish("role_invites_matrix");
}

async fn create_invite(
    app: &TestApp,
    tok: Option<&str>,
    event: &event::Model,
    email: &str,
    role_name: &str,
) -> TestResponse {
    let body = crate::support::invite_doc(app, event.id, email, role_name).await;
    app.send(Method::POST, "/v1/role-invites", tok, Some(&body))
        .await
}

async fn invite(
    app: &TestApp,
    owner: &user::Model,
    event: &event::Model,
    email: &str,
    role_name: &str,
) -> Value {
    let r = create_invite(app, Some(&app.token_for(owner)), event, email, role_name).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}
