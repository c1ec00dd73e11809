//! Who is calling: verified from the `Authorization` header on every request.
//!
//! A header that is present is always verified: a bad, expired, revoked or
//! tampered token is a 401, never a silent fallback to anonymous.

use std::sync::{Arc, LazyLock};

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    registry::{MetaSecurityScheme, Registry},
};
use sea_orm::{
    DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryTrait, Statement, Values,
};

use super::jwt::{TokenType, token_from_header};
use crate::{auth::jwt::JwtKeys, db::entities::user, error::ApiError};

/// The security scheme name in the spec.
pub const SCHEME: &str = "jwt";

/// The authenticated user behind a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The stored user.
    pub user: user::Model,
    /// Whether the token came from a login (password or provider), not a refresh.
    pub fresh: bool,
}

/// The caller of a request: anonymous or a verified user.
#[derive(Debug, Clone, Default)]
pub enum Caller {
    /// No `Authorization` header.
    #[default]
    Anonymous,
    /// A valid access token.
    User(Arc<CurrentUser>),
}

impl Caller {
    /// The user, or 401.
    pub fn require(&self) -> Result<&CurrentUser, ApiError> {
        match self {
            Caller::User(u) => Ok(u),
            Caller::Anonymous => Err(missing_token()),
        }
    }

    /// A caller acting as `user` (not from a token; `fresh` is false).
    pub fn for_user(user: user::Model) -> Caller {
        Caller::User(Arc::new(CurrentUser { user, fresh: false }))
    }

    /// The user's id, if any.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Caller::User(u) => Some(u.user.id),
            Caller::Anonymous => None,
        }
    }

    /// Admin or super admin.
    pub fn is_staff(&self) -> bool {
        matches!(self, Caller::User(u) if u.user.is_staff())
    }

    /// Super admin.
    pub fn is_super_admin(&self) -> bool {
        matches!(self, Caller::User(u) if u.user.is_super_admin)
    }

    /// Verifies the request's `Authorization` header, if any.
    pub async fn from_request(
        req: &Request,
        jwt: &JwtKeys,
        db: &DatabaseConnection,
    ) -> Result<Caller, ApiError> {
        let Some(header) = req.headers().get(poem::http::header::AUTHORIZATION) else {
            return Ok(Caller::Anonymous);
        };
        let header = header
            .to_str()
            .map_err(|_| ApiError::unauthorized("The Authorization header is not valid text."))?;
        let token = token_from_header(header)?;
        let claims = jwt.verify(token, TokenType::Access)?;
        let user = load_active_user(db, claims.identity, claims.ver).await?;
        Ok(Caller::User(Arc::new(CurrentUser {
            user,
            fresh: claims.fresh,
        })))
    }
}

/// `SELECT <every column> FROM users WHERE id = ? LIMIT 1` for `backend`,
/// built once: every request with a token runs it, and building it through
/// the query builder each time cost about 45 allocations of the request's
/// 450 (each column's identifier, the rendering).
fn user_by_id(backend: DbBackend, id: i64) -> Statement {
    static SQLITE: LazyLock<Statement> =
        LazyLock::new(|| user::Entity::find_by_id(0).build(DbBackend::Sqlite));
    static POSTGRES: LazyLock<Statement> =
        LazyLock::new(|| user::Entity::find_by_id(0).build(DbBackend::Postgres));
    let mut stmt = match backend {
        DbBackend::Sqlite => SQLITE.clone(),
        DbBackend::Postgres => POSTGRES.clone(),
        _ => return user::Entity::find_by_id(id).build(backend),
    };
    // The id is the statement's first value (the `LIMIT` the second).
    if let Some(Values(values)) = &mut stmt.values
        && let Some(first) = values.first_mut()
    {
        *first = id.into();
    }
    stmt
}

/// Loads the token's user; deleted, blocked or revoked → 401.
pub async fn load_active_user(
    db: &DatabaseConnection,
    id: i64,
    token_version: i32,
) -> Result<user::Model, ApiError> {
    let stmt = user_by_id(db.get_database_backend(), id);
    let user = user::Model::find_by_statement(stmt)
        .one(db)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(|| ApiError::unauthorized("The token's user no longer exists."))?;
    if user.is_blocked {
        return Err(ApiError::unauthorized("This account is blocked."));
    }
    if user.token_version != token_version {
        return Err(ApiError::unauthorized(
            "The token was revoked by a password change; log in again.",
        ));
    }
    Ok(user)
}

fn missing_token() -> ApiError {
    ApiError::unauthorized("Authentication is required: send `Authorization: JWT <token>`.")
}

fn register_scheme(registry: &mut Registry) {
    registry
        .security_schemes
        .entry(SCHEME)
        .or_insert(MetaSecurityScheme {
            ty: "apiKey",
            description: Some(
                "An access token from `POST /v1/auth/login`, sent as `Authorization: JWT <token>` \
             or `Authorization: Bearer <token>`. A token that is sent is always verified: \
             invalid, expired or revoked tokens get 401.",
            ),
            name: Some("Authorization"),
            key_in: Some("header"),
            scheme: None,
            bearer_format: None,
            flows: None,
            openid_connect_url: None,
        });
}

/// Verifies the request's caller with the keys and database the app put in
/// the request data (see `startup::app_with`).
async fn caller_of(req: &Request) -> Result<Caller, ApiError> {
    let jwt = req
        .data::<Arc<JwtKeys>>()
        .ok_or_else(|| ApiError::internal("JWT keys missing from request data"))?;
    let db = req
        .data::<DatabaseConnection>()
        .ok_or_else(|| ApiError::internal("database missing from request data"))?;
    Caller::from_request(req, jwt, db).await
}

impl<'a> ApiExtractor<'a> for Caller {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        register_scheme(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![SCHEME]
    }

    fn has_security_fallback() -> bool {
        true
    }

    async fn from_request(
        req: &'a Request,
        _body: &mut RequestBody,
        _opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        Ok(caller_of(req).await?)
    }
}

/// A caller that must be authenticated (401 otherwise).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<CurrentUser>);

impl Authenticated {
    /// The user.
    pub fn user(&self) -> &user::Model {
        &self.0.user
    }

    /// The same caller as a [`Caller`].
    pub fn caller(&self) -> Caller {
        Caller::User(self.0.clone())
    }
}

impl<'a> ApiExtractor<'a> for Authenticated {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        register_scheme(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![SCHEME]
    }

    async fn from_request(
        req: &'a Request,
        _body: &mut RequestBody,
        _opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        match caller_of(req).await? {
            Caller::User(u) => Ok(Authenticated(u)),
            Caller::Anonymous => Err(missing_token().into()),
        }
    }
}
