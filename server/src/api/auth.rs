//! `/v1/auth`: login, token refresh, password change, email verification
//! and password reset. Bodies are plain JSON (`application/json` or
//! `application/vnd.api+json`); errors are JSON:API.

use poem_openapi::{Object, OpenApi, param::Header, payload::Json};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use super::{ApiTags, strict::Text};
use crate::{
    auth::{
        Authenticated,
        caller::load_active_user,
        jwt::{TokenType, token_from_header},
        one_time::{self, Purpose},
        password::{self, MIN_PASSWORD_LEN},
    },
    db::{self, entities::user},
    error::{ApiError, Errs, status::*},
    state::AppState,
};

/// Auth endpoints.
pub struct AuthApi;

/// Credentials.
#[derive(Debug, Object)]
pub struct LoginRequest {
    /// The account email.
    pub email: Text,
    /// The password.
    pub password: Text,
}

/// Tokens issued at login.
#[derive(Debug, Object)]
pub struct TokenPair {
    /// Access token (fresh), for `Authorization: JWT <token>`.
    pub access_token: String,
    /// Refresh token, for `POST /v1/auth/token/refresh`.
    pub refresh_token: String,
    /// Always `JWT` (`Bearer` is accepted too).
    pub token_type: String,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
}

/// A new access token.
#[derive(Debug, Object)]
pub struct AccessToken {
    /// Access token (not fresh).
    pub access_token: String,
    /// Lifetime in seconds.
    pub expires_in: i64,
}

/// A confirmation.
#[derive(Debug, Object)]
pub struct Message {
    /// What happened.
    pub message: String,
}

/// `{"data": {"old-password", "new-password"}}`.
#[derive(Debug, Object)]
pub struct ChangePasswordRequest {
    /// The passwords.
    pub data: ChangePasswordData,
}

/// Old and new password.
#[derive(Debug, Object)]
pub struct ChangePasswordData {
    /// The current password.
    #[oai(rename = "old-password")]
    pub old_password: Text,
    /// The new password (at least 8 characters, different from the old).
    #[oai(rename = "new-password")]
    pub new_password: Text,
}

/// `{"data": {"token"}}`.
#[derive(Debug, Object)]
pub struct TokenRequest {
    /// The token.
    pub data: TokenData,
}

/// A one-time token from a mail.
#[derive(Debug, Object)]
pub struct TokenData {
    /// The token.
    pub token: Text,
}

/// `{"data": {"email"}}`.
#[derive(Debug, Object)]
pub struct EmailRequest {
    /// The email.
    pub data: EmailData,
}

/// An email address.
#[derive(Debug, Object)]
pub struct EmailData {
    /// The account email.
    pub email: Text,
}

/// `{"data": {"token", "password"}}`.
#[derive(Debug, Object)]
pub struct ResetRequest {
    /// Token and new password.
    pub data: ResetData,
}

/// A reset token and the new password.
#[derive(Debug, Object)]
pub struct ResetData {
    /// The token from the reset mail.
    pub token: Text,
    /// The new password (at least 8 characters).
    pub password: Text,
}

/// The tokens of a login (password or provider): a fresh access token and
/// a refresh token.
pub(crate) fn token_pair(state: &AppState, user: &user::Model) -> Result<TokenPair, ApiError> {
    Ok(TokenPair {
        access_token: state
            .jwt
            .issue(user.id, user.token_version, TokenType::Access, true)?,
        refresh_token: state
            .jwt
            .issue(user.id, user.token_version, TokenType::Refresh, false)?,
        token_type: "JWT".to_owned(),
        expires_in: state.jwt.access_ttl(),
    })
}

pub(crate) fn message(text: &str) -> Json<Message> {
    Json(Message {
        message: text.to_owned(),
    })
}

fn check_new_password(value: &str, pointer: &str) -> Result<(), ApiError> {
    let n = value.chars().count();
    if !(MIN_PASSWORD_LEN..=128).contains(&n) {
        return Err(ApiError::invalid(
            pointer,
            format!("The password must have {MIN_PASSWORD_LEN} to 128 characters."),
        ));
    }
    Ok(())
}

/// Stores a new password hash and revokes every token issued before. The
/// hash is computed before, outside any write transaction: it takes tens
/// of milliseconds, during which the write lock (or the writer
/// connection) would be held.
async fn set_password(
    db: &impl sea_orm::ConnectionTrait,
    user: user::Model,
    password_hash: String,
    verify: bool,
) -> Result<user::Model, ApiError> {
    let version = user.token_version.wrapping_add(1);
    let mut am: user::ActiveModel = user.into();
    am.password_hash = Set(password_hash);
    am.token_version = Set(version);
    if verify {
        am.is_verified = Set(true);
    }
    Ok(am.update(db).await?)
}

#[OpenApi(prefix_path = "/v1/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Log in
    ///
    /// Returns a fresh access token and a refresh token. Wrong credentials,
    /// unknown, deleted or blocked accounts all answer 401.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: poem::web::Data<&AppState>,
        body: Json<LoginRequest>,
    ) -> Result<
        Json<TokenPair>,
        Errs<{ BAD_REQUEST | UNAUTHORIZED | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE }>,
    > {
        let invalid = || ApiError::unauthorized("Invalid credentials.");
        let Some(user) = db::users::by_email(&state.db, &body.email).await? else {
            password::verify_nothing(&body.password).await?;
            return Err(invalid().into());
        };
        if !password::verify_async(&body.password, &user.password_hash).await? {
            return Err(invalid().into());
        }
        if user.is_blocked {
            return Err(ApiError::unauthorized("This account is blocked.").into());
        }
        Ok(Json(token_pair(&state, &user)?))
    }

    /// Refresh the access token
    ///
    /// Send the refresh token as `Authorization: JWT <refresh token>`.
    /// The new access token is not fresh.
    #[oai(
        path = "/token/refresh",
        method = "post",
        operation_id = "refresh_token"
    )]
    async fn refresh(
        &self,
        state: poem::web::Data<&AppState>,
        #[oai(name = "Authorization")] authorization: Header<Option<String>>,
    ) -> Result<Json<AccessToken>, Errs<{ UNAUTHORIZED | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE }>>
    {
        let header = authorization.0.ok_or_else(|| {
            ApiError::unauthorized("Send the refresh token as `Authorization: JWT <token>`.")
        })?;
        let claims = state
            .jwt
            .verify(token_from_header(&header)?, TokenType::Refresh)?;
        let user = load_active_user(&state.db, claims.identity, claims.ver).await?;
        Ok(Json(AccessToken {
            access_token: state
                .jwt
                .issue(user.id, user.token_version, TokenType::Access, false)?,
            expires_in: state.jwt.access_ttl(),
        }))
    }

    /// Change the password
    ///
    /// Needs a fresh token (from a password login, not a refresh). Every
    /// token issued before stops working; log in again afterwards.
    #[oai(
        path = "/change-password",
        method = "post",
        operation_id = "change_password"
    )]
    async fn change_password(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        body: Json<ChangePasswordRequest>,
    ) -> Result<
        Json<Message>,
        Errs<
            {
                BAD_REQUEST | UNAUTHORIZED | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE | UNPROCESSABLE
            },
        >,
    > {
        if !auth.0.fresh {
            return Err(ApiError::unauthorized(
                "A fresh token is required: log in again with your password.",
            )
            .into());
        }
        let data = &body.data;
        if !password::is_set(&auth.user().password_hash) {
            return Err(ApiError::invalid(
                "/data/old-password",
                "This account has no password yet (it was made by a Google or Facebook login): \
                 set one with a password reset (POST /v1/auth/reset-password).",
            )
            .into());
        }
        if !password::verify_async(&data.old_password, &auth.user().password_hash).await? {
            return Err(
                ApiError::invalid("/data/old-password", "The old password is wrong.").into(),
            );
        }
        check_new_password(&data.new_password, "/data/new-password")?;
        if data.new_password == data.old_password {
            return Err(ApiError::invalid(
                "/data/new-password",
                "The new password must differ from the old one.",
            )
            .into());
        }
        let hash = password::hash_async(&data.new_password).await?;
        let user = set_password(&state.writer, auth.user().clone(), hash, false).await?;
        db::mail::send(
            &state.writer,
            &user.email,
            "password-changed",
            "Your password was changed",
            "Your password was changed. If this was not you, reset it now.".into(),
            None,
        )
        .await?;
        Ok(message("Password changed"))
    }

    /// Verify an email address
    ///
    /// With the token from the verification mail. Tokens are signed, expire,
    /// and work once.
    #[oai(path = "/verify-email", method = "post", operation_id = "verify_email")]
    async fn verify_email(
        &self,
        state: poem::web::Data<&AppState>,
        body: Json<TokenRequest>,
    ) -> Result<Json<Message>, Errs<{ BAD_REQUEST | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE }>>
    {
        let payload = one_time::verify(
            &state.settings.jwt_secret,
            &body.data.token,
            Purpose::VerifyEmail,
        )?;
        let txn = crate::db::write::begin(&state.writer).await?;
        let user = user::Entity::find_by_id(payload.uid)
            .one(&txn)
            .await?
            .filter(|u| u.deleted_at.is_none() && u.email == payload.email)
            .ok_or_else(one_time::invalid)?;
        one_time::consume(&txn, &payload).await?;
        let mut am: user::ActiveModel = user.into();
        am.is_verified = Set(true);
        am.update(&txn).await?;
        txn.commit().await?;
        Ok(message("Email verified"))
    }

    /// Resend the verification mail
    ///
    /// Always 200, whether or not the address is registered.
    #[oai(
        path = "/resend-verification-email",
        method = "post",
        operation_id = "resend_verification_email"
    )]
    async fn resend_verification(
        &self,
        state: poem::web::Data<&AppState>,
        body: Json<EmailRequest>,
    ) -> Result<Json<Message>, Errs<{ BAD_REQUEST | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE }>>
    {
        if let Some(user) = db::users::by_email(&state.db, &body.data.email).await?
            && !user.is_verified
        {
            crate::resources::user::send_verification(&state, &user).await?;
        }
        Ok(message(
            "If the address is registered and unverified, a verification mail is on its way",
        ))
    }

    /// Request a password reset
    ///
    /// Always 200, whether or not the address is registered (no account
    /// enumeration). The mail carries a signed, expiring, single-use token.
    #[oai(
        path = "/reset-password",
        method = "post",
        operation_id = "request_password_reset"
    )]
    async fn request_reset(
        &self,
        state: poem::web::Data<&AppState>,
        body: Json<EmailRequest>,
    ) -> Result<Json<Message>, Errs<{ BAD_REQUEST | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE }>>
    {
        if let Some(user) = db::users::by_email(&state.db, &body.data.email).await? {
            let token = one_time::issue(
                &state.settings.jwt_secret,
                user.id,
                &user.email,
                Purpose::ResetPassword,
                user.token_version,
                state.settings.mail_token_ttl,
            )?;
            let link = format!(
                "{}/reset-password?token={token}",
                state.settings.frontend_url
            );
            db::mail::send(
                &state.writer,
                &user.email,
                "reset-password",
                "Reset your password",
                format!("Open {link} to choose a new password."),
                Some(token),
            )
            .await?;
        }
        Ok(message(
            "If your email was registered with us, you'll get an email with a reset link shortly",
        ))
    }

    /// Reset the password
    ///
    /// With the token from the reset mail; also marks the email verified
    /// and revokes every token issued before.
    #[oai(
        path = "/reset-password",
        method = "patch",
        operation_id = "reset_password"
    )]
    async fn reset(
        &self,
        state: poem::web::Data<&AppState>,
        body: Json<ResetRequest>,
    ) -> Result<
        Json<Message>,
        Errs<{ BAD_REQUEST | NOT_ACCEPTABLE | UNSUPPORTED_MEDIA_TYPE | UNPROCESSABLE }>,
    > {
        let payload = one_time::verify(
            &state.settings.jwt_secret,
            &body.data.token,
            Purpose::ResetPassword,
        )?;
        check_new_password(&body.data.password, "/data/password")?;
        let hash = password::hash_async(&body.data.password).await?;
        let txn = crate::db::write::begin(&state.writer).await?;
        let user = user::Entity::find_by_id(payload.uid)
            .one(&txn)
            .await?
            .filter(|u| {
                u.deleted_at.is_none() && u.token_version == payload.ver && u.email == payload.email
            })
            .ok_or_else(one_time::invalid)?;
        one_time::consume(&txn, &payload).await?;
        set_password(&txn, user, hash, true).await?;
        txn.commit().await?;
        Ok(message("Password reset"))
    }
}
