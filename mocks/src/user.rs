//! The people who "log in" at the fake providers.

/// An account at a fake provider.
///
/// One value serves both stand-ins: `id` is Google's `sub` and Facebook's user `id`;
/// `given_name`/`family_name` are Facebook's `first_name`/`last_name`.
///
/// `FakeUser::new(email)` derives every other field from the email, deterministically, so
/// the same email always yields the same account. The `with_*` methods override fields:
///
/// ```
/// use open_event_mocks::FakeUser;
///
/// let grace = FakeUser::new("grace.hopper@example.com");
/// assert_eq!(grace.name, "Grace Hopper");
/// assert_eq!(grace, FakeUser::new("grace.hopper@example.com"));
///
/// let unverified = FakeUser::new("mallory@example.com")
///     .with_names("Mal", "Lory")
///     .unverified();
/// assert_eq!(unverified.name, "Mal Lory");
/// assert!(!unverified.email_verified);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Google `sub` / Facebook `id`: a string of digits, stable for a given email.
    pub id: String,
    /// The account's email; `None` for a Facebook account created with a phone number.
    pub email: Option<String>,
    /// Whether the provider vouches for the email. Facebook hides unverified emails.
    pub email_verified: bool,
    /// Display name, "given family" unless set with [`FakeUser::with_display_name`].
    pub name: String,
    /// Google `given_name` / Facebook `first_name`.
    pub given_name: String,
    /// Google `family_name` / Facebook `last_name`.
    pub family_name: String,
    /// Avatar URL; `None` means the stand-in serves a generated SVG avatar itself.
    pub picture: Option<String>,
    /// Facebook profile `link`; `None` means the app-scoped link Facebook would give.
    pub link: Option<String>,
}

impl FakeUser {
    /// A verified account whose id and names are derived from `email`
    /// (`ada.lovelace@…` → "Ada Lovelace"; `bob@…` → "Bob User").
    pub fn new(email: impl Into<String>) -> Self {
        let email = email.into();
        let local = email.split('@').next().unwrap_or_default();
        let mut words = local
            .split(['.', '_', '-', '+'])
            .filter(|w| !w.is_empty())
            .map(capitalize);
        let given = words.next().unwrap_or_else(|| "Test".to_owned());
        let family = words.collect::<Vec<_>>().join(" ");
        let family = if family.is_empty() {
            "User".to_owned()
        } else {
            family
        };
        Self {
            id: stable_id(&email),
            email: Some(email),
            email_verified: true,
            name: format!("{given} {family}"),
            given_name: given,
            family_name: family,
            picture: None,
            link: None,
        }
    }

    /// Overrides the provider id (Google `sub`, Facebook `id`).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets given and family names, and the display name to "given family".
    pub fn with_names(mut self, given: impl Into<String>, family: impl Into<String>) -> Self {
        self.given_name = given.into();
        self.family_name = family.into();
        self.name = format!("{} {}", self.given_name, self.family_name);
        self
    }

    /// Sets the display name only.
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Marks the email as not verified by the provider.
    pub fn unverified(mut self) -> Self {
        self.email_verified = false;
        self
    }

    /// Removes the email (a Facebook account registered with a phone number).
    pub fn without_email(mut self) -> Self {
        self.email = None;
        self
    }

    /// Sets the avatar URL.
    pub fn with_picture(mut self, url: impl Into<String>) -> Self {
        self.picture = Some(url.into());
        self
    }

    /// Sets the Facebook profile link.
    pub fn with_link(mut self, url: impl Into<String>) -> Self {
        self.link = Some(url.into());
        self
    }

    /// The Facebook profile link: the one set, or the app-scoped one Facebook gives.
    pub fn facebook_link(&self) -> String {
        self.link
            .clone()
            .unwrap_or_else(|| format!("https://www.facebook.com/app_scoped_user_id/{}/", self.id))
    }

    /// Initials for the generated avatar.
    pub(crate) fn initials(&self) -> String {
        [&self.given_name, &self.family_name]
            .iter()
            .filter_map(|n| n.chars().find(|c| c.is_alphanumeric()))
            .flat_map(char::to_uppercase)
            .collect()
    }
}

impl Default for FakeUser {
    /// Ada Lovelace, `ada.lovelace@example.com`: the stand-ins' default account.
    fn default() -> Self {
        Self::new(DEFAULT_USER_EMAIL)
    }
}

/// The email of [`FakeUser::default`], the account every stand-in starts with.
pub const DEFAULT_USER_EMAIL: &str = "ada.lovelace@example.com";

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// 21 digits from FNV-1a of the email: stable across runs and platforms, unlike `Hash`.
fn stable_id(email: &str) -> String {
    let hash = email.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("1{hash:020}")
}
