//! The kind of every record that belongs to an event (sponsors, tracks,
//! FAQs, …), generic over its factory: the factories crate registers each
//! [`EventChild`] once (`event_children!` in its `lib.rs`) and the runner
//! visits them, so such a resource needs no kind of its own.

use std::marker::PhantomData;

use open_event_factories::{
    EventChild, EventChildFactory, EventChildVisitor, Factory, FactoryContext,
};
use sea_orm::IdenStatic;

use super::{BoxFuture, Kind, Row, Seed, built, registry, stored};
use crate::runner::RunnerError;

/// The kind of the event child `S`: built and created by its
/// [`EventChildFactory`], on the world's event, with the world's columns.
pub struct Child<S> {
    type_name: &'static str,
    spec: PhantomData<fn() -> S>,
}

impl<S: EventChild> Kind for Child<S> {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(EventChildFactory::<S>::in_context(ctx).build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = EventChildFactory::<S>::in_context(seed.ctx)
                .for_event(seed.event()?)
                .lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}

/// Collects the kinds of the registered event children whose table the
/// server declares a resource for (matched by table name).
#[derive(Default)]
pub struct Children {
    /// The kinds found, in registration order.
    pub kinds: Vec<&'static dyn Kind>,
    /// Registered event children whose table no declared resource has.
    pub undeclared: Vec<&'static str>,
}

impl EventChildVisitor for Children {
    fn visit<S: EventChild>(&mut self) {
        let table = <S::Entity as Default>::default().as_str();
        match registry().all().iter().find(|r| r.table() == table) {
            Some(res) => {
                // Leaked once per process (`kinds()` runs once): kinds are
                // `&'static dyn Kind` like the hand-written ones.
                let kind: &'static Child<S> = Box::leak(Box::new(Child {
                    type_name: res.type_name(),
                    spec: PhantomData,
                }));
                self.kinds.push(kind);
            }
            None => self.undeclared.push(table),
        }
    }
}
