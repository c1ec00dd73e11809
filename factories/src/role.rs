//! Event roles by name: a typed handle on the rows the migration seeds.

use std::{fmt, str::FromStr};

use open_event_server::db::{self, entities::role};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::{FactoryError, Result};

/// An event role ([`role::EVENT_ROLES`]), highest first.
///
/// ```
/// use open_event_factories::Role;
///
/// assert_eq!(Role::TrackOrganizer.name(), "track-organizer");
/// assert_eq!("moderator".parse::<Role>().unwrap(), Role::Moderator);
/// assert_eq!(Role::ALL.len(), 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `owner`: created the event.
    Owner,
    /// `organizer`.
    Organizer,
    /// `coorganizer`.
    Coorganizer,
    /// `track-organizer`.
    TrackOrganizer,
    /// `moderator`.
    Moderator,
    /// `registrar`.
    Registrar,
}

impl Role {
    /// Every role, in the order of [`role::EVENT_ROLES`].
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Organizer,
        Role::Coorganizer,
        Role::TrackOrganizer,
        Role::Moderator,
        Role::Registrar,
    ];

    /// The role's name in the `roles` table.
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Organizer => "organizer",
            Role::Coorganizer => "coorganizer",
            Role::TrackOrganizer => "track-organizer",
            Role::Moderator => "moderator",
            Role::Registrar => "registrar",
        }
    }

    /// The role by name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The id the migration gives the role in a fresh database (its
    /// position in [`role::EVENT_ROLES`], from 1): what
    /// [`build`](crate::Factory::build) puts in `role_id`, with no database
    /// to ask. Persisting always looks the id up by name.
    pub fn seeded_id(self) -> i64 {
        let pos = role::EVENT_ROLES
            .iter()
            .position(|(n, _)| *n == self.name())
            .unwrap_or(0);
        pos as i64 + 1
    }

    /// The role's id in `db`.
    pub async fn id(self, db: &impl ConnectionTrait) -> Result<i64> {
        Ok(db::roles::id_by_name(db, self.name()).await?)
    }

    /// The role's row in `db`.
    pub async fn find(self, db: &impl ConnectionTrait) -> Result<role::Model> {
        find_by_name(db, self.name()).await
    }
}

/// The `roles` row named `name`; [`FactoryError::Invalid`] when there is none.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let row = open_event_factories::role::find_by_name(&db, "registrar").await?;
/// assert_eq!(row.title_name.as_deref(), Some("Registrar"));
/// assert!(open_event_factories::role::find_by_name(&db, "janitor").await.is_err());
/// # Ok(()) }
/// ```
pub async fn find_by_name(db: &impl ConnectionTrait, name: &str) -> Result<role::Model> {
    role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| FactoryError::Invalid(format!("no role named `{name}`")))
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = FactoryError;

    fn from_str(s: &str) -> Result<Role> {
        Role::from_name(s).ok_or_else(|| FactoryError::Invalid(format!("no role named `{s}`")))
    }
}
