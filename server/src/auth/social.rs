//! Whose account a provider login is, and connecting provider accounts.
//!
//! Login, in order:
//! 1. the provider account is linked: its user logs in (a deleted or
//!    blocked user gets 401, like a password login);
//! 2. the provider shared no email: 409 (nothing to create an account with);
//! 3. an account has that email: it is linked only when the provider says the
//!    email is verified (else 409: log in and connect instead). An account
//!    whose own email was never verified loses its password and its tokens
//!    when it is linked: whoever registered it had not proven the address
//!    (an attacker pre-registering a victim's email keeps nothing);
//! 4. otherwise a new, verified account without a password
//!    ([`password::NONE`]) when the email is verified, else 409.
//!
//! Only the provider's user id (plus the email and name it reported, for
//! display) is stored; never a provider token.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};

use crate::{
    auth::password,
    db::{
        self,
        entities::{oauth_account, user},
        is_unique_violation,
        oauth_accounts::NewLink,
    },
    error::ApiError,
    oauth::{Profile, Provider},
};

fn conflict(code: &str, detail: String) -> ApiError {
    ApiError::new(poem::http::StatusCode::CONFLICT, code, detail)
}

fn inactive(user: &user::Model) -> Option<ApiError> {
    if user.deleted_at.is_some() {
        return Some(ApiError::unauthorized(
            "The account linked to this login no longer exists.",
        ));
    }
    user.is_blocked
        .then(|| ApiError::unauthorized("This account is blocked."))
}

fn link_of<'a>(provider: Provider, profile: &'a Profile, user_id: i64) -> NewLink<'a> {
    NewLink {
        user_id,
        provider: provider.name(),
        provider_user_id: &profile.id,
        email: profile.email.as_deref(),
        name: profile.name.as_deref(),
    }
}

/// A unique violation while linking: someone linked the same account (or
/// created the same email) concurrently.
fn race(err: DbErr, provider: Provider) -> ApiError {
    if is_unique_violation(&err) {
        conflict(
            "oauth-account-linked",
            format!(
                "This {} account was linked to an account at the same moment; log in again.",
                provider.title()
            ),
        )
    } else {
        err.into()
    }
}

/// The user a provider login logs in (created or linked on the way).
pub async fn login(
    db: &impl ConnectionTrait,
    provider: Provider,
    profile: &Profile,
) -> Result<user::Model, ApiError> {
    let title = provider.title();
    if let Some(link) =
        db::oauth_accounts::by_provider_account(db, provider.name(), &profile.id).await?
    {
        let user = user::Entity::find_by_id(link.user_id)
            .one(db)
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("The account linked to this login no longer exists.")
            })?;
        return match inactive(&user) {
            Some(e) => Err(e),
            None => Ok(user),
        };
    }
    let Some(email) = profile.email.as_deref() else {
        return Err(conflict(
            "oauth-email-missing",
            format!(
                "{title} did not share an email address, so no account can be made from it. \
                 Register with your email and a password, then connect {title} to your account."
            ),
        ));
    };
    if let Some(existing) = db::users::by_email(db, email).await? {
        if !profile.email_verified {
            return Err(conflict(
                "oauth-email-unverified",
                format!(
                    "An account with this email exists, but {title} has not verified the \
                     address, so it is not linked. Log in with your password and connect \
                     {title} from your account instead."
                ),
            ));
        }
        if let Some(e) = inactive(&existing) {
            return Err(e);
        }
        if db::oauth_accounts::of_user(db, existing.id, provider.name())
            .await?
            .is_some()
        {
            return Err(conflict(
                "oauth-provider-connected",
                format!(
                    "The account with this email is connected to another {title} account. \
                     Log in with that one, or with your password."
                ),
            ));
        }
        let user = if existing.is_verified {
            existing
        } else {
            // The address was never proven by whoever registered it: the
            // provider now proves it, and the unproven password goes.
            let version = existing.token_version.wrapping_add(1);
            let mut am: user::ActiveModel = existing.into();
            am.is_verified = Set(true);
            am.password_hash = Set(password::NONE.to_owned());
            am.token_version = Set(version);
            am.update(db).await?
        };
        db::oauth_accounts::link(db, link_of(provider, profile, user.id))
            .await
            .map_err(|e| race(e, provider))?;
        tracing::info!(
            user = user.id,
            provider = provider.name(),
            "provider account linked by verified email"
        );
        return Ok(user);
    }
    if !profile.email_verified {
        return Err(conflict(
            "oauth-email-unverified",
            format!(
                "{title} has not verified this email address, so no account is made from it. \
                 Verify it at {title}, or register with your email and a password and connect \
                 {title} to your account."
            ),
        ));
    }
    let user = db::users::create(
        db,
        user::ActiveModel {
            email: Set(email.to_owned()),
            password_hash: Set(password::NONE.to_owned()),
            first_name: Set(profile.first_name.clone()),
            last_name: Set(profile.last_name.clone()),
            avatar_url: Set(profile.picture.clone().filter(|p| p.starts_with("http"))),
            is_verified: Set(true),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            conflict(
                "oauth-email-taken",
                "An account with this email existed and was deleted; it cannot be used again."
                    .into(),
            )
        } else {
            e.into()
        }
    })?;
    db::oauth_accounts::link(db, link_of(provider, profile, user.id))
        .await
        .map_err(|e| race(e, provider))?;
    tracing::info!(
        user = user.id,
        provider = provider.name(),
        "account created from a provider login"
    );
    Ok(user)
}

/// Connects the provider account to `user` (again: a no-op).
pub async fn connect(
    db: &impl ConnectionTrait,
    user: &user::Model,
    provider: Provider,
    profile: &Profile,
) -> Result<oauth_account::Model, ApiError> {
    let title = provider.title();
    if let Some(link) =
        db::oauth_accounts::by_provider_account(db, provider.name(), &profile.id).await?
    {
        if link.user_id == user.id {
            return Ok(link);
        }
        return Err(conflict(
            "oauth-account-linked",
            format!("This {title} account is already connected to another account."),
        ));
    }
    if db::oauth_accounts::of_user(db, user.id, provider.name())
        .await?
        .is_some()
    {
        return Err(conflict(
            "oauth-provider-connected",
            format!(
                "Your account is already connected to another {title} account; disconnect it first."
            ),
        ));
    }
    db::oauth_accounts::link(db, link_of(provider, profile, user.id))
        .await
        .map_err(|e| race(e, provider))
}

/// Disconnects `provider` from `user`, unless it is their last way to log in.
pub async fn disconnect(
    db: &impl ConnectionTrait,
    user: &user::Model,
    provider: Provider,
) -> Result<(), ApiError> {
    let title = provider.title();
    if db::oauth_accounts::of_user(db, user.id, provider.name())
        .await?
        .is_none()
    {
        return Err(
            ApiError::not_found(format!("Your account is not connected to {title}."))
                .at_parameter("provider"),
        );
    }
    if !password::is_set(&user.password_hash)
        && db::oauth_accounts::count_of_user(db, user.id).await? <= 1
    {
        return Err(conflict(
            "last-login-method",
            format!(
                "{title} is your only way to log in. Set a password (request a password reset) \
                 or connect another provider first."
            ),
        ));
    }
    db::oauth_accounts::unlink(db, user.id, provider.name()).await?;
    Ok(())
}
