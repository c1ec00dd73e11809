//! Queries and writes on users.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait, Func},
};

use super::entities::user;

/// The live (not deleted) user with this email, case-insensitively.
pub async fn by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(ExprTrait::eq(
            Expr::expr(Func::lower(Expr::col(user::Column::Email))),
            email.trim().to_lowercase(),
        ))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// Inserts a user; `created_at` defaults to now, flags to false.
pub async fn create(
    db: &impl ConnectionTrait,
    mut am: user::ActiveModel,
) -> Result<user::Model, DbErr> {
    if am.created_at.is_not_set() {
        am.created_at = Set(Utc::now());
    }
    for flag in [
        &mut am.is_profile_public,
        &mut am.is_super_admin,
        &mut am.is_admin,
        &mut am.is_verified,
        &mut am.is_blocked,
    ] {
        if flag.is_not_set() {
            *flag = Set(false);
        }
    }
    if am.token_version.is_not_set() {
        am.token_version = Set(0);
    }
    am.insert(db).await
}

/// Creates the super admin, or promotes and re-passwords an existing user.
pub async fn bootstrap_super_admin(
    db: &impl ConnectionTrait,
    email: &str,
    password_hash: String,
) -> Result<user::Model, DbErr> {
    match by_email(db, email).await? {
        Some(existing) => {
            let mut am: user::ActiveModel = existing.into();
            am.is_super_admin = Set(true);
            am.is_admin = Set(true);
            am.is_verified = Set(true);
            am.is_blocked = Set(false);
            am.password_hash = Set(password_hash);
            am.update(db).await
        }
        None => {
            create(
                db,
                user::ActiveModel {
                    email: Set(email.trim().to_lowercase()),
                    password_hash: Set(password_hash),
                    first_name: Set(Some("Super".into())),
                    last_name: Set(Some("Admin".into())),
                    is_super_admin: Set(true),
                    is_admin: Set(true),
                    is_verified: Set(true),
                    ..Default::default()
                },
            )
            .await
        }
    }
}
