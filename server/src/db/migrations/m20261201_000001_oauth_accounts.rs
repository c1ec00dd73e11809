//! Provider accounts (Google, Facebook) linked to users: the provider's user
//! id only, never its tokens.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_oauth_accounts"
    }
}

#[derive(DeriveIden)]
enum OauthAccounts {
    Table,
    Id,
    UserId,
    Provider,
    ProviderUserId,
    Email,
    Name,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OauthAccounts::Table)
                .col(big_pk_auto(OauthAccounts::Id))
                .col(big_integer(OauthAccounts::UserId))
                .col(string_len(OauthAccounts::Provider, 32))
                .col(string(OauthAccounts::ProviderUserId))
                .col(string_null(OauthAccounts::Email))
                .col(string_null(OauthAccounts::Name))
                .col(timestamp_with_time_zone(OauthAccounts::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OauthAccounts::Table, OauthAccounts::UserId)
                        .to(Alias::new("users"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One user per provider account, one account per provider and user.
        m.create_index(
            Index::create()
                .name("uq_oauth_accounts_provider_user")
                .table(OauthAccounts::Table)
                .col(OauthAccounts::Provider)
                .col(OauthAccounts::ProviderUserId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_oauth_accounts_user_provider")
                .table(OauthAccounts::Table)
                .col(OauthAccounts::UserId)
                .col(OauthAccounts::Provider)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OauthAccounts::Table).to_owned())
            .await
    }
}
