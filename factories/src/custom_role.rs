//! [`RoleFactory`]: custom rows of the `roles` table, next to the six event
//! roles the migration seeds (those are reached through [`Role`](crate::Role)).

use std::sync::Arc;

use fake::faker::job::en::Field as JobField;
use open_event_server::db::entities::role;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection};

use crate::{
    context::{FactoryContext, slug},
    error::Result,
    factory::{Factory, Lazy, run_lazy},
};

/// Custom roles: a unique machine name (`<slug>-<seq>-<token>`, at most 100
/// characters, never one of the seeded event roles) and a human title
/// derived from it.
///
/// The server has no db function for roles (they are admin-managed rows), so
/// [`create`](Factory::create) inserts the `roles` row directly.
///
/// ```
/// use open_event_factories::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = open_event_server::db::connect("sqlite::memory:").await?;
///
/// let role = RoleFactory::new().create(&db).await?;
/// assert!(role.id > 0 && role.name.len() <= 100);
/// assert!(Role::from_name(&role.name).is_none()); // never an event role
///
/// // Overrides; `build` writes nothing.
/// let volunteer = RoleFactory::new().with_name("volunteer").without_title().build()?;
/// assert_eq!((volunteer.id, volunteer.name.as_str(), volunteer.title_name), (0, "volunteer", None));
///
/// // Names stay unique across a batch.
/// let batch = RoleFactory::new().create_batch(&db, 3).await?;
/// assert!(batch[0].name != batch[1].name && batch[1].name != batch[2].name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RoleFactory {
    ctx: FactoryContext,
    name: Option<String>,
    title_name: Option<Option<String>>,
    lazy: Vec<Lazy<role::Model>>,
}

impl Default for RoleFactory {
    fn default() -> Self {
        RoleFactory::new()
    }
}

impl RoleFactory {
    /// A role factory on the [global](FactoryContext::global) context.
    pub fn new() -> Self {
        RoleFactory::in_context(&FactoryContext::global())
    }

    /// A role factory on `ctx`.
    pub fn in_context(ctx: &FactoryContext) -> Self {
        RoleFactory {
            ctx: ctx.clone(),
            name: None,
            title_name: None,
            lazy: Vec::new(),
        }
    }

    /// The factory's context.
    pub fn context(&self) -> &FactoryContext {
        &self.ctx
    }

    /// Sets the machine name (taken as given; the title follows it).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the human title.
    pub fn with_title_name(mut self, title: impl Into<String>) -> Self {
        self.title_name = Some(Some(title.into()));
        self
    }

    /// No title (`title_name` null).
    pub fn without_title(mut self) -> Self {
        self.title_name = Some(None);
        self
    }

    /// A lazy attribute: `f` runs on the built role after every default and
    /// override.
    pub fn lazy(mut self, f: impl Fn(&mut role::Model) + Send + Sync + 'static) -> Self {
        self.lazy.push(Arc::new(f));
        self
    }
}

/// `"track coordinator"` → `"Track Coordinator"`.
fn title_case(words: &str) -> String {
    words
        .split(['-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Factory for RoleFactory {
    type Built = role::Model;
    type Model = role::Model;

    fn build(self) -> Result<role::Model> {
        let mut d = self.ctx.draw("role");
        // Every random value first, in a fixed order.
        let field: String = d.fake(JobField());
        let stem: String = slug(&field, '-').chars().take(40).collect();
        // Lazy attributes: the title follows the (overridden) name.
        let title = self.title_name.unwrap_or_else(|| {
            Some(match &self.name {
                Some(n) => title_case(n),
                None => format!("{} Lead", title_case(&field)),
            })
        });
        let name = self.name.unwrap_or_else(|| d.unique(&format!("{stem}-")));
        let mut model = role::Model {
            id: 0,
            name,
            title_name: title,
        };
        run_lazy(&self.lazy, &mut model);
        Ok(model)
    }

    async fn create(self, db: &DatabaseConnection) -> Result<role::Model> {
        let model = self.build()?;
        let mut am = role::ActiveModel::from(model).reset_all();
        am.id = NotSet;
        Ok(am.insert(db).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_follow_names() {
        assert_eq!(title_case("track coordinator"), "Track Coordinator");
        assert_eq!(title_case("a-b"), "A B");
    }
}
