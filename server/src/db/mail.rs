//! The mail outbox: mails are recorded (and logged) instead of sent over SMTP.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::mail;

/// Records a mail.
pub async fn send(
    db: &impl ConnectionTrait,
    recipient: &str,
    kind: &str,
    subject: &str,
    body: String,
    token: Option<String>,
) -> Result<mail::Model, DbErr> {
    tracing::info!(recipient, kind, subject, "mail queued in outbox");
    mail::ActiveModel {
        recipient: Set(recipient.to_owned()),
        kind: Set(kind.to_owned()),
        subject: Set(subject.to_owned()),
        body: Set(body),
        token: Set(token),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Mails sent to `recipient`, oldest first.
pub async fn to(db: &impl ConnectionTrait, recipient: &str) -> Result<Vec<mail::Model>, DbErr> {
    mail::Entity::find()
        .filter(mail::Column::Recipient.eq(recipient.to_lowercase()))
        .order_by_asc(mail::Column::Id)
        .all(db)
        .await
}
