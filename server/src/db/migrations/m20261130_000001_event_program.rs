//! An event's programme furniture: sponsors, tracks, microlocations,
//! session types, social links and FAQs. Each row belongs to one event
//! (`event_id`, deleted with it) and is indexed by it.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000001_event_program"
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sponsors {
    Table,
    Id,
    EventId,
    Name,
    Description,
    Url,
    Level,
    LogoUrl,
    SponsorType,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Tracks {
    Table,
    Id,
    EventId,
    Name,
    Description,
    Color,
    FontColor,
    Position,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Microlocations {
    Table,
    Id,
    EventId,
    Name,
    Latitude,
    Longitude,
    Floor,
    HiddenInScheduler,
    Room,
    Position,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum SessionTypes {
    Table,
    Id,
    EventId,
    Name,
    Length,
    Position,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum SocialLinks {
    Table,
    Id,
    EventId,
    Name,
    Link,
    Identifier,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Faqs {
    Table,
    Id,
    EventId,
    Question,
    Answer,
    CreatedAt,
}

/// `event_id` → `events.id`, deleted with the event.
fn event_fk(table: impl IntoTableRef, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Events::Table, Events::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// The index on `event_id` of `table`.
fn event_index(
    name: &str,
    table: impl IntoTableRef,
    column: impl IntoIden,
) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(table)
        .col(column)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sponsors::Table)
                .col(big_pk_auto(Sponsors::Id))
                .col(big_integer(Sponsors::EventId))
                .col(string(Sponsors::Name))
                .col(text_null(Sponsors::Description))
                .col(string_null(Sponsors::Url))
                .col(integer_null(Sponsors::Level))
                .col(string_null(Sponsors::LogoUrl))
                .col(string_null(Sponsors::SponsorType))
                .col(timestamp_with_time_zone(Sponsors::CreatedAt))
                .col(timestamp_with_time_zone_null(Sponsors::DeletedAt))
                .foreign_key(&mut event_fk(Sponsors::Table, Sponsors::EventId))
                .to_owned(),
        )
        .await?;
        m.create_index(event_index(
            "idx_sponsors_event",
            Sponsors::Table,
            Sponsors::EventId,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Tracks::Table)
                .col(big_pk_auto(Tracks::Id))
                .col(big_integer(Tracks::EventId))
                .col(string(Tracks::Name))
                .col(text_null(Tracks::Description))
                .col(string(Tracks::Color))
                .col(string(Tracks::FontColor))
                .col(integer_null(Tracks::Position))
                .col(timestamp_with_time_zone(Tracks::CreatedAt))
                .col(timestamp_with_time_zone_null(Tracks::DeletedAt))
                .foreign_key(&mut event_fk(Tracks::Table, Tracks::EventId))
                .to_owned(),
        )
        .await?;
        m.create_index(event_index(
            "idx_tracks_event",
            Tracks::Table,
            Tracks::EventId,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Microlocations::Table)
                .col(big_pk_auto(Microlocations::Id))
                .col(big_integer(Microlocations::EventId))
                .col(string(Microlocations::Name))
                .col(double_null(Microlocations::Latitude))
                .col(double_null(Microlocations::Longitude))
                .col(integer_null(Microlocations::Floor))
                .col(boolean(Microlocations::HiddenInScheduler).default(false))
                .col(string_null(Microlocations::Room))
                .col(integer_null(Microlocations::Position))
                .col(timestamp_with_time_zone(Microlocations::CreatedAt))
                .col(timestamp_with_time_zone_null(Microlocations::DeletedAt))
                .foreign_key(&mut event_fk(
                    Microlocations::Table,
                    Microlocations::EventId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(event_index(
            "idx_microlocations_event",
            Microlocations::Table,
            Microlocations::EventId,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SessionTypes::Table)
                .col(big_pk_auto(SessionTypes::Id))
                .col(big_integer(SessionTypes::EventId))
                .col(string(SessionTypes::Name))
                .col(string(SessionTypes::Length))
                .col(integer_null(SessionTypes::Position))
                .col(timestamp_with_time_zone(SessionTypes::CreatedAt))
                .col(timestamp_with_time_zone_null(SessionTypes::DeletedAt))
                .foreign_key(&mut event_fk(SessionTypes::Table, SessionTypes::EventId))
                .to_owned(),
        )
        .await?;
        m.create_index(event_index(
            "idx_session_types_event",
            SessionTypes::Table,
            SessionTypes::EventId,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SocialLinks::Table)
                .col(big_pk_auto(SocialLinks::Id))
                .col(big_integer(SocialLinks::EventId))
                .col(string(SocialLinks::Name))
                .col(string(SocialLinks::Link))
                .col(string_null(SocialLinks::Identifier))
                .col(timestamp_with_time_zone(SocialLinks::CreatedAt))
                .foreign_key(&mut event_fk(SocialLinks::Table, SocialLinks::EventId))
                .to_owned(),
        )
        .await?;
        m.create_index(event_index(
            "idx_social_links_event",
            SocialLinks::Table,
            SocialLinks::EventId,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Faqs::Table)
                .col(big_pk_auto(Faqs::Id))
                .col(big_integer(Faqs::EventId))
                .col(text(Faqs::Question))
                .col(text(Faqs::Answer))
                .col(timestamp_with_time_zone(Faqs::CreatedAt))
                .foreign_key(&mut event_fk(Faqs::Table, Faqs::EventId))
                .to_owned(),
        )
        .await?;
        m.create_index(event_index("idx_faqs_event", Faqs::Table, Faqs::EventId))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Faqs::Table.into_iden(),
            SocialLinks::Table.into_iden(),
            SessionTypes::Table.into_iden(),
            Microlocations::Table.into_iden(),
            Tracks::Table.into_iden(),
            Sponsors::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
