//! Role invites: new tokens, the invite mail, and acceptance (one
//! transaction: the grant, the owner hand-over, the invite's status).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::{
    entities::{event, role_invite, user, users_events_role},
    mail, roles,
};

/// A fresh acceptance token (64 hex characters).
pub fn new_hash() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Fills what the server sets on a new invite: token, status, time.
pub fn prepare(am: &mut role_invite::ActiveModel) {
    if am.hash.is_not_set() {
        am.hash = Set(new_hash());
    }
    if am.status.is_not_set() {
        am.status = Set("pending".into());
    }
    if am.created_at.is_not_set() {
        am.created_at = Set(Utc::now());
    }
}

/// Mails the invite's token to the invitee.
pub async fn send_mail(
    db: &impl ConnectionTrait,
    invite: &role_invite::Model,
    frontend_url: &str,
) -> Result<(), DbErr> {
    let link = format!("{frontend_url}/role-invites/accept?token={}", invite.hash);
    let role = &invite.role_name;
    mail::send(
        db,
        &invite.email,
        "role-invite",
        &format!("You are invited as {role}"),
        format!(
            "Open {link} (logged in as {}) to accept the {role} role.",
            invite.email
        ),
        Some(invite.hash.clone()),
    )
    .await?;
    Ok(())
}

/// Why an invite could not be accepted.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    /// The invite's event was deleted.
    #[error("the event of this invite no longer exists")]
    EventGone,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Accepts `invite` for `user` in one transaction: grants the role (once),
/// hands ownership over for an owner invite (the previous owner becomes an
/// organizer), marks the invite accepted and the user's email verified
/// (the invite proved it). Returns the grant.
pub async fn accept<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    invite: role_invite::Model,
    user: user::Model,
) -> Result<users_events_role::Model, AcceptError> {
    let txn = super::write::begin(db).await?;
    let live = event::Entity::find_by_id(invite.event_id)
        .one(&txn)
        .await?
        .is_some_and(|e| e.deleted_at.is_none());
    if !live {
        return Err(AcceptError::EventGone);
    }
    if invite.role_name == "owner" {
        let owner = roles::id_by_name(&txn, "owner").await?;
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
            let already = roles::names_on_event(&txn, holder, invite.event_id).await?;
            if !already.iter().any(|n| n == "organizer") {
                roles::grant(&txn, holder, invite.event_id, "organizer").await?;
            }
        }
    }
    let existing = users_events_role::Entity::find()
        .filter(users_events_role::Column::EventId.eq(invite.event_id))
        .filter(users_events_role::Column::UserId.eq(user.id))
        .filter(users_events_role::Column::RoleId.eq(invite.role_id))
        .one(&txn)
        .await?;
    let grant = match existing {
        Some(g) => g,
        None => roles::grant(&txn, user.id, invite.event_id, &invite.role_name).await?,
    };
    let mut am: role_invite::ActiveModel = invite.into();
    am.status = Set("accepted".into());
    am.update(&txn).await?;
    if !user.is_verified {
        let mut u: user::ActiveModel = user.into();
        u.is_verified = Set(true);
        u.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(grant)
}
