//! The event program (sponsors, tracks, microlocations, session types,
//! social links, FAQs) through the public API, as a client uses it: the
//! behaviour the declarations promise beyond the generic contract (the
//! runner covers every operation, status and permission row).

use open_event_contract_tests::TestApp;
use open_event_factories::prelude::*;
use serde_json::{Value, json};

fn doc(ty: &str, attributes: Value, event_id: i64) -> Value {
    json!({"data": {"type": ty, "attributes": attributes,
        "relationships": {"event": {"data": {"type": "event", "id": event_id.to_string()}}}}})
}

#[tokio::test]
async fn organizers_manage_the_program_and_the_public_sees_it_while_published() {
    let app = TestApp::spawn().await.unwrap();
    let g = EventFactory::new()
        .published()
        .with_coorganizers(1)
        .with_moderators(1)
        .create_graph(app.db())
        .await
        .unwrap();
    let co = app.token_for(g.with_role(Role::Coorganizer).next().unwrap());
    let moderator = app.token_for(g.with_role(Role::Moderator).next().unwrap());
    let stranger = app.token_for(&UserFactory::new().create(app.db()).await.unwrap());
    let id = g.event.id;

    let body = doc(
        "sponsor",
        json!({"name": "ACME", "level": 1, "type": "Gold"}),
        id,
    );
    assert_eq!(app.post("/v1/sponsors", None, &body).await.status, 401);
    assert_eq!(
        app.post("/v1/sponsors", Some(&stranger), &body)
            .await
            .status,
        403
    );
    assert_eq!(
        app.post("/v1/sponsors", Some(&moderator), &body)
            .await
            .status,
        403
    );
    let created = app.post("/v1/sponsors", Some(&co), &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let sponsor = created.body["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/v1/sponsors/{sponsor}").as_str())
    );
    assert_eq!(created.body["data"]["attributes"]["type"], "Gold");

    // Listed under the event, at the top level with the event filter, and
    // included from the event.
    let nested = app.get(&format!("/v1/events/{id}/sponsors"), None).await;
    assert_eq!(nested.ids(), vec![sponsor.clone()]);
    let other = SponsorFactory::new().create(app.db()).await.unwrap();
    let top = app
        .get(&format!("/v1/sponsors?filter[event]={id}"), None)
        .await;
    assert_eq!(top.ids(), vec![sponsor.clone()]);
    let all = app.get("/v1/sponsors", None).await;
    assert_eq!(all.ids(), vec![sponsor.clone(), other.id.to_string()]);
    let json_filter = app
        .get(
            &format!(r#"/v1/sponsors?filter=[{{"name":"event","op":"eq","val":"{id}"}}]"#),
            None,
        )
        .await;
    assert_eq!(json_filter.ids(), vec![sponsor.clone()]);
    let with = app
        .get(&format!("/v1/events/{id}?include=sponsors"), None)
        .await;
    assert_eq!(with.body["included"][0]["id"], sponsor.as_str());

    // A draft's program is hidden from the public (404), not from its team.
    let update = json!({"data": {"type": "event", "id": id.to_string(),
        "attributes": {"state": "draft"}}});
    assert_eq!(
        app.patch(&format!("/v1/events/{id}"), Some(&co), &update)
            .await
            .status,
        200
    );
    let path = format!("/v1/sponsors/{sponsor}");
    assert_eq!(app.get(&path, None).await.status, 404);
    assert_eq!(app.get(&path, Some(&stranger)).await.status, 404);
    assert_eq!(app.get(&path, Some(&moderator)).await.status, 200);
    assert!(
        app.get(&format!("/v1/sponsors?filter[event]={id}"), None)
            .await
            .ids()
            .is_empty()
    );
    assert_eq!(
        app.get(&format!("/v1/events/{id}/sponsors"), None)
            .await
            .status,
        404,
        "the draft event itself is hidden"
    );

    // Soft delete: gone from reads, kept in the table.
    assert_eq!(app.delete(&path, Some(&moderator)).await.status, 403);
    assert_eq!(app.delete(&path, Some(&co)).await.status, 200);
    assert_eq!(app.get(&path, Some(&co)).await.status, 404);
}

#[tokio::test]
async fn track_organizers_update_tracks_and_font_colour_follows_the_colour() {
    let app = TestApp::spawn().await.unwrap();
    let g = EventFactory::new()
        .published()
        .with_track_organizers(1)
        .create_graph(app.db())
        .await
        .unwrap();
    let owner = app.token_for(&g.owner);
    let track_organizer = app.token_for(g.with_role(Role::TrackOrganizer).next().unwrap());
    let id = g.event.id;

    let bad = app
        .post(
            "/v1/tracks",
            Some(&owner),
            &doc("track", json!({"name": "Web", "color": "red"}), id),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_pointer(), "/data/attributes/color");
    let read_only = app
        .post(
            "/v1/tracks",
            Some(&owner),
            &doc(
                "track",
                json!({"name": "Web", "color": "#ffff00", "font-color": "#123456"}),
                id,
            ),
        )
        .await;
    assert_eq!(read_only.status, 422);
    assert_eq!(read_only.error_pointer(), "/data/attributes/font-color");

    let created = app
        .post(
            "/v1/tracks",
            Some(&owner),
            &doc("track", json!({"name": "Web", "color": "#ffff00"}), id),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["data"]["attributes"]["font-color"], "#000000");
    let track = created.body["data"]["id"].as_str().unwrap().to_owned();

    // Track organizers may update tracks, not create or delete them.
    let darker =
        json!({"data": {"type": "track", "id": track, "attributes": {"color": "#1a237e"}}});
    let updated = app
        .patch(
            &format!("/v1/tracks/{track}"),
            Some(&track_organizer),
            &darker,
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["data"]["attributes"]["font-color"], "#ffffff");
    assert_eq!(
        app.delete(&format!("/v1/tracks/{track}"), Some(&track_organizer))
            .await
            .status,
        403
    );
    let moved = json!({"data": {"type": "track", "id": track,
        "relationships": {"event": {"data": {"type": "event", "id": "1"}}}}});
    let r = app
        .patch(&format!("/v1/tracks/{track}"), Some(&owner), &moved)
        .await;
    assert_eq!(r.status, 422, "a track does not move to another event");
    assert_eq!(r.error_pointer(), "/data/relationships/event");
}

#[tokio::test]
async fn each_resource_validates_what_open_event_validated() {
    let app = TestApp::spawn().await.unwrap();
    let e = EventFactory::new()
        .published()
        .create_graph(app.db())
        .await
        .unwrap();
    let owner = app.token_for(&e.owner);
    let id = e.event.id;
    let cases = [
        (
            "session-types",
            "session-type",
            json!({"name": "Talk", "length": "1:30"}),
            "length",
        ),
        (
            "session-types",
            "session-type",
            json!({"name": "Talk", "length": "24:00"}),
            "length",
        ),
        (
            "social-links",
            "social-link",
            json!({"name": "Site", "link": "not a url"}),
            "link",
        ),
        (
            "microlocations",
            "microlocation",
            json!({"name": "Hall", "latitude": 91.0}),
            "latitude",
        ),
        ("faqs", "faq", json!({"question": "Parking?"}), "answer"),
        ("sponsors", "sponsor", json!({"name": ""}), "name"),
    ];
    for (plural, ty, attrs, field) in cases {
        let r = app
            .post(
                &format!("/v1/{plural}"),
                Some(&owner),
                &doc(ty, attrs.clone(), id),
            )
            .await;
        assert_eq!(r.status, 422, "{plural} {attrs}: {}", r.body);
        assert_eq!(
            r.error_pointer(),
            format!("/data/attributes/{field}"),
            "{plural}"
        );
    }
    let ok = [
        (
            "session-types",
            "session-type",
            json!({"name": "Talk", "length": "00:45"}),
        ),
        (
            "social-links",
            "social-link",
            json!({"name": "GitHub", "link": "https://github.com/oe"}),
        ),
        (
            "microlocations",
            "microlocation",
            json!({"name": "Hall", "floor": 2}),
        ),
        (
            "faqs",
            "faq",
            json!({"question": "Parking?", "answer": "Yes."}),
        ),
    ];
    for (plural, ty, attrs) in ok {
        let r = app
            .post(&format!("/v1/{plural}"), Some(&owner), &doc(ty, attrs, id))
            .await;
        assert_eq!(r.status, 201, "{plural}: {}", r.body);
    }
    let r = app
        .post(
            "/v1/faqs",
            Some(&owner),
            &json!({"data": {"type": "faq", "attributes": {"question": "Q", "answer": "A"}}}),
        )
        .await;
    assert_eq!(r.status, 422, "the event is required");
    assert_eq!(r.error_pointer(), "/data/relationships/event");
    let hidden = EventFactory::new().draft().create(app.db()).await.unwrap();
    let r = app
        .post(
            "/v1/faqs",
            Some(&owner),
            &doc("faq", json!({"question": "Q", "answer": "A"}), hidden.id),
        )
        .await;
    assert_eq!(r.status, 404, "someone else's draft is hidden");
    assert_eq!(r.error_pointer(), "/data/relationships/event");
    // Social links: hard delete; anonymous writes refused (Open Event allowed them).
    let link = app
        .get(&format!("/v1/events/{id}/social-links"), None)
        .await
        .ids()[0]
        .clone();
    assert_eq!(
        app.delete(&format!("/v1/social-links/{link}"), None)
            .await
            .status,
        401
    );
    assert_eq!(
        app.delete(&format!("/v1/social-links/{link}"), Some(&owner))
            .await
            .status,
        200
    );
}
