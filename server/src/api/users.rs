//! `/v1/users`: registration, profiles, and the user's role grants.

use poem::Request;
use poem_openapi::{OpenApi, param::Path};
use sea_orm::{ActiveModelTrait, Set};

use super::{ApiTags, common};
use crate::{
    auth::{Authenticated, Caller, password},
    db::{self, entities::user},
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Create, Created, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single, Update,
        body::{self, Mode},
        fetch,
        query::QueryKind,
        render::{meta_document, self_link},
        schema::RelDoc,
    },
    resources::{
        user::{SUPER_ADMIN_FIELDS, UserResource},
        users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

type U = UserResource;

/// Users.
pub struct UsersApi;

/// Rejects fields the caller may not set (403 with the pointer).
fn check_field_rights(caller: &Caller, parsed: &body::Parsed) -> Result<(), ApiError> {
    if caller.is_super_admin() {
        return Ok(());
    }
    for name in SUPER_ADMIN_FIELDS {
        if parsed.has(name) {
            return Err(
                ApiError::forbidden(format!("Only a super admin may set `{name}`."))
                    .at_pointer(format!("/data/attributes/{name}")),
            );
        }
    }
    Ok(())
}

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
    /// Staff see every user; anyone else sees only themselves.
    #[oai(path = "/", method = "get", operation_id = "list_users")]
    async fn list(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
    ) -> Result<JsonApi<Doc<U, Collection>>, Errs<COMMON>> {
        let caller = auth.caller();
        let q = common::query::<U>(req, &caller, QueryKind::List)?;
        let doc = fetch::list_document::<U>(
            &state.db,
            &caller,
            &q,
            sea_orm::Condition::all(),
            req.uri().path(),
        )
        .await?;
        Ok(JsonApi(Doc::new(doc)))
    }

    /// Register a user
    ///
    /// Anyone may register. The password is hashed with argon2id; a
    /// verification mail is sent. Staff flags need a super admin.
    #[oai(path = "/", method = "post", operation_id = "create_user")]
    async fn create(
        &self,
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
        body: JsonApiBody<Doc<U, Create>>,
    ) -> Result<Created<Doc<U, Single>>, Errs<{ COMMON | FORBIDDEN | WRITE }>> {
        let q = common::query::<U>(req, &caller, QueryKind::Detail)?;
        let mut parsed = body::parse(body.json()?, &Meta::<U>::new(), Mode::Create)?;
        check_field_rights(&caller, &parsed)?;
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
        // The new user may not be visible to an anonymous caller: render as them.
        let viewer = if caller.user_id().is_some() {
            caller
        } else {
            Caller::for_user(created.clone())
        };
        let doc = fetch::single_document::<U>(&state.db, &viewer, &created, &q).await?;
        let location = self_link(&Meta::<U>::new(), &created.id.to_string());
        Ok(Created {
            doc: Doc::new(doc),
            location,
        })
    }

    /// Get a user
    #[oai(path = "/:user_id", method = "get", operation_id = "get_user")]
    async fn get(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<Doc<U, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        let caller = auth.caller();
        let model =
            fetch::find_visible::<U>(&state.db, &caller, common::by_id::<U>(&user_id)?).await?;
        let q = common::query::<U>(req, &caller, QueryKind::Detail)?;
        Ok(JsonApi(Doc::new(
            fetch::single_document::<U>(&state.db, &caller, &model, &q).await?,
        )))
    }

    /// Update a user
    ///
    /// Users update themselves; staff update anyone. `is-admin`,
    /// `is-super-admin`, `is-verified` and `is-blocked` need a super admin.
    /// A new email must be verified again.
    #[oai(path = "/:user_id", method = "patch", operation_id = "update_user")]
    async fn update(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        user_id: Path<String>,
        body: JsonApiBody<Doc<U, Update>>,
    ) -> Result<JsonApi<Doc<U, Single>>, Errs<{ DETAIL | WRITE }>> {
        let caller = auth.caller();
        let model =
            fetch::find_visible::<U>(&state.db, &caller, common::by_id::<U>(&user_id)?).await?;
        let q = common::query::<U>(req, &caller, QueryKind::Detail)?;
        let parsed = body::parse(body.json()?, &Meta::<U>::new(), Mode::Update(&user_id))?;
        check_field_rights(&caller, &parsed)?;
        let email_changed = parsed
            .get("email")
            .and_then(|v| v.as_str())
            .is_some_and(|e| e != model.email);
        let mut am: user::ActiveModel = model.into();
        parsed.apply(&mut am)?;
        if email_changed && !caller.is_super_admin() {
            am.is_verified = Set(false);
        }
        let updated = am.update(&state.db).await.map_err(conflict_on_email)?;
        if email_changed && !updated.is_verified {
            send_verification(&state, &updated).await?;
        }
        Ok(JsonApi(Doc::new(
            fetch::single_document::<U>(&state.db, &caller, &updated, &q).await?,
        )))
    }

    /// Delete a user
    ///
    /// Soft delete: the account can no longer log in and its tokens stop working.
    #[oai(path = "/:user_id", method = "delete", operation_id = "delete_user")]
    async fn delete(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        user_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND }>> {
        let caller = auth.caller();
        let model =
            fetch::find_visible::<U>(&state.db, &caller, common::by_id::<U>(&user_id)?).await?;
        let mut am: user::ActiveModel = model.into();
        am.deleted_at = Set(Some(chrono::Utc::now()));
        am.update(&state.db).await?;
        Ok(JsonApi(MetaDoc(meta_document(
            "Object successfully deleted",
        ))))
    }

    /// A user's role grants (linkage)
    #[oai(
        path = "/:user_id/relationships/users-events-roles",
        method = "get",
        operation_id = "get_user_users_events_roles_relationship"
    )]
    async fn roles_linkage(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<false>>, Errs<{ COMMON | NOT_FOUND }>> {
        let caller = auth.caller();
        let model =
            fetch::find_visible::<U>(&state.db, &caller, common::by_id::<U>(&user_id)?).await?;
        common::query::<U>(req, &caller, QueryKind::Linkage)?;
        let row = crate::jsonapi::registry::to_row(&model);
        let doc = fetch::linkage_document(
            &state.db,
            &caller,
            &Meta::<U>::new(),
            &row,
            "users-events-roles",
        )
        .await?;
        Ok(JsonApi(RelDoc(doc)))
    }

    /// A user's role grants
    #[oai(
        path = "/:user_id/users-events-roles",
        method = "get",
        operation_id = "list_user_users_events_roles"
    )]
    async fn roles(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        user_id: Path<String>,
    ) -> Result<JsonApi<Doc<UsersEventsRoleResource, Collection>>, Errs<{ COMMON | NOT_FOUND }>>
    {
        let caller = auth.caller();
        let model =
            fetch::find_visible::<U>(&state.db, &caller, common::by_id::<U>(&user_id)?).await?;
        let q = common::query::<UsersEventsRoleResource>(req, &caller, QueryKind::List)?;
        let scope = common::belonging_to::<UsersEventsRoleResource>("user_id", model.id);
        let doc = fetch::list_document::<UsersEventsRoleResource>(
            &state.db,
            &caller,
            &q,
            scope,
            req.uri().path(),
        )
        .await?;
        Ok(JsonApi(Doc::new(doc)))
    }
}
