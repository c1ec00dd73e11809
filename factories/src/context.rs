//! Seeds, sequences and the per-object random generator: the plumbing every
//! factory shares.
//!
//! A [`FactoryContext`] owns a seed, a clock and the sequence counters.
//! Each time a factory builds an object it [draws](FactoryContext::draw) a
//! [`Draw`]: the object's position among the objects of its kind in this
//! context (its *index*), its *sequence number* for unique fields, the *run
//! token* that makes unique fields unique across processes, the reference
//! time, and a ChaCha8 generator seeded from `(seed, kind, index)`.
//!
//! # Determinism
//!
//! Random fields are a pure function of `(seed, kind, index)`: the n-th user
//! built in a [`FactoryContext::seeded`] context is the same, byte for byte,
//! in every run and on every machine, whatever else was built before it
//! (users and events count separately). A seeded context also numbers its
//! sequences from 1, derives its run token from the seed and freezes its
//! clock at [`reference_time`], so `build()` on a fresh seeded context is
//! fully deterministic: unique fields and dates included.
//!
//! # Uniqueness
//!
//! Unique fields (emails, …) combine a sequence number with a run token:
//!
//! * [`Uniqueness::Seeded`] (the default of [`FactoryContext::seeded`]):
//!   the context's own counter and a token derived from the seed.
//!   Deterministic, and unique among everything the context builds; two
//!   contexts with the same seed produce the same values, so give each its
//!   own database (`sqlite::memory:`).
//! * [`Uniqueness::Process`] (the [`FactoryContext::global`] context, or any
//!   context after [`FactoryContext::unique_across_processes`]): a
//!   process-global atomic counter per kind, and a token of 32 random bits
//!   drawn once per process. The counter keeps values distinct across tasks
//!   and threads of one process; the token keeps them distinct across
//!   processes sharing one PostgreSQL database (two processes collide only
//!   if their tokens are equal: about one chance in 4·10⁹ per pair), and
//!   across runs against a database that is kept between runs. Random
//!   fields stay seeded; only the unique parts change from run to run.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};

use chrono::{DateTime, SubsecRound, Utc};
use fake::{
    Dummy, Fake,
    rand::{RngExt, SeedableRng},
};

use crate::{event::EventFactory, user::UserFactory, users_events_role::UsersEventsRoleFactory};

/// The random generator factories draw from: ChaCha8, whose output for a
/// given seed is fixed by its specification (portable across platforms and
/// versions).
pub type FactoryRng = fake::rand::rngs::ChaCha8Rng;

/// The seed of the [global](FactoryContext::global) context unless
/// [`SEED_ENV`] says otherwise.
pub const DEFAULT_SEED: u64 = 0x0E7E_2026;

/// Environment variable overriding the global context's seed (decimal, or
/// hexadecimal with `0x`), to replay or vary the data of a test run.
pub const SEED_ENV: &str = "OPEN_EVENT_FACTORY_SEED";

/// Unix time of [`reference_time`].
const REFERENCE_UNIX: i64 = 1_767_603_600;

/// The frozen "now" of seeded contexts: Monday 2026-01-05 09:00:00 UTC.
/// Dates that factories derive from "now" (event starts, `created_at` of
/// built records) are then reproducible.
pub fn reference_time() -> DateTime<Utc> {
    DateTime::from_timestamp(REFERENCE_UNIX, 0).unwrap_or_default()
}

/// How a context makes unique fields unique. See the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uniqueness {
    /// Per-context counters, token derived from the seed: deterministic.
    Seeded,
    /// Process-global counters, random per-process token: unique across
    /// tasks, threads and processes.
    Process,
}

#[derive(Clone, Debug)]
struct Settings {
    seed: u64,
    /// `None`: the live clock.
    now: Option<DateTime<Utc>>,
    uniqueness: Uniqueness,
    token: Arc<str>,
}

type Counters = Mutex<BTreeMap<&'static str, u64>>;

/// Counters shared by every context in [`Uniqueness::Process`] mode.
static PROCESS_COUNTERS: Counters = Mutex::new(BTreeMap::new());
static PROCESS_TOKEN: OnceLock<Arc<str>> = OnceLock::new();
static GLOBAL: OnceLock<FactoryContext> = OnceLock::new();

/// The 8-hex-digit token of this process (random, drawn once).
pub fn process_token() -> Arc<str> {
    PROCESS_TOKEN
        .get_or_init(|| {
            let bits = uuid::Uuid::new_v4().as_u128() as u32;
            Arc::from(format!("{bits:08x}"))
        })
        .clone()
}

fn bump(counters: &Counters, kind: &'static str) -> u64 {
    let mut map = counters.lock().unwrap_or_else(PoisonError::into_inner);
    let n = map.entry(kind).or_insert(0);
    *n += 1;
    *n
}

/// SplitMix64: a tiny, well-mixed, fixed function for deriving seeds.
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a: a stable hash of a kind name (std's hasher may change).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// The generator of object `index` of `kind` under `seed`.
pub fn rng_for(seed: u64, kind: &str, index: u64) -> FactoryRng {
    let mut state = seed;
    splitmix(&mut state);
    state ^= fnv1a(kind);
    splitmix(&mut state);
    state ^= index;
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&splitmix(&mut state).to_le_bytes());
    }
    FactoryRng::from_seed(bytes)
}

fn seed_token(seed: u64) -> Arc<str> {
    let mut state = seed ^ 0x7010_C3E5;
    Arc::from(format!("{:08x}", splitmix(&mut state) as u32))
}

fn env_seed() -> Option<u64> {
    let raw = std::env::var(SEED_ENV).ok()?;
    let raw = raw.trim();
    match raw.strip_prefix("0x").or_else(|| raw.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => raw.parse().ok(),
    }
}

/// Seed, clock and sequence counters shared by the factories built from it.
///
/// Cheap to clone (clones share counters). See the [module docs](self) for
/// what is deterministic and what is unique.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # fn main() -> Result<(), FactoryError> {
/// let a = FactoryContext::seeded(7).user().build()?;
/// let b = FactoryContext::seeded(7).user().build()?;
/// assert_eq!(a, b); // same seed, fresh context: the same user
/// assert_ne!(a, FactoryContext::seeded(8).user().build()?);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct FactoryContext {
    settings: Arc<Settings>,
    counters: Arc<Counters>,
}

impl FactoryContext {
    /// A deterministic context: counters from 1, token from the seed, clock
    /// frozen at [`reference_time`].
    pub fn seeded(seed: u64) -> Self {
        FactoryContext {
            settings: Arc::new(Settings {
                seed,
                now: Some(reference_time()),
                uniqueness: Uniqueness::Seeded,
                token: seed_token(seed),
            }),
            counters: Arc::new(Mutex::new(BTreeMap::new())),
        }
    }

    /// The process-wide context that [`UserFactory::new`] and friends use:
    /// seed [`DEFAULT_SEED`] (or [`SEED_ENV`]), live clock,
    /// [`Uniqueness::Process`].
    pub fn global() -> Self {
        GLOBAL
            .get_or_init(|| {
                FactoryContext::seeded(env_seed().unwrap_or(DEFAULT_SEED))
                    .with_live_clock()
                    .unique_across_processes()
            })
            .clone()
    }

    fn with_settings(self, f: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = (*self.settings).clone();
        f(&mut settings);
        FactoryContext {
            settings: Arc::new(settings),
            counters: self.counters,
        }
    }

    /// Freezes "now" at `now` (whole seconds).
    pub fn with_now(self, now: DateTime<Utc>) -> Self {
        self.with_settings(|s| s.now = Some(now.trunc_subsecs(0)))
    }

    /// Uses the real clock for "now" (dates then vary from run to run).
    pub fn with_live_clock(self) -> Self {
        self.with_settings(|s| s.now = None)
    }

    /// Switches to [`Uniqueness::Process`]: random fields keep following
    /// the seed, unique fields become unique across processes and runs.
    pub fn unique_across_processes(self) -> Self {
        self.with_settings(|s| {
            s.uniqueness = Uniqueness::Process;
            s.token = process_token();
        })
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.settings.seed
    }

    /// The run token put into unique fields.
    pub fn run_token(&self) -> &str {
        &self.settings.token
    }

    /// How unique fields are made unique.
    pub fn uniqueness(&self) -> Uniqueness {
        self.settings.uniqueness
    }

    /// The context's "now": frozen, or the real time to the second.
    pub fn now(&self) -> DateTime<Utc> {
        self.settings
            .now
            .unwrap_or_else(|| Utc::now().trunc_subsecs(0))
    }

    /// Reserves the next object of `kind`: every factory calls this once
    /// per object it builds, and takes all its random and unique values from
    /// the returned [`Draw`].
    pub fn draw(&self, kind: &'static str) -> Draw {
        let index = bump(&self.counters, kind);
        let seq = match self.settings.uniqueness {
            Uniqueness::Seeded => index,
            Uniqueness::Process => bump(&PROCESS_COUNTERS, kind),
        };
        Draw {
            kind,
            index,
            seq,
            token: self.settings.token.clone(),
            now: self.now(),
            rng: rng_for(self.settings.seed, kind, index),
        }
    }

    /// A [`UserFactory`] drawing from this context.
    pub fn user(&self) -> UserFactory {
        UserFactory::in_context(self)
    }

    /// An [`EventFactory`] drawing from this context.
    pub fn event(&self) -> EventFactory {
        EventFactory::in_context(self)
    }

    /// A [`UsersEventsRoleFactory`] drawing from this context.
    pub fn users_events_role(&self) -> UsersEventsRoleFactory {
        UsersEventsRoleFactory::in_context(self)
    }
}

impl Default for FactoryContext {
    /// The [global](FactoryContext::global) context.
    fn default() -> Self {
        FactoryContext::global()
    }
}

/// One object's share of a context: its numbers, its clock and its
/// generator. Factories build every field from a `Draw`.
#[derive(Debug)]
pub struct Draw {
    kind: &'static str,
    index: u64,
    seq: u64,
    token: Arc<str>,
    now: DateTime<Utc>,
    rng: FactoryRng,
}

impl Draw {
    /// The kind of object (`"user"`, `"event"`, …).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Position among the objects of this kind in the context, from 1:
    /// what the generator is seeded with.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The sequence number for unique fields, from 1.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The run token for unique fields.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The context's "now" when the object was drawn.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The object's generator.
    pub fn rng(&mut self) -> &mut FactoryRng {
        &mut self.rng
    }

    /// A value from a `fake` faker, on this object's generator.
    ///
    /// ```
    /// use fake::faker::name::en::FirstName;
    /// use open_event_factories::FactoryContext;
    ///
    /// let mut draw = FactoryContext::seeded(1).draw("example");
    /// let name: String = draw.fake(FirstName());
    /// assert!(!name.is_empty());
    /// ```
    pub fn fake<T: Dummy<F>, F>(&mut self, faker: F) -> T {
        faker.fake_with_rng(&mut self.rng)
    }

    /// One of `items`, uniformly. Panics on an empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// A unique string: `{stem}{seq}-{token}`.
    pub fn unique(&self, stem: &str) -> String {
        format!("{stem}{}-{}", self.seq, self.token)
    }

    /// A unique email address: `{local}.{seq}+{token}@{domain}`, with
    /// `local` lowercased and reduced to `a-z`, `0-9`, `.` and `-`.
    pub fn unique_email(&self, local: &str, domain: &str) -> String {
        format!("{}.{}+{}@{domain}", slug(local, '.'), self.seq, self.token)
    }
}

/// Lowercase ASCII letters and digits of `s`, runs of anything else
/// collapsed to one `sep`, none at the ends.
pub fn slug(s: &str, sep: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if pending && !out.is_empty() {
                out.push(sep);
            }
            pending = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            pending = true;
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Ada O'Hara", '.'), "ada.ohara");
        assert_eq!(slug("  Émile -- Zola ", '-'), "mile-zola");
        assert_eq!(slug("!!", '.'), "x");
    }

    #[test]
    fn rng_depends_on_seed_kind_and_index() {
        use fake::rand::Rng;
        let first = |s, k, i| rng_for(s, k, i).next_u64();
        assert_eq!(first(1, "user", 1), first(1, "user", 1));
        assert_ne!(first(1, "user", 1), first(2, "user", 1));
        assert_ne!(first(1, "user", 1), first(1, "event", 1));
        assert_ne!(first(1, "user", 1), first(1, "user", 2));
    }

    #[test]
    fn reference_time_is_the_documented_instant() {
        assert_eq!(reference_time().to_rfc3339(), "2026-01-05T09:00:00+00:00");
    }
}
