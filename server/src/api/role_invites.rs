//! `POST /v1/role-invites/accept-invite`: the invitee, logged in, accepts
//! with the token from the mail. (The invite's CRUD and relationship
//! endpoints are generated from `resources::role_invite`.)

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, payload::Json};
use sea_orm::{ColumnTrait, Condition};

use super::{ApiTags, strict::Text};
use crate::{
    auth::Authenticated,
    db::{
        self,
        entities::{role_invite, users_events_role},
        role_invites::AcceptError,
    },
    error::{ApiError, Errs, status::*},
    jsonapi::{
        Doc, JsonApi, Meta, Single,
        ops::{self, authorize_model},
    },
    permissions::Action,
    resources::{role_invite::RoleInviteResource, users_events_role::UsersEventsRoleResource},
    state::AppState,
};

/// The invite acceptance.
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
    pub token: Text,
}

#[OpenApi(prefix_path = "/v1/role-invites", tag = "ApiTags::Roles")]
impl RoleInvitesApi {
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
        let caller = auth.caller();
        // The invite is found by its token, then authorized like any update:
        // only the invitee sees it (others get 404), and only while pending.
        let by_hash = Condition::all().add(role_invite::Column::Hash.eq(body.data.token.trim()));
        let (_, invite) =
            authorize_model::<RoleInviteResource>(&state, &caller, Action::Update, by_hash)
                .await
                .map_err(|e| {
                    if e.status == 404 {
                        e.at_pointer("/data/token")
                    } else {
                        e
                    }
                })?;
        let grant = db::role_invites::accept(&state.writer, invite, auth.user().clone())
            .await
            .map_err(|e| match e {
                AcceptError::EventGone => {
                    ApiError::not_found("The event of this invite no longer exists.")
                }
                AcceptError::Db(e) => e.into(),
            })?;
        let grants = &Meta::<UsersEventsRoleResource>::new();
        let by_id = Condition::all().add(users_events_role::Column::Id.eq(grant.id));
        let doc = ops::get(&state, &caller, req, grants, by_id).await?;
        Ok(JsonApi(Doc::new(doc.to_value())))
    }
}
