//! `email_notifications`: a user's mail preferences for one event. Rows go
//! with their event and with their user.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000002_email_notifications"
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EmailNotifications {
    Table,
    Id,
    EventId,
    UserId,
    NextEvent,
    NewPaper,
    SessionAcceptReject,
    SessionSchedule,
    AfterTicketPurchase,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use EmailNotifications as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .col(big_pk_auto(N::Id))
                .col(big_integer(N::EventId))
                .col(big_integer(N::UserId))
                .col(boolean(N::NextEvent).default(false))
                .col(boolean(N::NewPaper).default(false))
                .col(boolean(N::SessionAcceptReject).default(false))
                .col(boolean(N::SessionSchedule).default(false))
                .col(boolean(N::AfterTicketPurchase).default(false))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(N::Table, N::EventId)
                        .to(Events::Table, Events::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(N::Table, N::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, column) in [
            ("idx_email_notifications_event", N::EventId),
            ("idx_email_notifications_user", N::UserId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(N::Table)
                    .col(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EmailNotifications::Table).to_owned())
            .await
    }
}
