//! `/v1/events`: events by id or identifier, their creator and role grants.

use chrono::Duration;
use poem::Request;
use poem_openapi::{OpenApi, param::Path};
use sea_orm::{ActiveModelTrait, Set};

use super::{ApiTags, common};
use crate::{
    auth::{Authenticated, Caller},
    db::{self, entities::event},
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Create, Created, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single, Update,
        body::{self, Mode, Parsed},
        fetch,
        query::QueryKind,
        registry::to_row,
        render::{meta_document, self_link},
        schema::RelDoc,
    },
    resources::{
        ORGANIZER_ROLES,
        event::{EventResource, MAX_DAYS},
        user::UserResource,
        users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

type E = EventResource;

/// Events.
pub struct EventsApi;

async fn find(state: &AppState, caller: &Caller, key: &str) -> Result<event::Model, ApiError> {
    let cond = db::events::by_id_or_identifier(key)
        .ok_or_else(|| ApiError::not_found(format!("No event with id or identifier `{key}`.")))?;
    fetch::find_visible::<E>(&state.db, caller, cond).await
}

/// Owner, organizer or co-organizer of the event, or staff; else 403.
async fn require_organizer(
    state: &AppState,
    caller: &Caller,
    event: &event::Model,
) -> Result<(), ApiError> {
    if caller.is_staff() {
        return Ok(());
    }
    let user_id = caller.require()?.user.id;
    let roles = db::roles::names_on_event(&state.db, user_id, event.id).await?;
    if roles.iter().any(|r| ORGANIZER_ROLES.contains(&r.as_str())) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the event's organizers (owner, organizer, co-organizer) or staff may do this.",
        ))
    }
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
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
    ) -> Result<JsonApi<Doc<E, Collection>>, Errs<COMMON>> {
        let q = common::query::<E>(req, &caller, QueryKind::List)?;
        let doc = fetch::list_document::<E>(
            &state.db,
            &caller,
            &q,
            sea_orm::Condition::all(),
            req.uri().path(),
        )
        .await?;
        Ok(JsonApi(Doc::new(doc)))
    }

    /// Create an event
    ///
    /// Any registered user; the creator becomes the event's `owner`.
    /// Defaults: `state` draft, `privacy` public.
    #[oai(path = "/", method = "post", operation_id = "create_event")]
    async fn create(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        body: JsonApiBody<Doc<E, Create>>,
    ) -> Result<Created<Doc<E, Single>>, Errs<{ COMMON | FORBIDDEN | WRITE }>> {
        let caller = auth.caller();
        let q = common::query::<E>(req, &caller, QueryKind::Detail)?;
        let parsed = body::parse(body.json()?, &Meta::<E>::new(), Mode::Create)?;
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
        let created = db::events::create_with_owner(&state.db, am, auth.user().id).await?;
        let doc = fetch::single_document::<E>(&state.db, &caller, &created, &q).await?;
        let location = self_link(&Meta::<E>::new(), &created.id.to_string());
        Ok(Created {
            doc: Doc::new(doc),
            location,
        })
    }

    /// Get an event
    ///
    /// By numeric id or by 8-hex identifier. A draft is 404 for anyone
    /// without a role on it.
    #[oai(path = "/:event_id", method = "get", operation_id = "get_event")]
    async fn get(
        &self,
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<E, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        let model = find(&state, &caller, &event_id).await?;
        let q = common::query::<E>(req, &caller, QueryKind::Detail)?;
        Ok(JsonApi(Doc::new(
            fetch::single_document::<E>(&state.db, &caller, &model, &q).await?,
        )))
    }

    /// Update an event
    ///
    /// The event's owner, organizers and co-organizers, and staff.
    #[oai(path = "/:event_id", method = "patch", operation_id = "update_event")]
    async fn update(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        event_id: Path<String>,
        body: JsonApiBody<Doc<E, Update>>,
    ) -> Result<JsonApi<Doc<E, Single>>, Errs<{ DETAIL | WRITE }>> {
        let caller = auth.caller();
        let model = find(&state, &caller, &event_id).await?;
        require_organizer(&state, &caller, &model).await?;
        let q = common::query::<E>(req, &caller, QueryKind::Detail)?;
        let parsed = body::parse(
            body.json()?,
            &Meta::<E>::new(),
            Mode::Update(&model.id.to_string()),
        )?;
        check_dates(&parsed, Some(&model))?;
        let mut am: event::ActiveModel = model.into();
        parsed.apply(&mut am)?;
        let updated = am.update(&state.db).await?;
        Ok(JsonApi(Doc::new(
            fetch::single_document::<E>(&state.db, &caller, &updated, &q).await?,
        )))
    }

    /// Delete an event
    ///
    /// Soft delete, by the event's organizers or staff.
    #[oai(path = "/:event_id", method = "delete", operation_id = "delete_event")]
    async fn delete(
        &self,
        state: poem::web::Data<&AppState>,
        auth: Authenticated,
        event_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND | FORBIDDEN }>> {
        let caller = auth.caller();
        let model = find(&state, &caller, &event_id).await?;
        require_organizer(&state, &caller, &model).await?;
        db::events::soft_delete(&state.db, model).await?;
        Ok(JsonApi(MetaDoc(meta_document(
            "Object successfully deleted",
        ))))
    }

    /// The event's creator (linkage)
    #[oai(
        path = "/:event_id/relationships/creator",
        method = "get",
        operation_id = "get_event_creator_relationship"
    )]
    async fn creator_linkage(
        &self,
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        let model = find(&state, &caller, &event_id).await?;
        common::query::<E>(req, &caller, QueryKind::Linkage)?;
        let doc = fetch::linkage_document(
            &state.db,
            &caller,
            &Meta::<E>::new(),
            &to_row(&model),
            "creator",
        )
        .await?;
        Ok(JsonApi(RelDoc(doc)))
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
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<UserResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        let model = find(&state, &caller, &event_id).await?;
        let creator = model
            .creator_id
            .ok_or_else(|| ApiError::not_found("This event has no creator on record."))?;
        let user = fetch::find_visible::<UserResource>(
            &state.db,
            &caller,
            common::by_id::<UserResource>(&creator.to_string())?,
        )
        .await?;
        let q = common::query::<UserResource>(req, &caller, QueryKind::Detail)?;
        Ok(JsonApi(Doc::new(
            fetch::single_document::<UserResource>(&state.db, &caller, &user, &q).await?,
        )))
    }

    /// The event's role grants (linkage)
    #[oai(
        path = "/:event_id/relationships/users-events-roles",
        method = "get",
        operation_id = "get_event_users_events_roles_relationship"
    )]
    async fn roles_linkage(
        &self,
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<false>>, Errs<{ COMMON | NOT_FOUND }>> {
        let model = find(&state, &caller, &event_id).await?;
        common::query::<E>(req, &caller, QueryKind::Linkage)?;
        let doc = fetch::linkage_document(
            &state.db,
            &caller,
            &Meta::<E>::new(),
            &to_row(&model),
            "users-events-roles",
        )
        .await?;
        Ok(JsonApi(RelDoc(doc)))
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
        state: poem::web::Data<&AppState>,
        caller: Caller,
        req: &Request,
        event_id: Path<String>,
    ) -> Result<JsonApi<Doc<UsersEventsRoleResource, Collection>>, Errs<{ COMMON | NOT_FOUND }>>
    {
        let model = find(&state, &caller, &event_id).await?;
        let q = common::query::<UsersEventsRoleResource>(req, &caller, QueryKind::List)?;
        let scope = common::belonging_to::<UsersEventsRoleResource>("event_id", model.id);
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
