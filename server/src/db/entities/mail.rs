//! `mail_outbox`: every mail the server sends, readable by tests and tools.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A sent mail.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub recipient: String,
    /// `verify-email`, `reset-password`, `password-changed`, …
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// The one-time token the mail carries, if any.
    pub token: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
