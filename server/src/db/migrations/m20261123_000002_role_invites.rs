//! Role invites.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_role_invites"
    }
}

#[derive(DeriveIden)]
enum RoleInvites {
    Table,
    Id,
    Email,
    EventId,
    RoleId,
    RoleName,
    Hash,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RoleInvites::Table)
                .col(big_pk_auto(RoleInvites::Id))
                .col(string(RoleInvites::Email))
                .col(big_integer(RoleInvites::EventId))
                .col(big_integer(RoleInvites::RoleId))
                .col(string(RoleInvites::RoleName))
                .col(string_uniq(RoleInvites::Hash))
                .col(string(RoleInvites::Status))
                .col(timestamp_with_time_zone(RoleInvites::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RoleInvites::Table, RoleInvites::EventId)
                        .to(Alias::new("events"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RoleInvites::Table, RoleInvites::RoleId)
                        .to(Alias::new("roles"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_role_invites_event")
                .table(RoleInvites::Table)
                .col(RoleInvites::EventId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RoleInvites::Table).to_owned())
            .await
    }
}
