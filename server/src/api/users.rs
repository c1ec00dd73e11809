//! `/v1/users`: registration, profiles, and the user's role grants.

use poem::{Request, web::Data};
use poem_openapi::{OpenApi, param::Path};
use sea_orm::{ActiveModelTrait, Condition, Set};

use super::{ApiTags, crud};
use crate::{
    auth::{Authenticated, Caller, password},
    db::{self, entities::user},
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Create, Created, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single, Update,
        body::{self, Mode},
        render::self_link,
        schema::RelDoc,
    },
    permissions::{Action, Args, guard},
    resources::{user::UserResource, users_events_role::UsersEventsRoleResource},
    state::AppState,
};

type U = UserResource;
type Uer = UsersEventsRoleResource;

/// Users.
pub struct UsersApi;

/// Mails a fresh verification link.
pub(crate) async fn send_verification(
    state: &AppState,
    user: &user::Model,
) -> Result<(), ApiError> {
    let token = crate::auth::one_time::issue(
        &state.settings.jwt_secret,
        user.id,
        &user.email,
        crate::auth::one_time::Purpose::VerifyEmail,
        user.token_version,
        state.settings.mail_token_ttl,
    )?;
    let link = format!("{}/verify?token={token}", state.settings.frontend_url);
    db::mail::send(
        &state.db,
        &user.email,
        "verify-email",
        "Confirm your email address",
        format!("Open {link} to confirm your email address."),
        Some(token),
    )
    .await?;
    Ok(())
}

fn conflict_on_email(e: sea_orm::DbErr) -> ApiError {
    if db::is_unique_violation(&e) {
        ApiError::conflict("A user with this email already exists.")
            .at_pointer("/data/attributes/email")
    } else {
        e.into()
    }
}

#[OpenApi(prefix_path = "/v1/users", tag = "ApiTags::Users")]
impl UsersApi {
    /// List users
    ///
    /// Staff see every user; anyone else finds only themselves.
    #[oai(path = "/", method = "get", operation_id = "list_users")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: Authenticated,
        req: &Request,
    ) -> Result<JsonApi<Doc<U, Collection>>, Errs<COMMON>> {
        Ok(JsonApi(
            crud::list::<U>(&state, &auth.caller(), req, Condition::all()).await?,
        ))
    }

    /// Register a user
    ///
    /// Anyone may register. The password is hashed with argon2id; a
    /// verification mail is sent. Staff flags need a super admin.
    #[oai(path = "/", method = "post", operation_id = "create_user")]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        body: JsonApiBody<Doc<U, Create>>,
    ) -> Result<Created<Doc<U, Single>>, Errs<{ COMMON | FORBIDDEN | WRITE }>> {
        let rules = guard::authorize_create::<U>(&state, &caller, &Args::default()).await?;
        let mut parsed = body::parse(body.json()?, &Meta::<U>::new(), Mode::Create)?;
        guard::check_fields(&rules, &parsed)?;
        let plain = parsed
            .take("password")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut am = user::ActiveModel {
            password_hash: Set(password::hash(&plain)?),
            ..Default::default()
        };
        parsed.apply(&mut am)?;
        let created = db::users::create(&state.db, am)
            .await
            .map_err(conflict_on_email)?;
        if !created.is_verified {
            send_verification(&state, &created).await?;
        }
        // An anonymous registrant sees the result as the new user.
        let viewer = if caller.user_id().is_some() {
            caller
        } else {
            Caller::for_user(created.clone())
        };
        let doc = crud::render::<U>(&state, &viewer, req, &created).await?;
        let location = self_link(&Meta::<U>::new(), &created.id.to_string());
        Ok(Created { doc, location })
    }

    /// Get a user
    #[oai(path = "/:user_id", method = "get", operation_id = "get_user")]
    async fn get(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<Doc<U, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::get::<U>(&state, &caller, req, crud::by_id::<U>(&user_id)?).await?,
        ))
    }

    /// Update a user
    ///
    /// Users update themselves; staff update anyone. `is-admin`,
    /// `is-super-admin`, `is-verified` and `is-blocked` need a super admin.
    /// A new email must be verified again.
    #[oai(path = "/:user_id", method = "patch", operation_id = "update_user")]
    async fn update(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        user_id: Path<String>,
        body: JsonApiBody<Doc<U, Update>>,
    ) -> Result<JsonApi<Doc<U, Single>>, Errs<{ DETAIL | WRITE }>> {
        let (model, rules) =
            guard::authorize::<U>(&state, &caller, Action::Update, crud::by_id::<U>(&user_id)?)
                .await?;
        let parsed = body::parse(body.json()?, &Meta::<U>::new(), Mode::Update(&user_id))?;
        guard::check_fields(&rules, &parsed)?;
        let email_changed = parsed
            .get("email")
            .and_then(|v| v.as_str())
            .is_some_and(|e| e != model.email);
        let mut am: user::ActiveModel = model.into();
        parsed.apply(&mut am)?;
        if email_changed && !parsed.has("is-verified") {
            am.is_verified = Set(false);
        }
        let updated = am.update(&state.db).await.map_err(conflict_on_email)?;
        if email_changed && !updated.is_verified {
            send_verification(&state, &updated).await?;
        }
        Ok(JsonApi(
            crud::render::<U>(&state, &caller, req, &updated).await?,
        ))
    }

    /// Delete a user
    ///
    /// Soft delete: the account can no longer log in and its tokens stop working.
    #[oai(path = "/:user_id", method = "delete", operation_id = "delete_user")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::delete::<U>(&state, &caller, req, crud::by_id::<U>(&user_id)?).await?,
        ))
    }

    /// A user's role grants (linkage)
    #[oai(
        path = "/:user_id/relationships/users-events-roles",
        method = "get",
        operation_id = "get_user_users_events_roles_relationship"
    )]
    async fn roles_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<false>>, Errs<{ COMMON | NOT_FOUND }>> {
        let cond = crud::by_id::<U>(&user_id)?;
        Ok(JsonApi(
            crud::linkage::<U, false>(&state, &caller, req, cond, "users-events-roles").await?,
        ))
    }

    /// A user's role grants
    #[oai(
        path = "/:user_id/users-events-roles",
        method = "get",
        operation_id = "list_user_users_events_roles"
    )]
    async fn roles(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<Doc<Uer, Collection>>, Errs<{ COMMON | NOT_FOUND }>> {
        let cond = crud::by_id::<U>(&user_id)?;
        Ok(JsonApi(
            crud::related_many::<U, Uer>(&state, &caller, req, cond, "user_id").await?,
        ))
    }
}
