//! Users, events, roles, users-events-roles, the mail outbox and used one-time tokens.

use sea_orm_migration::{prelude::*, schema::*};

use crate::db::entities::role::EVENT_ROLES;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_init"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    FirstName,
    LastName,
    PublicName,
    AvatarUrl,
    FacebookUrl,
    TwitterUrl,
    InstagramUrl,
    GooglePlusUrl,
    Details,
    Contact,
    IsProfilePublic,
    IsSuperAdmin,
    IsAdmin,
    IsVerified,
    IsBlocked,
    TokenVersion,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Identifier,
    Name,
    Description,
    StartsAt,
    EndsAt,
    Timezone,
    LocationName,
    SearchableLocationName,
    Latitude,
    Longitude,
    ExternalEventUrl,
    LogoUrl,
    OriginalImageUrl,
    Online,
    Privacy,
    State,
    IsMapShown,
    IsSessionsSpeakersEnabled,
    IsSponsorsEnabled,
    IsTicketFormEnabled,
    IsCfsEnabled,
    IsFeatured,
    CodeOfConduct,
    TicketUrl,
    OwnerName,
    OwnerDescription,
    CreatorId,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
    Name,
    TitleName,
}

#[derive(DeriveIden)]
enum UsersEventsRoles {
    Table,
    Id,
    UserId,
    EventId,
    RoleId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Recipient,
    Kind,
    Subject,
    Body,
    Token,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UsedTokens {
    Table,
    Id,
    Jti,
    Purpose,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string_uniq(Users::Email))
                .col(string(Users::PasswordHash))
                .col(string_null(Users::FirstName))
                .col(string_null(Users::LastName))
                .col(string_null(Users::PublicName))
                .col(string_null(Users::AvatarUrl))
                .col(string_null(Users::FacebookUrl))
                .col(string_null(Users::TwitterUrl))
                .col(string_null(Users::InstagramUrl))
                .col(string_null(Users::GooglePlusUrl))
                .col(text_null(Users::Details))
                .col(string_null(Users::Contact))
                .col(boolean(Users::IsProfilePublic).default(false))
                .col(boolean(Users::IsSuperAdmin).default(false))
                .col(boolean(Users::IsAdmin).default(false))
                .col(boolean(Users::IsVerified).default(false))
                .col(boolean(Users::IsBlocked).default(false))
                .col(integer(Users::TokenVersion).default(0))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone_null(Users::DeletedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(big_pk_auto(Events::Id))
                .col(string_len_uniq(Events::Identifier, 16))
                .col(string(Events::Name))
                .col(text_null(Events::Description))
                .col(timestamp_with_time_zone(Events::StartsAt))
                .col(timestamp_with_time_zone(Events::EndsAt))
                .col(string(Events::Timezone))
                .col(string_null(Events::LocationName))
                .col(string_null(Events::SearchableLocationName))
                .col(double_null(Events::Latitude))
                .col(double_null(Events::Longitude))
                .col(string_null(Events::ExternalEventUrl))
                .col(string_null(Events::LogoUrl))
                .col(string_null(Events::OriginalImageUrl))
                .col(boolean(Events::Online).default(false))
                .col(string(Events::Privacy))
                .col(string(Events::State))
                .col(boolean(Events::IsMapShown).default(false))
                .col(boolean(Events::IsSessionsSpeakersEnabled).default(false))
                .col(boolean(Events::IsSponsorsEnabled).default(false))
                .col(boolean(Events::IsTicketFormEnabled).default(false))
                .col(boolean(Events::IsCfsEnabled).default(false))
                .col(boolean(Events::IsFeatured).default(false))
                .col(text_null(Events::CodeOfConduct))
                .col(string_null(Events::TicketUrl))
                .col(string_null(Events::OwnerName))
                .col(text_null(Events::OwnerDescription))
                .col(big_integer_null(Events::CreatorId))
                .col(timestamp_with_time_zone(Events::CreatedAt))
                .col(timestamp_with_time_zone_null(Events::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Events::Table, Events::CreatorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_events_state")
                .table(Events::Table)
                .col(Events::State)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Roles::Table)
                .col(big_pk_auto(Roles::Id))
                .col(string_uniq(Roles::Name))
                .col(string_null(Roles::TitleName))
                .to_owned(),
        )
        .await?;
        let mut seed = Query::insert()
            .into_table(Roles::Table)
            .columns([Roles::Name, Roles::TitleName])
            .to_owned();
        for (name, title) in EVENT_ROLES {
            seed.values_panic([(*name).into(), (*title).into()]);
        }
        m.exec_stmt(seed).await?;

        m.create_table(
            Table::create()
                .table(UsersEventsRoles::Table)
                .col(big_pk_auto(UsersEventsRoles::Id))
                .col(big_integer(UsersEventsRoles::UserId))
                .col(big_integer(UsersEventsRoles::EventId))
                .col(big_integer(UsersEventsRoles::RoleId))
                .col(timestamp_with_time_zone(UsersEventsRoles::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(UsersEventsRoles::Table, UsersEventsRoles::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(UsersEventsRoles::Table, UsersEventsRoles::EventId)
                        .to(Events::Table, Events::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(UsersEventsRoles::Table, UsersEventsRoles::RoleId)
                        .to(Roles::Table, Roles::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_users_events_roles")
                .table(UsersEventsRoles::Table)
                .col(UsersEventsRoles::UserId)
                .col(UsersEventsRoles::EventId)
                .col(UsersEventsRoles::RoleId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_users_events_roles_event")
                .table(UsersEventsRoles::Table)
                .col(UsersEventsRoles::EventId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MailOutbox::Table)
                .col(big_pk_auto(MailOutbox::Id))
                .col(string(MailOutbox::Recipient))
                .col(string(MailOutbox::Kind))
                .col(string(MailOutbox::Subject))
                .col(text(MailOutbox::Body))
                .col(text_null(MailOutbox::Token))
                .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UsedTokens::Table)
                .col(big_pk_auto(UsedTokens::Id))
                .col(string_uniq(UsedTokens::Jti))
                .col(string(UsedTokens::Purpose))
                .col(timestamp_with_time_zone(UsedTokens::UsedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(UsedTokens::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MailOutbox::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(UsersEventsRoles::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Roles::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Events::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        Ok(())
    }
}
