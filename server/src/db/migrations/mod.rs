//! Schema migrations, run at start (idempotent, tracked in `seaql_migrations`).

use sea_orm_migration::prelude::*;

mod m20261123_000001_init;
mod m20261123_000002_role_invites;
mod m20261130_000001_event_program;
mod m20261130_000002_email_notifications;
mod m20261201_000001_oauth_accounts;
mod m20261202_000001_live_events_index;

/// The server's migrator.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_init::Migration),
            Box::new(m20261123_000002_role_invites::Migration),
            Box::new(m20261130_000001_event_program::Migration),
            Box::new(m20261130_000002_email_notifications::Migration),
            Box::new(m20261201_000001_oauth_accounts::Migration),
            Box::new(m20261202_000001_live_events_index::Migration),
        ]
    }
}
