//! [`UserFactory`]: accounts, with staff traits and event-role shortcuts.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fake::{
    faker::{
        lorem::en::Sentence,
        name::en::{FirstName, LastName},
        phone_number::en::PhoneNumber,
    },
    rand::RngExt,
};
use open_event_server::db::{
    self,
    entities::{event, user},
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::{FactoryContext, slug},
    error::Result,
    factory::{Factory, Lazy, run_lazy},
    password::{DEFAULT_PASSWORD, hash_cached},
    role::Role,
};

/// Domain of generated email addresses (`.test` is reserved: never routable).
pub const EMAIL_DOMAIN: &str = "example.test";

/// Users: random names from `fake`, an email derived from them and made
/// unique by the context's sequence, the [`DEFAULT_PASSWORD`], verified,
/// not staff, not blocked.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
///
/// // Defaults, persisted through the server's db layer.
/// let user = UserFactory::new().create(&db).await?;
/// assert!(user.id > 0 && user.is_verified && !user.is_admin);
///
/// // Overrides and traits.
/// let admin = UserFactory::new()
///     .with_email("root@example.test")
///     .with_first_name("Grace")
///     .admin()
///     .create(&db)
///     .await?;
/// assert_eq!(admin.email, "root@example.test");
/// assert!(admin.is_admin);
///
/// // Lazy attribute: the email follows the (overridden) name.
/// let ada = UserFactory::new().with_first_name("Ada").with_last_name("Lovelace").build()?;
/// assert!(ada.email.starts_with("ada.lovelace."));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct UserFactory {
    ctx: FactoryContext,
    email: Option<String>,
    password: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    public_name: Option<String>,
    is_super_admin: Option<bool>,
    is_admin: Option<bool>,
    is_verified: Option<bool>,
    is_blocked: Option<bool>,
    is_profile_public: Option<bool>,
    deleted: bool,
    created_at: Option<DateTime<Utc>>,
    grants: Vec<(i64, Role)>,
    lazy: Vec<Lazy<user::Model>>,
}

impl Default for UserFactory {
    fn default() -> Self {
        UserFactory::new()
    }
}

impl UserFactory {
    /// A user factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        UserFactory::in_context(&FactoryContext::global())
    }

    /// A user factory on `ctx` (also [`FactoryContext::user`]).
    pub fn in_context(ctx: &FactoryContext) -> Self {
        UserFactory {
            ctx: ctx.clone(),
            email: None,
            password: None,
            first_name: None,
            last_name: None,
            public_name: None,
            is_super_admin: None,
            is_admin: None,
            is_verified: None,
            is_blocked: None,
            is_profile_public: None,
            deleted: false,
            created_at: None,
            grants: Vec::new(),
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    // ----- overrides -----

    /// Sets the email (taken as given: not lowercased).
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the password (hashed once per process and password).
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Sets the first name (the email and public name follow).
    pub fn with_first_name(mut self, name: impl Into<String>) -> Self {
        self.first_name = Some(name.into());
        self
    }

    /// Sets the last name (the email and public name follow).
    pub fn with_last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = Some(name.into());
        self
    }

    /// Sets the public name.
    pub fn with_public_name(mut self, name: impl Into<String>) -> Self {
        self.public_name = Some(name.into());
        self
    }

    /// Sets `created_at` (else: the context's now for `build`, the time
    /// of insertion for `create`).
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// A lazy attribute: `f` runs on the built user after every default,
    /// override and derived field.
    ///
    /// ```
    /// use open_event_factories::prelude::*;
    /// # fn main() -> Result<(), FactoryError> {
    /// let u = UserFactory::new()
    ///     .lazy(|u| u.contact = u.first_name.clone())
    ///     .build()?;
    /// assert_eq!(u.contact, u.first_name);
    /// # Ok(()) }
    /// ```
    pub fn lazy(mut self, f: impl Fn(&mut user::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }

    // ----- traits -----

    /// Trait: admin (and verified).
    pub fn admin(mut self) -> Self {
        self.is_admin = Some(true);
        self.is_verified = Some(true);
        self
    }

    /// Trait: super admin (and admin, and verified).
    pub fn super_admin(mut self) -> Self {
        self.is_super_admin = Some(true);
        self.admin()
    }

    /// Trait: email verified (the default).
    pub fn verified(mut self) -> Self {
        self.is_verified = Some(true);
        self
    }

    /// Trait: email not verified.
    pub fn unverified(mut self) -> Self {
        self.is_verified = Some(false);
        self
    }

    /// Trait: blocked by staff.
    pub fn blocked(mut self) -> Self {
        self.is_blocked = Some(true);
        self
    }

    /// Trait: soft-deleted (`deleted_at` = the context's now).
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    /// Trait: public profile.
    pub fn profile_public(mut self) -> Self {
        self.is_profile_public = Some(true);
        self
    }

    // ----- related: roles on existing events, granted after the user -----

    /// Related: after creation, gives the user `role` on `event` (in the
    /// same transaction). `build` ignores it.
    pub fn with_role_on(mut self, role: Role, event: &event::Model) -> Self {
        self.grants.push((event.id, role));
        self
    }

    /// Trait: a second `owner` of `event`.
    pub fn owner_of(self, event: &event::Model) -> Self {
        self.with_role_on(Role::Owner, event)
    }

    /// Trait: `organizer` of `event`.
    pub fn organizer_of(self, event: &event::Model) -> Self {
        self.with_role_on(Role::Organizer, event)
    }

    /// Trait: `coorganizer` of `event`.
    pub fn coorganizer_of(self, event: &event::Model) -> Self {
        self.with_role_on(Role::Coorganizer, event)
    }

    /// Trait: `track-organizer` of `event`.
    pub fn track_organizer_of(self, event: &event::Model) -> Self {
        self.with_role_on(Role::TrackOrganizer, event)
    }

    /// Trait: `moderator` of `event`.
    pub fn moderator_of(self, event: &event::Model) -> Self {
        self.with_role_on(Role::Moderator, event)
    }

    /// Trait: `registrar` of `event`.
    pub fn registrar_of(self, event: &event::Model) -> Self {
        self.with_role_on(Role::Registrar, event)
    }

    /// The plaintext password users of this factory get.
    pub fn password(&self) -> &str {
        self.password.as_deref().unwrap_or(DEFAULT_PASSWORD)
    }
}

impl Factory for UserFactory {
    type Built = user::Model;
    type Model = user::Model;

    fn build(self) -> Result<user::Model> {
        let mut d = self.ctx.draw("user");
        // Every random value first, in a fixed order, so overriding one
        // field never shifts the others.
        let first: String = d.fake(FirstName());
        let last: String = d.fake(LastName());
        let details: String = d.fake(Sentence(6..14));
        let has_details = d.chance(0.7);
        let contact: String = d.fake(PhoneNumber());
        let has_contact = d.chance(0.5);
        let avatar: u64 = d.rng().random();
        let has_twitter = d.chance(0.4);

        let first = self.first_name.unwrap_or(first);
        let last = self.last_name.unwrap_or(last);
        // Lazy attributes: from the final names.
        let full = format!("{first} {last}");
        let email = self
            .email
            .unwrap_or_else(|| d.unique_email(&full, EMAIL_DOMAIN));
        let public_name = self.public_name.unwrap_or_else(|| full.clone());
        let handle = slug(&full, '_');
        let password_hash = hash_cached(self.password.as_deref().unwrap_or(DEFAULT_PASSWORD))?;

        let mut model = user::Model {
            id: 0,
            email,
            password_hash: password_hash.to_string(),
            first_name: Some(first),
            last_name: Some(last),
            public_name: Some(public_name),
            avatar_url: Some(format!("https://avatars.example.test/{avatar:016x}.png")),
            facebook_url: None,
            twitter_url: has_twitter.then(|| format!("https://twitter.com/{handle}")),
            instagram_url: None,
            google_plus_url: None,
            details: has_details.then_some(details),
            contact: has_contact.then_some(contact),
            is_profile_public: self.is_profile_public.unwrap_or(false),
            is_super_admin: self.is_super_admin.unwrap_or(false),
            is_admin: self.is_admin.unwrap_or(false),
            is_verified: self.is_verified.unwrap_or(true),
            is_blocked: self.is_blocked.unwrap_or(false),
            token_version: 0,
            created_at: self.created_at.unwrap_or(d.now()),
            deleted_at: self.deleted.then(|| d.now()),
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<user::Model> {
        let keep_created_at = self.created_at.is_some();
        let grants = self.grants.clone();
        let model = self.build()?;
        let mut am = user::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        if !keep_created_at {
            am.created_at = NotSet;
        }
        let txn = open_event_server::db::write::begin(db).await?;
        let user = db::users::create(&txn, am).await?;
        for (event_id, role) in grants {
            db::roles::grant(&txn, user.id, event_id, role.name()).await?;
        }
        txn.commit().await?;
        Ok(user)
    }
}
