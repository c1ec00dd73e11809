//! `/v1/roles`: the event roles. Registered users read them; staff manage them.

use poem::{Request, web::Data};
use poem_openapi::{OpenApi, param::Path};
use sea_orm::{ActiveModelTrait, Condition};

use super::{ApiTags, crud};
use crate::{
    auth::Caller,
    db::{self, entities::role},
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Create, Created, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single, Update,
        body::{self, Mode},
        render::self_link,
    },
    permissions::{Action, Args, guard},
    resources::role::RoleResource,
    state::AppState,
};

type R = RoleResource;

/// Roles.
pub struct RolesApi;

fn conflict(e: sea_orm::DbErr) -> ApiError {
    if db::is_unique_violation(&e) {
        ApiError::conflict("A role with this name already exists.")
            .at_pointer("/data/attributes/name")
    } else {
        e.into()
    }
}

#[OpenApi(prefix_path = "/v1/roles", tag = "ApiTags::Roles")]
impl RolesApi {
    /// List roles
    #[oai(path = "/", method = "get", operation_id = "list_roles")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
    ) -> Result<JsonApi<Doc<R, Collection>>, Errs<COMMON>> {
        Ok(JsonApi(
            crud::list::<R>(&state, &caller, req, Condition::all()).await?,
        ))
    }

    /// Create a role
    #[oai(path = "/", method = "post", operation_id = "create_role")]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        body: JsonApiBody<Doc<R, Create>>,
    ) -> Result<Created<Doc<R, Single>>, Errs<{ COMMON | FORBIDDEN | WRITE }>> {
        let rules = guard::authorize_create::<R>(&state, &caller, &Args::default()).await?;
        let parsed = body::parse(body.json()?, &Meta::<R>::new(), Mode::Create)?;
        guard::check_fields(&rules, &parsed)?;
        let mut am = <role::ActiveModel as Default>::default();
        parsed.apply(&mut am)?;
        let created = am.insert(&state.db).await.map_err(conflict)?;
        let doc = crud::render::<R>(&state, &caller, req, &created).await?;
        Ok(Created {
            doc,
            location: self_link(&Meta::<R>::new(), &created.id.to_string()),
        })
    }

    /// Get a role
    #[oai(path = "/:role_id", method = "get", operation_id = "get_role")]
    async fn get(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        role_id: Path<String>,
    ) -> Result<JsonApi<Doc<R, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::get::<R>(&state, &caller, req, crud::by_id::<R>(&role_id)?).await?,
        ))
    }

    /// Update a role
    #[oai(path = "/:role_id", method = "patch", operation_id = "update_role")]
    async fn update(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        role_id: Path<String>,
        body: JsonApiBody<Doc<R, Update>>,
    ) -> Result<JsonApi<Doc<R, Single>>, Errs<{ DETAIL | WRITE }>> {
        let (model, rules) =
            guard::authorize::<R>(&state, &caller, Action::Update, crud::by_id::<R>(&role_id)?)
                .await?;
        let parsed = body::parse(body.json()?, &Meta::<R>::new(), Mode::Update(&role_id))?;
        guard::check_fields(&rules, &parsed)?;
        let mut am: role::ActiveModel = model.into();
        parsed.apply(&mut am)?;
        let updated = am.update(&state.db).await.map_err(conflict)?;
        Ok(JsonApi(
            crud::render::<R>(&state, &caller, req, &updated).await?,
        ))
    }

    /// Delete a role
    ///
    /// 409 while the role is granted or offered.
    #[oai(path = "/:role_id", method = "delete", operation_id = "delete_role")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        role_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND | FORBIDDEN | CONFLICT }>> {
        Ok(JsonApi(
            crud::delete::<R>(&state, &caller, req, crud::by_id::<R>(&role_id)?).await?,
        ))
    }
}
