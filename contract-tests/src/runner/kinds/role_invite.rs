//! `role-invite`: an invite to an event role, mailed like the server's own
//! (its token is in the invitee's mail). The address and the status come
//! from the world (`invitee`, `invite-pending`) through [`Seed::lazy`].

use open_event_factories::{Factory, FactoryContext, RoleInviteFactory};

use super::{BoxFuture, Kind, Narrow, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// Role invites (default: a pending invite to a new address, for the
/// `coorganizer` role).
pub struct Invite;

impl Kind for Invite {
    fn type_name(&self) -> &'static str {
        "role-invite"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(RoleInviteFactory::in_context(ctx).build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = RoleInviteFactory::in_context(seed.ctx)
                .for_event(seed.event()?)
                .mailed()
                .lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }

    fn narrow(&self) -> Narrow {
        Narrow::Attribute("email")
    }
}
