//! `/v1/events`: events by id or identifier, their creator, role grants and invites.

use chrono::Duration;
use poem::{Request, web::Data};
use poem_openapi::{OpenApi, param::Path};
use sea_orm::{ActiveModelTrait, Condition, Set};

use super::{ApiTags, crud};
use crate::{
    auth::Caller,
    db::{self, entities::event},
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Create, Created, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single, Update,
        body::{self, Mode, Parsed},
        render::self_link,
        schema::RelDoc,
    },
    permissions::{Action, Args, guard},
    resources::{
        event::{EventResource, MAX_DAYS},
        role_invite::RoleInviteResource,
        user::UserResource,
        users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

type E = EventResource;

/// Events.
pub struct EventsApi;

/// The condition addressing an event by id or identifier (404 otherwise).
pub fn by_key(key: &str) -> Result<Condition, ApiError> {
    db::events::by_id_or_identifier(key)
        .ok_or_else(|| ApiError::not_found(format!("No event with id or identifier `{key}`.")))
}

/// Dates: ends after starts, at most [`MAX_DAYS`] long (422 on `ends-at`).
fn check_dates(parsed: &Parsed, current: Option<&event::Model>) -> Result<(), ApiError> {
    let starts = parsed
        .get("starts-at")
        .and_then(|v| v.as_datetime())
        .or(current.map(|c| c.starts_at));
    let ends = parsed
        .get("ends-at")
        .and_then(|v| v.as_datetime())
        .or(current.map(|c| c.ends_at));
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s {
            return Err(ApiError::invalid(
                "/data/attributes/ends-at",
                "`ends-at` must be after `starts-at`.",
            ));
        }
        if e - s > Duration::days(MAX_DAYS) {
            return Err(ApiError::invalid(
                "/data/attributes/ends-at",
                format!("An event lasts at most {MAX_DAYS} days."),
            ));
        }
    }
    Ok(())
}

#[OpenApi(prefix_path = "/v1/events", tag = "ApiTags::Events")]
impl EventsApi {
    /// List events
    ///
    /// Published events for everyone; drafts also for people holding a role
    /// on them, and for staff.
    #[oai(path = "/", method = "get", operation_id = "list_events")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
    ) -> Result<JsonApi<Doc<E, Collection>>, Errs<COMMON>> {
        Ok(JsonApi(
            crud::list::<E>(&state, &caller, req, Condition::all()).await?,
        ))
    }

    /// Create an event
    ///
    /// Any registered user; the creator becomes the event's `owner`.
    /// Defaults: `state` draft, `privacy` public.
    #[oai(path = "/", method = "post", operation_id = "create_event")]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        body: JsonApiBody<Doc<E, Create>>,
    ) -> Result<Created<Doc<E, Single>>, Errs<{ COMMON | FORBIDDEN | WRITE }>> {
        let rules = guard::authorize_create::<E>(&state, &caller, &Args::default()).await?;
        let owner = caller.require()?.user.id;
        let parsed = body::parse(body.json()?, &Meta::<E>::new(), Mode::Create)?;
        guard::check_fields(&rules, &parsed)?;
        check_dates(&parsed, None)?;
        let mut am = event::ActiveModel {
            privacy: Set("public".into()),
            state: Set(event::state::DRAFT.into()),
            online: Set(false),
            is_map_shown: Set(false),
            is_sessions_speakers_enabled: Set(false),
            is_sponsors_enabled: Set(false),
            is_ticket_form_enabled: Set(false),
            is_cfs_enabled: Set(false),
            is_featured: Set(false),
            ..Default::default()
        };
        parsed.apply(&mut am)?;
        let created = db::events::create_with_owner(&state.db, am, owner).await?;
        let doc = crud::render::<E>(&state, &caller, req, &created).await?;
        let location = self_link(&Meta::<E>::new(), &created.id.to_string());
        Ok(Created { doc, location })
    }

    /// Get an event
    ///
    /// By numeric id or by 8-hex identifier. A draft is 404 for anyone
    /// without a role on it.
    #[oai(path = "/:event_id", method = "get", operation_id = "get_event")]
    async fn get(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<E, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::get::<E>(&state, &caller, req, by_key(&event_id)?).await?,
        ))
    }

    /// Update an event
    ///
    /// The event's owner, organizers and co-organizers, and staff.
    #[oai(path = "/:event_id", method = "patch", operation_id = "update_event")]
    async fn update(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
        body: JsonApiBody<Doc<E, Update>>,
    ) -> Result<JsonApi<Doc<E, Single>>, Errs<{ DETAIL | WRITE }>> {
        let (model, rules) =
            guard::authorize::<E>(&state, &caller, Action::Update, by_key(&event_id)?).await?;
        let parsed = body::parse(
            body.json()?,
            &Meta::<E>::new(),
            Mode::Update(&model.id.to_string()),
        )?;
        guard::check_fields(&rules, &parsed)?;
        check_dates(&parsed, Some(&model))?;
        let mut am: event::ActiveModel = model.into();
        parsed.apply(&mut am)?;
        let updated = am.update(&state.db).await?;
        Ok(JsonApi(
            crud::render::<E>(&state, &caller, req, &updated).await?,
        ))
    }

    /// Delete an event
    ///
    /// Soft delete, by the event's owner or organizers, or staff.
    #[oai(path = "/:event_id", method = "delete", operation_id = "delete_event")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND | FORBIDDEN }>> {
        Ok(JsonApi(
            crud::delete::<E>(&state, &caller, req, by_key(&event_id)?).await?,
        ))
    }

    /// The event's creator (linkage)
    #[oai(
        path = "/:event_id/relationships/creator",
        method = "get",
        operation_id = "get_event_creator_relationship"
    )]
    async fn creator_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::linkage::<E, true>(&state, &caller, req, by_key(&event_id)?, "creator").await?,
        ))
    }

    /// The event's creator
    ///
    /// 404 unless the caller may see that user (themselves, or staff).
    #[oai(
        path = "/:event_id/creator",
        method = "get",
        operation_id = "get_event_creator"
    )]
    async fn creator(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<UserResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        let cond = by_key(&event_id)?;
        Ok(JsonApi(
            crud::related_one::<E, UserResource>(&state, &caller, req, cond, "creator_id").await?,
        ))
    }

    /// The event's role grants (linkage)
    #[oai(
        path = "/:event_id/relationships/users-events-roles",
        method = "get",
        operation_id = "get_event_users_events_roles_relationship"
    )]
    async fn roles_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<false>>, Errs<{ COMMON | NOT_FOUND }>> {
        let cond = by_key(&event_id)?;
        Ok(JsonApi(
            crud::linkage::<E, false>(&state, &caller, req, cond, "users-events-roles").await?,
        ))
    }

    /// The event's role grants
    ///
    /// Only the grants the caller may see (organizers see all of their event's).
    #[oai(
        path = "/:event_id/users-events-roles",
        method = "get",
        operation_id = "list_event_users_events_roles"
    )]
    async fn roles(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<UsersEventsRoleResource, Collection>>, Errs<{ COMMON | NOT_FOUND }>>
    {
        let cond = by_key(&event_id)?;
        Ok(JsonApi(
            crud::related_many::<E, UsersEventsRoleResource>(
                &state, &caller, req, cond, "event_id",
            )
            .await?,
        ))
    }

    /// The event's role invites (linkage)
    #[oai(
        path = "/:event_id/relationships/role-invites",
        method = "get",
        operation_id = "get_event_role_invites_relationship"
    )]
    async fn invites_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<false>>, Errs<{ COMMON | NOT_FOUND }>> {
        let cond = by_key(&event_id)?;
        Ok(JsonApi(
            crud::linkage::<E, false>(&state, &caller, req, cond, "role-invites").await?,
        ))
    }

    /// The event's role invites
    ///
    /// Organizers see their event's invites; others find only invites sent to them.
    #[oai(
        path = "/:event_id/role-invites",
        method = "get",
        operation_id = "list_event_role_invites"
    )]
    async fn invites(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<RoleInviteResource, Collection>>, Errs<{ COMMON | NOT_FOUND }>> {
        let cond = by_key(&event_id)?;
        Ok(JsonApi(
            crud::related_many::<E, RoleInviteResource>(&state, &caller, req, cond, "event_id")
                .await?,
        ))
    }
}
