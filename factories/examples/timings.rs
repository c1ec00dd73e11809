//! Prints how long the factories take for the figures in the crate docs:
//! `cargo run -p open-event-factories --example timings [--release]`.

use std::time::Instant;

use open_event_factories::{prelude::*, seed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = open_event_server::db::connect("sqlite::memory:").await?;

    let t = Instant::now();
    let built = UserFactory::new().build_batch(1000)?;
    println!("build 1000 users:                 {:>8.1} ms", ms(t));
    assert_eq!(built.len(), 1000);

    let t = Instant::now();
    let users = UserFactory::new().create_batch(&db, 1000).await?;
    println!("create 1000 users (db layer):     {:>8.1} ms", ms(t));
    assert_eq!(users.len(), 1000);

    let t = Instant::now();
    let events = EventFactory::new().create_batch(&db, 100).await?;
    println!("create 100 events + owners:       {:>8.1} ms", ms(t));
    assert_eq!(events.len(), 100);

    let t = Instant::now();
    UserFactory::new()
        .with_password("a fresh password")
        .create(&db)
        .await?;
    println!("first user with a custom password:{:>8.1} ms", ms(t));

    let db = open_event_server::db::connect("sqlite::memory:").await?;
    let t = Instant::now();
    let world = seed::large(&db, 1, 1000).await?;
    println!(
        "seed::large n=1000 ({} users, {} events, {} grants): {:.1} ms",
        world.user_ids.len(),
        world.event_ids.len(),
        world.grants,
        ms(t)
    );

    let db = open_event_server::db::connect("sqlite::memory:").await?;
    let t = Instant::now();
    seed::demo(&db, 1).await?;
    println!("seed::demo:                       {:>8.1} ms", ms(t));
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
