//! `/v1/role-invites`: invite someone to an event role by email; the invitee,
//! logged in, accepts with the token from the mail.

use chrono::Utc;
use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use super::{ApiTags, crud};
use crate::{
    auth::Authenticated,
    auth::Caller,
    db::{
        self,
        entities::{event, role, role_invite, user, users_events_role},
    },
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Collection, Create, Created, Doc, JsonApi, JsonApiBody, Meta, MetaDoc, Single,
        body::{self, Linkage, Mode},
        render::self_link,
        schema::RelDoc,
    },
    permissions::{Action, Args, guard},
    resources::{
        event::EventResource, role::RoleResource, role_invite::RoleInviteResource,
        users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

type I = RoleInviteResource;

/// Role invites.
pub struct RoleInvitesApi;

/// `{"data": {"token"}}`.
#[derive(Debug, Object)]
pub struct AcceptRequest {
    /// The token.
    pub data: AcceptData,
}

/// The invite token from the mail (the invite's `hash`).
#[derive(Debug, Object)]
pub struct AcceptData {
    /// The token.
    pub token: String,
}

fn required_one(linkage: Option<&Linkage>, rel: &str) -> Result<i64, ApiError> {
    match linkage {
        Some(Linkage::One(Some(id))) => Ok(*id),
        _ => Err(ApiError::invalid(
            format!("/data/relationships/{rel}"),
            format!("A valid relationship with `{rel}` is required."),
        )),
    }
}

#[OpenApi(prefix_path = "/v1/role-invites", tag = "ApiTags::Roles")]
impl RoleInvitesApi {
    /// List role invites
    ///
    /// Invites of the events the caller organizes, and invites sent to the
    /// caller (without their token).
    #[oai(path = "/", method = "get", operation_id = "list_role_invites")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
    ) -> Result<JsonApi<Doc<I, Collection>>, Errs<COMMON>> {
        Ok(JsonApi(
            crud::list::<I>(&state, &caller, req, Condition::all()).await?,
        ))
    }

    /// Invite someone to an event role
    ///
    /// The event's owner or organizers; only the owner may invite an owner.
    /// The token goes to the invitee by mail.
    #[oai(path = "/", method = "post", operation_id = "create_role_invite")]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        body: JsonApiBody<Doc<I, Create>>,
    ) -> Result<Created<Doc<I, Single>>, Errs<{ COMMON | FORBIDDEN | NOT_FOUND | WRITE }>> {
        caller.require()?;
        let parsed = body::parse(body.json()?, &Meta::<I>::new(), Mode::Create)?;
        let event_id = required_one(parsed.relationship("event"), "event")?;
        let role_id = required_one(parsed.relationship("role"), "role")?;
        // The event must be visible to the caller (404 otherwise, design §3).
        crud::get::<EventResource>(
            &state,
            &caller,
            req,
            crud::by_id::<EventResource>(&event_id.to_string())?,
        )
        .await
        .map_err(|e| {
            if e.status == 404 {
                e.at_pointer("/data/relationships/event")
            } else {
                e
            }
        })?;
        let role_name = parsed
            .get("role-name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let args = Args {
            event_id: Some(event_id),
            user_id: None,
            role_name: Some(role_name.clone()),
        };
        let rules = guard::authorize_create::<I>(&state, &caller, &args).await?;
        guard::check_fields(&rules, &parsed)?;
        let role = role::Entity::find_by_id(role_id)
            .one(&state.db)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(format!("No role with id `{role_id}`."))
                    .at_pointer("/data/relationships/role")
            })?;
        if role.name != role_name {
            return Err(ApiError::invalid(
                "/data/attributes/role-name",
                format!(
                    "`role-name` is `{role_name}` but the role relationship is `{}`.",
                    role.name
                ),
            )
            .into());
        }
        let email = parsed
            .get("email")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let hash = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let invite = role_invite::ActiveModel {
            email: Set(email.clone()),
            event_id: Set(event_id),
            role_id: Set(role_id),
            role_name: Set(role_name.clone()),
            hash: Set(hash.clone()),
            status: Set("pending".into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&state.db)
        .await?;
        let link = format!(
            "{}/role-invites/accept?token={hash}",
            state.settings.frontend_url
        );
        db::mail::send(
            &state.db,
            &email,
            "role-invite",
            &format!("You are invited as {role_name}"),
            format!("Open {link} (logged in as {email}) to accept the {role_name} role."),
            Some(hash),
        )
        .await?;
        let doc = crud::render::<I>(&state, &caller, req, &invite).await?;
        Ok(Created {
            doc,
            location: self_link(&Meta::<I>::new(), &invite.id.to_string()),
        })
    }

    /// Accept a role invite
    ///
    /// Logged in as the invited email, with the token from the mail. Creates
    /// the role grant; accepting an owner invite makes the previous owner an
    /// organizer. Answers with the new grant.
    #[oai(
        path = "/accept-invite",
        method = "post",
        operation_id = "accept_role_invite"
    )]
    async fn accept(
        &self,
        state: Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        body: Json<AcceptRequest>,
    ) -> Result<
        JsonApi<Doc<UsersEventsRoleResource, Single>>,
        Errs<
            {
                BAD_REQUEST
                    | UNAUTHORIZED
                    | FORBIDDEN
                    | NOT_FOUND
                    | NOT_ACCEPTABLE
                    | UNSUPPORTED_MEDIA_TYPE
            },
        >,
    > {
        let me = auth.user().clone();
        let caller = auth.caller();
        // The invite is found by its token, then authorized like any update:
        // only the invitee sees it (others get 404), and only while pending.
        let by_hash = Condition::all().add(role_invite::Column::Hash.eq(body.data.token.trim()));
        let (invite, _) = guard::authorize::<I>(&state, &caller, Action::Update, by_hash)
            .await
            .map_err(|e| {
                if e.status == 404 {
                    e.at_pointer("/data/token")
                } else {
                    e
                }
            })?;
        let txn = state.db.begin().await?;
        let live = event::Entity::find_by_id(invite.event_id)
            .one(&txn)
            .await?
            .is_some_and(|e| e.deleted_at.is_none());
        if !live {
            return Err(ApiError::not_found("The event of this invite no longer exists.").into());
        }
        if invite.role_name == "owner" {
            let owner = db::roles::id_by_name(&txn, "owner").await?;
            let previous = users_events_role::Entity::find()
                .filter(users_events_role::Column::EventId.eq(invite.event_id))
                .filter(users_events_role::Column::RoleId.eq(owner))
                .all(&txn)
                .await?;
            for grant in previous {
                let holder = grant.user_id;
                users_events_role::Entity::delete_by_id(grant.id)
                    .exec(&txn)
                    .await?;
                let already = db::roles::names_on_event(&txn, holder, invite.event_id).await?;
                if !already.iter().any(|n| n == "organizer") {
                    db::roles::grant(&txn, holder, invite.event_id, "organizer").await?;
                }
            }
        }
        let existing = users_events_role::Entity::find()
            .filter(users_events_role::Column::EventId.eq(invite.event_id))
            .filter(users_events_role::Column::UserId.eq(me.id))
            .filter(users_events_role::Column::RoleId.eq(invite.role_id))
            .one(&txn)
            .await?;
        let grant = match existing {
            Some(g) => g,
            None => db::roles::grant(&txn, me.id, invite.event_id, &invite.role_name).await?,
        };
        let mut am: role_invite::ActiveModel = invite.into();
        am.status = Set("accepted".into());
        am.update(&txn).await?;
        if !me.is_verified {
            let mut u: user::ActiveModel = me.into();
            u.is_verified = Set(true);
            u.update(&txn).await?;
        }
        txn.commit().await?;
        Ok(JsonApi(
            crud::render::<UsersEventsRoleResource>(&state, &caller, req, &grant).await?,
        ))
    }

    /// Get a role invite
    #[oai(path = "/:invite_id", method = "get", operation_id = "get_role_invite")]
    async fn get(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        invite_id: Path<String>,
    ) -> Result<JsonApi<Doc<I, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::get::<I>(&state, &caller, req, crud::by_id::<I>(&invite_id)?).await?,
        ))
    }

    /// Withdraw a role invite
    ///
    /// The event's owner or organizers, while the invite is pending.
    #[oai(
        path = "/:invite_id",
        method = "delete",
        operation_id = "delete_role_invite"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        invite_id: Path<String>,
    ) -> Result<JsonApi<MetaDoc>, Errs<{ COMMON | NOT_FOUND | FORBIDDEN }>> {
        Ok(JsonApi(
            crud::delete::<I>(&state, &caller, req, crud::by_id::<I>(&invite_id)?).await?,
        ))
    }

    /// An invite's event (linkage)
    #[oai(
        path = "/:invite_id/relationships/event",
        method = "get",
        operation_id = "get_role_invite_event_relationship"
    )]
    async fn event_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        invite_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::linkage::<I, true>(&state, &caller, req, crud::by_id::<I>(&invite_id)?, "event")
                .await?,
        ))
    }

    /// An invite's event
    #[oai(
        path = "/:invite_id/event",
        method = "get",
        operation_id = "get_role_invite_event"
    )]
    async fn event(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        invite_id: Path<String>,
    ) -> Result<JsonApi<Doc<EventResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::related_one::<I, EventResource>(
                &state,
                &caller,
                req,
                crud::by_id::<I>(&invite_id)?,
                "event_id",
            )
            .await?,
        ))
    }

    /// An invite's role (linkage)
    #[oai(
        path = "/:invite_id/relationships/role",
        method = "get",
        operation_id = "get_role_invite_role_relationship"
    )]
    async fn role_linkage(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        invite_id: Path<String>,
    ) -> Result<JsonApi<RelDoc<true>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::linkage::<I, true>(&state, &caller, req, crud::by_id::<I>(&invite_id)?, "role")
                .await?,
        ))
    }

    /// An invite's role
    #[oai(
        path = "/:invite_id/role",
        method = "get",
        operation_id = "get_role_invite_role"
    )]
    async fn role(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        req: &Request,
        invite_id: Path<String>,
    ) -> Result<JsonApi<Doc<RoleResource, Single>>, Errs<{ COMMON | NOT_FOUND }>> {
        Ok(JsonApi(
            crud::related_one::<I, RoleResource>(
                &state,
                &caller,
                req,
                crud::by_id::<I>(&invite_id)?,
                "role_id",
            )
            .await?,
        ))
    }
}
