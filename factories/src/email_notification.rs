//! [`EmailNotificationFactory`]: a user's mail preferences for one event,
//! creating the event (published, with its owner) when none is given.

use open_event_server::{db::entities::user, resources::email_notification};

use crate::Draw;
use crate::Result;
use crate::event_child::{Common, EventChild, EventChildFactory, event_child, setters};

/// Email notification settings. Defaults: each flag drawn at random; the
/// user is the one given ([`for_user`](EmailNotificationFactory::for_user)),
/// else the event's creator (its owner). Its event: see
/// [`EventChildFactory`].
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
/// let ada = UserFactory::new().create(&db).await?;
/// let event = EventFactory::new().published().create(&db).await?;
///
/// let mine = EmailNotificationFactory::new()
///     .for_event(&event)
///     .for_user(&ada)
///     .all_on()
///     .create(&db)
///     .await?;
/// assert_eq!((mine.event_id, mine.user_id), (event.id, ada.id));
/// assert!(mine.next_event && mine.new_paper && mine.after_ticket_purchase);
///
/// // No user given: the event's owner.
/// let g = EmailNotificationFactory::new().create_graph(&db).await?;
/// assert_eq!(Some(g.email_notification.user_id), g.event.creator_id);
/// # Ok(()) }
/// ```
pub type EmailNotificationFactory = EventChildFactory<EmailNotificationSpec>;

event_child! {
    fn email_notification() -> EmailNotificationFactory;
    struct EmailNotificationGraph {
        /// The stored settings.
        email_notification: email_notification::Model,
    }
}

/// The overrides of an [`EmailNotificationFactory`].
#[derive(Clone, Debug, Default)]
pub struct EmailNotificationSpec {
    user_id: Option<i64>,
    all: Option<bool>,
}

impl EmailNotificationFactory {
    setters! {
        /// The settings are this user's.
        for_user(user: &user::Model) => user_id = Some(user.id);
        /// Trait: every flag on.
        all_on() => all = Some(true);
        /// Trait: every flag off.
        all_off() => all = Some(false);
    }
}

impl EventChild for EmailNotificationSpec {
    const KIND: &'static str = "email_notification";
    type Entity = email_notification::Entity;

    fn build(self, d: &mut Draw, c: &Common<'_>) -> Result<email_notification::Model> {
        // Every random value first, in a fixed order.
        let mut flags = [false; 5];
        for flag in &mut flags {
            *flag = *d.pick(&[true, false]);
        }
        if let Some(all) = self.all {
            flags = [all; 5];
        }
        let [next_event, new_paper, session_accept_reject, session_schedule, after_ticket_purchase] =
            flags;
        Ok(email_notification::Model {
            id: 0,
            event_id: c.event_id,
            user_id: self
                .user_id
                .or_else(|| c.event.and_then(|e| e.creator_id))
                .unwrap_or(0),
            next_event,
            new_paper,
            session_accept_reject,
            session_schedule,
            after_ticket_purchase,
            created_at: c.created_at,
        })
    }

    type Graph = EmailNotificationGraph;
}
