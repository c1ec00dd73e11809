//! The generic operations every resource gets from its declaration: list,
//! get, create, update, delete, relationship linkage (read and, for
//! writable to-one relationships, change) and related resources. Each runs
//! the request order of design §3 in a straight line: authenticate (done by
//! the caller extractor), resolve and authorize in one statement, validate
//! the body, write through the resource's hooks and `db::write`, render
//! once.

use poem::Request;
use sea_orm::{
    Condition, ConnectionTrait, IntoActiveModel,
    sea_query::{Expr, ExprTrait},
};
use serde_json::Value;

use super::{
    body::{self, Linkage, Mode, Parsed},
    fetch::{self, ListScope},
    load::{self, Checks, Fieldset, Loaded},
    query::{JsonApiQuery, QueryKind},
    registry::{Cx, DynResource, Meta, Scoped},
    render::{Json, meta_document, self_link},
    resource::{RelKind, Relationship, Resource},
};
use crate::{
    auth::Caller,
    error::ApiError,
    permissions::{Action, Args, Rule, engine::has_access},
    state::AppState,
};

/// What a write hook sees and may change.
pub struct WriteCtx<'a, R: Resource> {
    /// Application state (database, settings).
    pub state: &'a AppState,
    /// The caller.
    pub caller: &'a Caller,
    /// The validated request document.
    pub parsed: Parsed,
    /// The row to store, with the request's attributes already applied.
    pub am: R::ActiveModel,
    /// The stored row before an update (`None` on create).
    pub current: Option<&'a R::Model>,
}

impl<R: Resource> WriteCtx<'_, R> {
    /// The request's facts for `has_access` checks inside hooks.
    pub fn args(&self) -> Args {
        R::create_args(&self.parsed)
    }
}

fn unauthenticated() -> ApiError {
    ApiError::unauthorized("Authentication is required: send `Authorization: JWT <token>`.")
}

/// The request's registry context.
pub fn cx<'a>(state: &'a AppState, caller: &'a Caller) -> Cx<'a> {
    Cx {
        caller,
        reg: &state.registry,
    }
}

/// Parses the request's JSON:API query for `res`.
pub fn query(
    req: &Request,
    cx: &Cx<'_>,
    res: &dyn DynResource,
    kind: QueryKind,
) -> Result<JsonApiQuery, ApiError> {
    JsonApiQuery::parse(req.uri().query(), res, cx, kind)
}

#[cfg(feature = "faults")]
fn dropped(state: &AppState, res: &dyn DynResource, action: Action) -> bool {
    state.settings.faults.drops(res.type_name(), action.name())
}

/// Loads the object of `res` addressed by `cond` for `action`, in one
/// statement: 401 when the action needs a token and none was sent, 404 when
/// it is missing or hidden, 403 when visible but not allowed.
pub async fn authorize(
    state: &AppState,
    caller: &Caller,
    res: &dyn DynResource,
    action: Action,
    cond: Condition,
) -> Result<Loaded, ApiError> {
    let read = authorize_with(state, caller, res, action, cond, None, |_| Ok(()));
    Ok(read.await?.0)
}

/// [`authorize`] for viewing, with the attributes rendered for `fields`
/// by the database (see [`load::Checks::render`]).
pub async fn authorize_view(
    state: &AppState,
    caller: &Caller,
    res: &dyn DynResource,
    cond: Condition,
    fields: Fieldset,
) -> Result<Loaded, ApiError> {
    let read = authorize_with(state, caller, res, Action::View, cond, Some(fields), |_| {
        Ok(())
    });
    Ok(read.await?.0)
}

/// [`authorize`], returning the typed model of `R` from the same statement.
pub async fn authorize_model<R: Resource>(
    state: &AppState,
    caller: &Caller,
    action: Action,
    cond: Condition,
) -> Result<(Loaded, R::Model), ApiError> {
    use sea_orm::FromQueryResult;
    let res = super::resource::meta::<R>();
    authorize_with(state, caller, res, action, cond, None, |r| {
        R::Model::from_query_result(r, "")
    })
    .await
}

async fn authorize_with<T>(
    state: &AppState,
    caller: &Caller,
    res: &dyn DynResource,
    action: Action,
    cond: Condition,
    render: Option<Fieldset>,
    typed: impl Fn(&sea_orm::QueryResult) -> Result<T, sea_orm::DbErr>,
) -> Result<(Loaded, T), ApiError> {
    if caller.user_id().is_none() && res.permissions().requires_auth(action) {
        return Err(unauthenticated());
    }
    let mut stmt = load::base(res);
    stmt.cond_where(Condition::all().add(res.scope(caller)).add(cond))
        .limit(1);
    // Viewing is visibility: a visible row passes a view rule by
    // definition, so the view rules are not asked again as columns (their
    // field limits, if any, come back through `hidden`).
    let checks = Checks {
        action: (action != Action::View).then_some(action),
        total: None,
        render,
    };
    let (mut rows, _) = load::rows_with(&state.db, res, caller, stmt, checks, typed).await?;
    let (mut loaded, model) = rows.pop().ok_or_else(|| {
        ApiError::not_found(format!(
            "No {} with this id is visible to you.",
            res.type_name()
        ))
    })?;
    if action == Action::View {
        loaded.rules = res.permissions().rules(Action::View).to_vec();
    }
    #[cfg(feature = "faults")]
    let loaded = if dropped(state, res, action) {
        Loaded {
            rules: res.permissions().rules(action).to_vec(),
            ..loaded
        }
    } else {
        loaded
    };
    if loaded.rules.is_empty() {
        return Err(ApiError::forbidden(format!(
            "You may see this {} but not {} it.",
            res.type_name(),
            action.name()
        )));
    }
    Ok((loaded, model))
}

/// Loads a just-written row of `res` for rendering to `caller` (field
/// limits apply; visibility does not: the writer sees what it wrote).
async fn reload(
    state: &AppState,
    caller: &Caller,
    res: &dyn DynResource,
    id: i64,
) -> Result<Loaded, ApiError> {
    let mut stmt = load::base(res);
    stmt.and_where(Expr::col((res.table(), "id")).eq(id));
    let (mut rows, _) = load::rows(&state.db, res, caller, stmt, Checks::default()).await?;
    rows.pop()
        .ok_or_else(|| ApiError::internal(format!("{} {id} vanished", res.type_name())))
}

/// The creation rules of `res` that hold for `args`: 401, then 403.
pub async fn authorize_create(
    state: &AppState,
    caller: &Caller,
    res: &dyn DynResource,
    args: &Args,
) -> Result<Vec<Rule>, ApiError> {
    let table = res.permissions();
    if caller.user_id().is_none() && table.requires_auth(Action::Create) {
        return Err(unauthenticated());
    }
    let mut rules = Vec::new();
    for rule in table.rules(Action::Create) {
        if has_access(&state.db, caller, rule, args).await? {
            rules.push(*rule);
        }
    }
    if rules.is_empty() {
        return Err(ApiError::forbidden(format!(
            "You may not create this {}.",
            res.type_name()
        )));
    }
    Ok(rules)
}

/// Every attribute sent must be allowed by one of the rules (403 + pointer).
pub fn check_fields(rules: &[Rule], parsed: &Parsed) -> Result<(), ApiError> {
    for (field, _) in &parsed.attrs {
        if !rules.iter().any(|r| r.fields.allows(field.name)) {
            return Err(
                ApiError::forbidden(format!("You may not set `{}`.", field.name))
                    .at_pointer(format!("/data/attributes/{}", field.name)),
            );
        }
    }
    Ok(())
}

/// Every to-one relationship a body names must point at an object the
/// caller may see (404 on its pointer otherwise, design §3).
async fn check_targets(
    state: &AppState,
    caller: &Caller,
    res: &dyn DynResource,
    parsed: &Parsed,
) -> Result<(), ApiError> {
    for (name, linkage) in &parsed.relationships {
        let Linkage::One(Some(id)) = linkage else {
            continue;
        };
        let Some(rel) = res.relationship(name) else {
            continue;
        };
        let target = rel.target();
        let stmt = sea_orm::sea_query::Query::select()
            .column((target.table(), "id"))
            .from(target.table())
            .cond_where(
                Condition::all()
                    .add(target.scope(caller))
                    .add(Expr::col((target.table(), "id")).eq(*id)),
            )
            .limit(1)
            .to_owned();
        if state.db.query_one(&stmt).await?.is_none() {
            return Err(ApiError::not_found(format!(
                "No {} with id `{id}` is visible to you.",
                rel.target_type()
            ))
            .at_pointer(format!("/data/relationships/{name}")));
        }
    }
    Ok(())
}

/// Sets the foreign keys of the to-one relationships a body names.
fn apply_relationships<R: Resource>(
    parsed: &Parsed,
    am: &mut R::ActiveModel,
) -> Result<(), ApiError> {
    use sea_orm::{ActiveModelTrait, EntityTrait};
    use std::str::FromStr;
    for (name, linkage) in &parsed.relationships {
        let Some(Relationship {
            kind: RelKind::BelongsTo { fk },
            ..
        }) = R::RELATIONSHIPS.iter().find(|r| r.name == *name)
        else {
            continue;
        };
        let Linkage::One(id) = linkage else {
            continue;
        };
        let col = <R::Entity as EntityTrait>::Column::from_str(fk)
            .map_err(|_| ApiError::internal(format!("{}: no column {fk}", R::TYPE)))?;
        if id.is_none() && !sea_orm::ColumnTrait::def(&col).is_null() {
            return Err(ApiError::invalid(
                format!("/data/relationships/{name}"),
                format!("`{name}` cannot be empty."),
            ));
        }
        am.try_set(col, sea_orm::Value::BigInt(*id))
            .map_err(ApiError::internal)?;
    }
    Ok(())
}

fn constraint<R: Resource>(err: sea_orm::DbErr, deleting: bool) -> ApiError {
    R::constraint_error(&err).unwrap_or_else(|| ApiError::from_constraint(err, R::TYPE, deleting))
}

/// `GET` a page of `res`, narrowed by `within` (a related endpoint's parent).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    res: &dyn DynResource,
    within: Condition,
) -> Result<Json, ApiError> {
    if caller.user_id().is_none() && res.permissions().requires_auth(Action::List) {
        return Err(unauthenticated());
    }
    let cx = cx(state, caller);
    let q = query(req, &cx, res, QueryKind::List)?;
    #[allow(unused_mut)]
    let mut scope = ListScope::within(within);
    #[cfg(feature = "faults")]
    {
        scope.unscoped = state.settings.faults.leaks(res.type_name());
    }
    fetch::list_document(&state.db, &cx, res, &q, scope, req.uri().path()).await
}

/// `GET` one object of `res`.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    res: &dyn DynResource,
    cond: Condition,
) -> Result<Json, ApiError> {
    let cx = cx(state, caller);
    // A query error is reported after a missing or hidden object's 404, as
    // before the fieldset was needed for the read.
    let q = query(req, &cx, res, QueryKind::Detail);
    let fields = match &q {
        Ok(q) => Fieldset::of(res, &q.fields),
        Err(_) => Fieldset::default(),
    };
    let loaded = authorize_view(state, caller, res, cond, fields).await?;
    fetch::single_document(&state.db, &cx, res, loaded, &q?).await
}

/// `POST`: validate, authorize from the body's facts, run the hooks, store,
/// render for the viewer. Returns the document and the new object's URL.
pub async fn create<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    doc: Value,
) -> Result<(Json, String), ApiError> {
    let res = &Meta::<R>::new();
    if caller.user_id().is_none() && R::PERMISSIONS.requires_auth(Action::Create) {
        return Err(unauthenticated());
    }
    let parsed = body::parse(doc, res, Mode::Create)?;
    check_targets(state, caller, res, &parsed).await?;
    let rules = authorize_create(state, caller, res, &R::create_args(&parsed)).await?;
    check_fields(&rules, &parsed)?;
    let mut am = R::ActiveModel::default();
    parsed.apply(&mut am)?;
    apply_relationships::<R>(&parsed, &mut am)?;
    let mut ctx = WriteCtx::<R> {
        state,
        caller,
        parsed,
        am,
        current: None,
    };
    R::before_create(&mut ctx).await?;
    let model = R::insert(state, caller, ctx.am)
        .await
        .map_err(|e| constraint::<R>(e, false))?;
    R::after_create(state, caller, &model).await?;
    let viewer = R::viewer_after_create(caller, &model);
    let id = R::id(&model);
    let loaded = reload(state, &viewer, res, id).await?;
    let cx = cx(state, &viewer);
    let q = query(req, &cx, res, QueryKind::Detail)?;
    let doc = fetch::single_document(&state.db, &cx, res, loaded, &q).await?;
    Ok((doc, self_link(res, &id.to_string())))
}

/// Applies a validated update to the loaded row through the hooks.
async fn write_update<R: Resource>(
    state: &AppState,
    caller: &Caller,
    loaded: &Loaded,
    current: R::Model,
    parsed: Parsed,
) -> Result<R::Model, ApiError> {
    let res = &Meta::<R>::new();
    check_targets(state, caller, res, &parsed).await?;
    check_fields(&loaded.rules, &parsed)?;
    let mut am = current.clone().into_active_model();
    parsed.apply(&mut am)?;
    apply_relationships::<R>(&parsed, &mut am)?;
    let mut ctx = WriteCtx::<R> {
        state,
        caller,
        parsed,
        am,
        current: Some(&current),
    };
    R::before_update(&mut ctx).await?;
    let updated = crate::db::write::update(&state.writer, ctx.am)
        .await
        .map_err(|e| constraint::<R>(e, false))?;
    R::after_update(state, &current, &updated).await?;
    Ok(updated)
}

/// `PATCH` one object (`data.id` must be the object's id).
pub async fn update<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    cond: Condition,
    doc: Value,
) -> Result<Json, ApiError> {
    let res = &Meta::<R>::new();
    let (loaded, current) = authorize_model::<R>(state, caller, Action::Update, cond).await?;
    let parsed = body::parse(doc, res, Mode::Update(&loaded.id.to_string()))?;
    let updated = write_update::<R>(state, caller, &loaded, current, parsed).await?;
    let loaded = reload(state, caller, res, R::id(&updated)).await?;
    let cx = cx(state, caller);
    let q = query(req, &cx, res, QueryKind::Detail)?;
    fetch::single_document(&state.db, &cx, res, loaded, &q).await
}

/// `DELETE` one object (soft when the resource keeps `deleted_at`).
pub async fn delete<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    cond: Condition,
) -> Result<Json, ApiError> {
    let res = &Meta::<R>::new();
    let loaded = authorize(state, caller, res, Action::Delete, cond).await?;
    query(req, &cx(state, caller), res, QueryKind::Linkage)?;
    let result = if R::SOFT_DELETE {
        crate::db::write::soft_delete::<R::Entity>(&state.writer, R::TABLE, loaded.id).await
    } else {
        crate::db::write::delete::<R::Entity>(&state.writer, R::TABLE, loaded.id).await
    };
    result.map_err(|e| constraint::<R>(e, true))?;
    Ok(meta_document("Object successfully deleted"))
}

/// `GET …/relationships/<rel>`.
pub async fn linkage(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    res: &dyn DynResource,
    cond: Condition,
    rel: &str,
) -> Result<Json, ApiError> {
    let loaded = authorize(state, caller, res, Action::View, cond).await?;
    let cx = cx(state, caller);
    query(req, &cx, res, QueryKind::Linkage)?;
    fetch::linkage_document(&state.db, &cx, res, &loaded, rel).await
}

/// `PATCH …/relationships/<rel>` of a writable to-one relationship: the
/// update rules and hooks apply as for a `PATCH` naming only it.
pub async fn set_linkage<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    cond: Condition,
    rel: &'static str,
    doc: Value,
) -> Result<Json, ApiError> {
    let res = &Meta::<R>::new();
    let (loaded, current) = authorize_model::<R>(state, caller, Action::Update, cond).await?;
    let cx = cx(state, caller);
    query(req, &cx, res, QueryKind::Linkage)?;
    let linkage = body::parse_linkage(doc, res, rel)?;
    let parsed = Parsed {
        attrs: Vec::new(),
        relationships: vec![(rel, linkage)],
    };
    let from = format!("/data/relationships/{rel}");
    write_update::<R>(state, caller, &loaded, current, parsed)
        .await
        .map_err(|e| e.repoint(&from, "/data"))?;
    let loaded = reload(state, caller, res, loaded.id).await?;
    fetch::linkage_document(&state.db, &cx, res, &loaded, rel).await
}

/// The related object(s) of relationship `rel` of a parent of `res` the
/// caller may view: a page for to-many, one object for to-one.
pub async fn related(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    res: &dyn DynResource,
    cond: Condition,
    rel: &Relationship,
) -> Result<Json, ApiError> {
    let parent = authorize(state, caller, res, Action::View, cond).await?;
    let target = rel.target();
    match rel.kind {
        RelKind::HasMany { fk } => {
            let within = Condition::all().add(Expr::col((target.table(), fk)).eq(parent.id));
            list(state, caller, req, target, within).await
        }
        RelKind::BelongsTo { fk } => {
            let id = parent.row.fk(fk).ok_or_else(|| {
                ApiError::not_found(format!("This {} has no {}.", res.type_name(), rel.name))
            })?;
            let by_id = Condition::all().add(Expr::col((target.table(), "id")).eq(id));
            get(state, caller, req, target, by_id).await
        }
    }
}
