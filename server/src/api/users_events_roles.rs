//! `/v1/users-events-roles`: role grants. Organizers see and manage their
//! event's grants; holders see their own; the owner's grant stays.

use poem::{Request, web::Data};
use poem_openapi::{OpenApi, param::Path};
use sea_orm::{ActiveModelTrait, Condition, EntityTrait, Set};

use super::{ApiTags, crud};
use crate::{
    auth::Caller,
    db::{
        self,
        entities::{role, users_events_role},
    },
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single, Update,
        body::{self, Linkage, Mode},
        schema::{RelDoc, RelInput},
    },
    permissions::{
        Action, Role, Rule, guard,
        manager::{Kwargs, Lookup, PermissionManager},
    },
    resources::{
        event::EventResource, role::RoleResource, user::UserResource,
        users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

type G = UsersEventsRoleResource;

/// Role grants.
pub struct UsersEventsRolesApi;

/// Who may re-assign a grant's role through the relationship endpoint: the
/// event's owner or organizers, found through the grant's own row.
pub const CHANGE_ROLE: PermissionManager = PermissionManager {
    methods: &["PATCH"],
    fetch: &["event_id"],
    models: &[Lookup {
        table: "users_events_roles",
        key_url: "id",
        key_model: "id",
        chain: &[],
    }],
    ..PermissionManager::new(Rule::role(Role::Organizer))
};

/// Moves a grant to another role; `owner` only through an owner invite.
async fn change_role(
    state: &AppState,
    grant: users_events_role::Model,
    linkage: Option<&Linkage>,
    pointer: &str,
) -> Result<users_events_role::Model, ApiError> {
    let Some(Linkage::One(Some(role_id))) = linkage else {
        return Err(ApiError::invalid(pointer, "A grant needs a role."));
    };
    let owner = db::roles::id_by_name(&state.db, "owner").await?;
    if *role_id == owner {
        return Err(
            ApiError::forbidden("Ownership moves only through an owner invite.")
                .at_pointer(pointer),
        );
    }
    if role::Entity::find_by_id(*role_id)
        .one(&state.db)
        .await?
        .is_none()
    {
        return Err(
            ApiError::not_found(format!("No role with id `{role_id}`.")).at_pointer(pointer)
        );
    }
    let mut am: users_events_role::ActiveModel = grant.into();
    am.role_id = Set(*role_id);
    am.update(&state.db).await.map_err(|e| {
        if db::is_unique_violation(&e) {
            ApiError::conflict("The user already holds this role on the event.").at_pointer(pointer)
        } else {
            e.into()
        }
    })
}

#[OpenApi(prefix_path = "/v1/users-events-roles", tag = "ApiTags::Roles")]
impl UsersEventsRolesApi {
    /// List role grants
    ///
    /// The grants of events the caller organizes, and the caller's own.
    #[oai(path = "/", method = "get", operation_id = "list_users_events_roles")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
    ) -> Result<JsonApi<Doc<G, Collection>>, Errs<COMMON>> {
        Ok(JsonApi(
            crud::list::<G>(&state, &caller, req, Condition::all()).await?,
        ))
    }

    /// Get a role grant
    #[oai(
        path = "/:grant_id",
        method = "get",
        operation_id = "get_users_events_role"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<Doc<G, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::get::<G>(&state, &caller, req, crud::by_id::<G>(&grant_id)?).await?,
        ))
    }

    /// Change a grant's role
    ///
    /// Send `relationships.role`. The owner's grant cannot be changed, and no
    /// one becomes owner this way (use an owner invite).
    #[oai(
        path = "/:grant_id",
        method = "patch",
        operation_id = "update_users_events_role"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
        body: JsonApiBody<Doc<G, Update>>,
    ) -> Result<JsonApi<Doc<G, Single>>, Errs<{ DETAIL | WRITE }>> {
        let (grant, rules) = guard::authorize::<G>(
            &state,
            &caller,
            Action::Update,
            crud::by_id::<G>(&grant_id)?,
        )
        .await?;
        let parsed = body::parse(body.json()?, &Meta::<G>::new(), Mode::Update(&grant_id))?;
        guard::check_fields(&rules, &parsed)?;
        let updated = match parsed.relationship("role") {
            Some(linkage) => {
                change_role(&state, grant, Some(linkage), "/data/relationships/role").await?
            }
            None => grant,
        };
        Ok(JsonApi(
            crud::render::<G>(&state, &caller, req, &updated).await?,
        ))
    }

    /// Remove a role grant
    ///
    /// Never the owner's grant (403).
    #[oai(
        path = "/:grant_id",
        method = "delete",
        operation_id = "delete_users_events_role"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND | FORBIDDEN }>> {
        Ok(JsonApi(
            crud::delete::<G>(&state, &caller, req, crud::by_id::<G>(&grant_id)?).await?,
        ))
    }

    /// A grant's user (linkage)
    #[oai(
        path = "/:grant_id/relationships/user",
        method = "get",
        operation_id = "get_users_events_role_user_relationship"
    )]
    async fn user_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::linkage::<G, true>(&state, &caller, req, crud::by_id::<G>(&grant_id)?, "user")
                .await?,
        ))
    }

    /// A grant's user
    #[oai(
        path = "/:grant_id/user",
        method = "get",
        operation_id = "get_users_events_role_user"
    )]
    async fn user(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<Doc<UserResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::related_one::<G, UserResource>(
                &state,
                &caller,
                req,
                crud::by_id::<G>(&grant_id)?,
                "user_id",
            )
            .await?,
        ))
    }

    /// A grant's event (linkage)
    #[oai(
        path = "/:grant_id/relationships/event",
        method = "get",
        operation_id = "get_users_events_role_event_relationship"
    )]
    async fn event_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::linkage::<G, true>(&state, &caller, req, crud::by_id::<G>(&grant_id)?, "event")
                .await?,
        ))
    }

    /// A grant's event
    #[oai(
        path = "/:grant_id/event",
        method = "get",
        operation_id = "get_users_events_role_event"
    )]
    async fn event(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<Doc<EventResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::related_one::<G, EventResource>(
                &state,
                &caller,
                req,
                crud::by_id::<G>(&grant_id)?,
                "event_id",
            )
            .await?,
        ))
    }

    /// A grant's role (linkage)
    #[oai(
        path = "/:grant_id/relationships/role",
        method = "get",
        operation_id = "get_users_events_role_role_relationship"
    )]
    async fn role_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::linkage::<G, true>(&state, &caller, req, crud::by_id::<G>(&grant_id)?, "role")
                .await?,
        ))
    }

    /// Change a grant's role (relationship endpoint)
    ///
    /// Guarded by the permission manager: the grant's event is found through
    /// the grant's row, then the owner or an organizer of it (or staff) may
    /// change the role. Answers with the new linkage.
    #[oai(
        path = "/:grant_id/relationships/role",
        method = "patch",
        operation_id = "update_users_events_role_role_relationship"
    )]
    async fn set_role(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
        body: JsonApiBody<RelInput<true>>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ DETAIL | WRITE }>> {
        let cond = crud::by_id::<G>(&grant_id)?;
        let (grant, _) = guard::authorize::<G>(&state, &caller, Action::View, cond.clone()).await?;
        let mut kwargs = Kwargs::from([("id".to_owned(), grant.id)]);
        CHANGE_ROLE
            .run(&state.db, &caller, req.method().as_str(), &mut kwargs)
            .await?;
        if grant.role_id == db::roles::id_by_name(&state.db, "owner").await? {
            return Err(ApiError::forbidden("The owner's grant cannot be changed.").into());
        }
        let doc = body.json()?;
        let linkage = body::parse_linkage(doc, &Meta::<G>::new(), "role")?;
        change_role(&state, grant, Some(&linkage), "/data").await?;
        Ok(JsonApi(
            crud::linkage::<G, true>(&state, &caller, req, cond, "role").await?,
        ))
    }

    /// A grant's role
    #[oai(
        path = "/:grant_id/role",
        method = "get",
        operation_id = "get_users_events_role_role"
    )]
    async fn role(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        grant_id: Path<String>,
    ) -> Result<JsonApi<Doc<RoleResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::related_one::<G, RoleResource>(
                &state,
                &caller,
                req,
                crud::by_id::<G>(&grant_id)?,
                "role_id",
            )
            .await?,
        ))
    }
}
