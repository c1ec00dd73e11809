//! The statement budget (design §12): a detail read is at most 2 statements
//! (3 with a token), a list page at most 3 plus 1 per `include` path, and
//! neither grows with page size, data size or the number of rules. Counted
//! through the database's metric callback on the real app.

use open_event_contract_tests::{PublishedEvents, StatementCounter, TestApp};

/// Statements one request runs.
async fn count(
    app: &TestApp,
    counter: &StatementCounter,
    path: &str,
    token: Option<&str>,
) -> usize {
    counter.reset();
    let r = app.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    counter.statements().len()
}

/// Asserts `path` stays within `budget`, printing the statements otherwise.
async fn within(
    app: &TestApp,
    counter: &StatementCounter,
    path: &str,
    token: Option<&str>,
    budget: usize,
) -> usize {
    let n = count(app, counter, path, token).await;
    assert!(
        n <= budget,
        "{path} ran {n} statements (budget {budget}):\n{}",
        counter.statements().join("\n")
    );
    n
}

async fn seed(app: &TestApp, events: usize, sponsors_each: usize) -> PublishedEvents {
    app.published_events(events, sponsors_each).await.unwrap()
}

#[tokio::test]
async fn reads_stay_within_the_statement_budget() {
    let (app, counter) = TestApp::spawn_counting().await.unwrap();
    let w = seed(&app, 25, 3).await;
    let token = app.token_for(&w.owner);
    let e = &w.events[0];

    let detail = format!("/v1/events/{}", e.id);
    assert_eq!(within(&app, &counter, &detail, None, 2).await, 1);
    assert_eq!(within(&app, &counter, &detail, Some(&token), 3).await, 2);
    let by_identifier = format!("/v1/events/{}", e.identifier);
    within(&app, &counter, &by_identifier, None, 2).await;

    let list = "/v1/events?page[size]=20";
    assert_eq!(within(&app, &counter, list, None, 3).await, 1);
    within(&app, &counter, list, Some(&token), 4).await;

    let include = "/v1/events?page[size]=20&include=users-events-roles.role";
    // Two include paths (users-events-roles, users-events-roles.role), a token.
    assert_eq!(
        within(&app, &counter, include, Some(&token), 3 + 2 + 1).await,
        4
    );

    let sponsors = format!("/v1/events/{}/sponsors", e.id);
    within(&app, &counter, &sponsors, None, 3).await;
    let filtered = format!("/v1/sponsors?filter[event]={}", e.id);
    within(&app, &counter, &filtered, None, 3).await;
    let linkage = format!("/v1/events/{}/relationships/sponsors", e.id);
    within(&app, &counter, &linkage, None, 2).await;
}

#[tokio::test]
async fn the_count_does_not_grow_with_page_size_data_or_rules() {
    let (app, counter) = TestApp::spawn_counting().await.unwrap();
    let w = seed(&app, 5, 1).await;
    let token = app.token_for(&w.owner);
    let small = count(&app, &counter, "/v1/events?page[size]=2", Some(&token)).await;
    let page = count(&app, &counter, "/v1/events?page[size]=50", Some(&token)).await;
    let all = count(&app, &counter, "/v1/events?page[size]=0", Some(&token)).await;
    seed(&app, 30, 4).await;
    let more = count(&app, &counter, "/v1/events?page[size]=50", Some(&token)).await;
    let included = count(
        &app,
        &counter,
        "/v1/events?page[size]=50&include=sponsors",
        Some(&token),
    )
    .await;
    assert_eq!((small, page, all, more), (small, small, small, small));
    assert_eq!(included, small + 1, "one statement per include path");

    // Events have four view rules, sponsors four, roles one: the same
    // single statement answers each detail read.
    let e = &w.events[0];
    let sponsor = count(
        &app,
        &counter,
        &format!("/v1/events/{}/sponsors", e.id),
        None,
    )
    .await;
    let event = count(&app, &counter, &format!("/v1/events/{}", e.id), None).await;
    let role = count(&app, &counter, "/v1/roles/1", Some(&token)).await;
    assert_eq!(event, 1);
    assert_eq!(role, 2, "the token's user, then the role");
    assert!(sponsor <= 2, "parent, then the page: {sponsor}");
}
