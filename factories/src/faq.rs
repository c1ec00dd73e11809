//! [`FaqFactory`]: an event's frequently asked questions, creating the
//! event (published, with its owner) when none is given.

use fake::faker::lorem::en::{Paragraph, Paragraphs};
use open_event_server::resources::faq;

use crate::event_child::{Common, EventChild, EventChildFactory, event_child, setters};
use crate::{Draw, Result};

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

/// FAQs. Defaults: a question and its answer from [`CATALOGUE`]; a
/// [question](FaqFactory::with_question) found in the catalogue brings its
/// answer, another one a `fake` paragraph (lazy attribute). Its event: see
/// [`EventChildFactory`].
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
pub type FaqFactory = EventChildFactory<FaqSpec>;

event_child! {
    fn faq() -> FaqFactory;
    struct FaqGraph {
        /// The stored FAQ.
        faq: faq::Model,
    }
}

/// The overrides of a [`FaqFactory`].
#[derive(Clone, Debug, Default)]
pub struct FaqSpec {
    question: Option<String>,
    answer: Option<String>,
    long_answer: bool,
}

impl FaqFactory {
    setters! {
        /// Sets the question (the answer follows unless set).
        with_question(question: impl Into<String>) => question = Some(question.into());
        /// Sets the answer.
        with_answer(answer: impl Into<String>) => answer = Some(answer.into());
        /// Trait: an answer of several `fake` paragraphs (unless set).
        long_answer() => long_answer = true;
    }
}

impl EventChild for FaqSpec {
    const KIND: &'static str = "faq";
    type Entity = faq::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<faq::Model> {
        // Every random value first, in a fixed order.
        let (default_question, _) = *d.pick(CATALOGUE);
        let paragraph: String = d.fake(Paragraph(2..4));
        let paragraphs: Vec<String> = d.fake(Paragraphs(3..5));

        let question = self.question.unwrap_or_else(|| default_question.to_owned());
        // Lazy attribute: the answer follows the question.
        let known = CATALOGUE.iter().find(|(q, _)| *q == question);
        let answer = self.answer.unwrap_or_else(|| match known {
            _ if self.long_answer => paragraphs.join("\n\n"),
            Some((_, a)) => (*a).to_owned(),
            None => paragraph,
        });
        Ok(faq::Model {
            id: 0,
            event_id: c.event_id,
            created_at: c.created_at,
            question,
            answer,
        })
    }

    type Graph = FaqGraph;
}
