//! Authentication (design §3 step 2): a token that is sent is always
//! verified. Garbage, tampered, wrong-secret, expired and wrong-type tokens
//! → 401 on every operation that reads a token; no token → 401 where one
//! is required.

use super::{
    Caps, Derived,
    base::{BasePlan, TokenUse},
};
use crate::runner::{
    model::{Actor, Scenario},
    spec::Operation,
    target::TokenFault,
};

/// Plans the 401 cases.
pub fn derive(op: &Operation, base: &BasePlan, caps: &Caps, out: &mut Derived) {
    if !caps.seeding() {
        return;
    }
    let reads_token = op.security.reads_token() || base.token != TokenUse::None;
    if !reads_token {
        return;
    }
    for fault in TokenFault::ALL {
        if fault == TokenFault::Expired && !caps.can_sign {
            out.skipped.push(format!(
                "{}: {} — needs the server's JWT secret (--jwt-secret)",
                op.id,
                fault.name()
            ));
            continue;
        }
        out.push(401, Actor::Registered, Scenario::BadToken { fault });
    }
    if op.requires_auth || base.token == TokenUse::Refresh {
        out.push(401, Actor::Registered, Scenario::NoToken);
    }
}
