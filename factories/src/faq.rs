//! [`FaqFactory`]: an event's frequently asked questions, creating the
//! event (published, with its owner) when none is given.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::faker::lorem::en::{Paragraph, Paragraphs};
use open_event_server::db::{
    self,
    entities::{event, faq},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::FactoryContext,
    error::Result,
    event::EventFactory,
    factory::{Factory, Lazy, run_lazy},
};

/// Questions and answers the factory picks from.
pub const CATALOGUE: &[(&str, &str)] = &[
    (
        "Is there parking at the venue?",
        "Yes: the venue's garage is open from 7:00 to 23:00; spaces are not reserved.",
    ),
    (
        "Will the talks be recorded?",
        "Most talks are recorded and published within two weeks; workshops are not recorded.",
    ),
    (
        "Is the venue wheelchair accessible?",
        "Yes: every room has step-free access, and accessible toilets are on each floor.",
    ),
    (
        "Can I get a refund for my ticket?",
        "Tickets are refundable up to 14 days before the event, and transferable at any time.",
    ),
    (
        "Is there a code of conduct?",
        "Yes: every attendee, speaker, sponsor and volunteer agrees to it when registering.",
    ),
    (
        "Are meals included?",
        "Lunch, coffee and snacks are included on every day; tell us about dietary needs when registering.",
    ),
    (
        "Is there Wi-Fi?",
        "Yes: the network name and password are printed on the back of your badge.",
    ),
    (
        "Can I bring a guest to the evening social?",
        "Yes: each attendee may bring one guest; register them at the front desk.",
    ),
];

#[derive(Clone)]
enum Party<M, F> {
    /// Made by a sub-factory at create time (`None`: the context's
    /// published event).
    New(Option<Box<F>>),
    /// An existing record.
    Existing(M),
}

/// What [`FaqFactory::create_graph`] made.
#[derive(Clone, Debug, PartialEq)]
pub struct FaqGraph {
    /// The event (the one given, or the one the sub-factory created).
    pub event: event::Model,
    /// The stored FAQ.
    pub faq: faq::Model,
}

/// FAQs. Defaults: a question and its answer from [`CATALOGUE`]; a
/// [question](FaqFactory::with_question) found in the catalogue brings its
/// answer, another one a `fake` paragraph (lazy attribute). On a new
/// published event (sub-factory: the event brings its owner) unless
/// [`for_event`](FaqFactory::for_event) names one. `build` creates nothing:
/// its `event_id` is the given event's id, or 0.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let event = EventFactory::new().published().create(&db).await?;
///
/// let faq = FaqFactory::new()
///     .for_event(&event)
///     .with_question("Where do I pick up my badge?")
///     .with_answer("At the front desk, from 8:00.")
///     .create(&db)
///     .await?;
/// assert_eq!((faq.event_id, faq.answer.as_str()), (event.id, "At the front desk, from 8:00."));
///
/// // Nothing given: a published event (and its owner) is created.
/// let g = FaqFactory::new().create_graph(&db).await?;
/// assert_eq!((g.event.state.as_str(), g.faq.event_id), ("published", g.event.id));
/// assert!(g.faq.question.ends_with('?'));
///
/// // build(): in memory, nothing written.
/// let long = FaqFactory::new().long_answer().build()?;
/// assert!(long.id == 0 && long.answer.contains("\n\n"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FaqFactory {
    ctx: FactoryContext,
    event: Party<event::Model, EventFactory>,
    question: Option<String>,
    answer: Option<String>,
    long_answer: bool,
    created_at: Option<DateTime<Utc>>,
    lazy: Vec<Lazy<faq::Model>>,
}

impl Default for FaqFactory {
    fn default() -> Self {
        FaqFactory::new()
    }
}

impl FactoryContext {
    /// A [`FaqFactory`] drawing from this context.
    pub fn faq(&self) -> FaqFactory {
        FaqFactory::in_context(self)
    }
}

impl FaqFactory {
    /// A FAQ factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        FaqFactory::in_context(&FactoryContext::global())
    }

    /// A FAQ factory on `ctx` (also [`FactoryContext::faq`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        FaqFactory {
            ctx: ctx.clone(),
            event: Party::New(None),
            question: None,
            answer: None,
            long_answer: false,
            created_at: None,
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    // ----- sub-factory: the event -----

    /// The FAQ belongs to this existing event (none is created).
    pub fn for_event(mut self, event: &event::Model) -> Self {
        self.event = Party::Existing(event.clone());
        self
    }

    /// The event is made by `factory` at create time (default: the
    /// context's [`EventFactory`], published).
    pub fn with_event(mut self, factory: EventFactory) -> Self {
        self.event = Party::New(Some(Box::new(factory)));
        self
    }

    // ----- overrides -----

    /// Sets the question (the answer follows unless set).
    pub fn with_question(mut self, question: impl Into<String>) -> Self {
        self.question = Some(question.into());
        self
    }

    /// Sets the answer.
    pub fn with_answer(mut self, answer: impl Into<String>) -> Self {
        self.answer = Some(answer.into());
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time of
    /// insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built FAQ after every default,
    /// override and derived field.
    pub fn lazy(mut self, f: impl Fn(&mut faq::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: an answer of several `fake` paragraphs (unless set).
    pub fn long_answer(mut self) -> Self {
        self.long_answer = true;
        self
    }

    /// Creates the missing event, then the FAQ; returns both.
    pub async fn create_graph(mut self, db: &DatabaseConnection) -> Result<FaqGraph> {
        let keep_created_at = self.created_at.is_some();
        let event = match std::mem::replace(&mut self.event, Party::New(None)) {
            Party::Existing(e) => e,
            Party::New(f) => {
                f.map_or_else(|| self.ctx.event().published(), |b| *b)
                    .create(db)
                    .await?
            }
        };
        let model = self.for_event(&event).build()?;
        let mut am = faq::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let faq = db::write::insert(db, am).await?;
        Ok(FaqGraph { event, faq })
    }
}

const KIND: &str = "faq";

impl Factory for FaqFactory {
    type Built = faq::Model;
    type Model = faq::Model;

    fn build(self) -> Result<faq::Model> {
        let mut d = self.ctx.draw(KIND);
        // Every random value first, in a fixed order.
        let (default_question, _) = *d.pick(CATALOGUE);
        let paragraph: String = d.fake(Paragraph(2..4));
        let paragraphs: Vec<String> = d.fake(Paragraphs(3..5));

        let question = self.question.unwrap_or_else(|| default_question.to_owned());
        // Lazy attribute: the answer follows the question.
        let answer = self.answer.unwrap_or_else(|| {
            if self.long_answer {
                paragraphs.join("\n\n")
            } else {
                CATALOGUE
                    .iter()
                    .find(|(q, _)| *q == question)
                    .map_or(paragraph, |(_, a)| (*a).to_owned())
            }
        });
        let mut model = faq::Model {
            id: 0,
            event_id: match &self.event {
                Party::Existing(e) => e.id,
                Party::New(_) => 0,
            },
            question,
            answer,
            created_at: self.created_at.unwrap_or(d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<faq::Model> {
        Ok(self.create_graph(db).await?.faq)
    }
}
