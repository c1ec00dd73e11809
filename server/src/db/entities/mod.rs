//! sea-orm entities, one table per file.

/// The `ActiveModelBehavior` of an entity whose `created_at` defaults to
/// the time of insertion (expanded in the entity's module).
macro_rules! created_at_on_insert {
    () => {
        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            /// `created_at` defaults to the time of insertion.
            async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                if insert && self.created_at.is_not_set() {
                    self.created_at = sea_orm::ActiveValue::Set(chrono::Utc::now());
                }
                Ok(self)
            }
        }
    };
}
pub(crate) use created_at_on_insert;

pub mod event;
pub mod mail;
pub mod oauth_account;
pub mod role;
pub mod role_invite;
pub mod used_token;
pub mod user;
pub mod users_events_role;
