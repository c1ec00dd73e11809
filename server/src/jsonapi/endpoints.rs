//! The routes of a resource, generated from its declaration: a hand-written
//! `poem_openapi::OpenApi` implementation for [`ResourceApi<R>`] that emits
//! the declared generic operations (list, create, get, update, delete) and,
//! for every declared relationship, its linkage endpoint
//! (`…/relationships/<rel>`, writable to-one relationships also `PATCH`) and
//! its related endpoint (`…/<rel>`), each with its spec entry. Their
//! `x-permissions` rows are derived from the same list ([`operations`]), so
//! nothing is keyed by hand.

use std::{
    collections::{HashMap, HashSet},
    marker::PhantomData,
    sync::{Mutex, OnceLock},
};

use poem::{
    EndpointExt, Request, Response,
    endpoint::{BoxEndpoint, make},
    http::{Method, StatusCode},
};
use poem_openapi::{
    ApiResponse, OpenApi, OperationId,
    registry::{
        MetaApi, MetaMediaType, MetaOperation, MetaOperationParam, MetaParamIn, MetaPath,
        MetaRequest, MetaResponses, MetaSchemaRef, MetaTag, Registry,
    },
    types::Type,
};
use sea_orm::Condition;
use serde_json::Value;

use super::{
    Collection, Create as CreateDoc, Created, Doc, JsonApi, MetaDoc, PREFIX, Single,
    Update as UpdateDoc, ops,
    payload::JSONAPI_MEDIA_TYPE,
    registry::DynResource,
    render::Json,
    resource::{OpKind, Relationship, Resource},
    schema::{RelDoc, RelInput, reference},
};
use crate::{
    auth::{Caller, caller::SCHEME},
    error::{ApiError, Errs, status::*},
    permissions::{Action, Table},
    state::AppState,
};

/// What one generated operation does.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `GET /v1/<plural>`.
    List,
    /// `POST /v1/<plural>`.
    Create,
    /// `GET /v1/<plural>/{id}`.
    Get,
    /// `PATCH /v1/<plural>/{id}`.
    Update,
    /// `DELETE /v1/<plural>/{id}`.
    Delete,
    /// `GET …/{id}/relationships/<rel>`.
    Linkage(&'static Relationship),
    /// `PATCH …/{id}/relationships/<rel>` (writable to-one).
    SetLinkage(&'static Relationship),
    /// `GET …/{id}/<rel>`.
    Related(&'static Relationship),
}

/// What guards an operation, exported as its `x-permissions`.
#[derive(Debug, Clone, Copy)]
pub enum Guarded {
    /// An action of a resource's table.
    Table(&'static Table, Action),
    /// Explicit rules (the auth helpers, manager-guarded endpoints).
    Rules(&'static str, Action, &'static [crate::permissions::Rule]),
    /// A related endpoint: the parent must be viewable first (its denials
    /// come first), then `action` of the target's table applies.
    Related(&'static Table, &'static Table, Action),
}

impl Guarded {
    /// Whether an anonymous caller is always turned away (401).
    pub fn requires_auth(&self) -> bool {
        match self {
            Guarded::Table(t, a) => t.requires_auth(*a),
            Guarded::Rules(_, _, rules) => !rules
                .iter()
                .any(|r| r.role == crate::permissions::Role::Anyone),
            Guarded::Related(p, t, a) => p.requires_auth(Action::View) || t.requires_auth(*a),
        }
    }
}

/// One generated operation of a resource.
#[derive(Debug, Clone)]
pub struct Operation {
    /// What it does.
    pub kind: Kind,
    /// The HTTP method.
    pub method: Method,
    /// The OpenAPI path (`/v1/events/{event_id}`).
    pub path: String,
    /// The operation id (`get_event`).
    pub id: &'static str,
    /// What guards it.
    pub guarded: Guarded,
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else if ch == '-' {
            out.push('_');
        } else {
            out.push(ch);
        }
    }
    out
}

/// Interns a generated string for the `&'static str` fields of the spec
/// metadata (a bounded set: one per operation and text).
pub fn intern(s: String) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(HashSet::new()));
    let mut seen = match seen.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(found) = seen.get(s.as_str()) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// The generated operations of `res`, in a stable order.
pub fn operations(res: &'static dyn DynResource) -> Vec<Operation> {
    let table = res.permissions();
    let base = format!("{PREFIX}/{}", res.plural());
    let one = format!("{base}/{{{}}}", res.id_param());
    let me = snake(res.schema());
    let plural = snake(res.plural());
    let mut out = Vec::new();
    let mut push = |kind, method, path: &str, id: String, guarded| {
        out.push(Operation {
            kind,
            method,
            path: path.to_owned(),
            id: intern(id),
            guarded,
        });
    };
    for op in res.operations() {
        match op.kind {
            OpKind::List => push(
                Kind::List,
                Method::GET,
                &base,
                format!("list_{plural}"),
                Guarded::Table(table, Action::List),
            ),
            OpKind::Create => push(
                Kind::Create,
                Method::POST,
                &base,
                format!("create_{me}"),
                Guarded::Table(table, Action::Create),
            ),
            OpKind::Get => push(
                Kind::Get,
                Method::GET,
                &one,
                format!("get_{me}"),
                Guarded::Table(table, Action::View),
            ),
            OpKind::Update => push(
                Kind::Update,
                Method::PATCH,
                &one,
                format!("update_{me}"),
                Guarded::Table(table, Action::Update),
            ),
            OpKind::Delete => push(
                Kind::Delete,
                Method::DELETE,
                &one,
                format!("delete_{me}"),
                Guarded::Table(table, Action::Delete),
            ),
        }
    }
    for rel in res.relationships() {
        let r = snake(rel.name);
        let linkage = format!("{one}/relationships/{}", rel.name);
        push(
            Kind::Linkage(rel),
            Method::GET,
            &linkage,
            format!("get_{me}_{r}_relationship"),
            Guarded::Table(table, Action::View),
        );
        if rel.writable && rel.is_to_one() {
            push(
                Kind::SetLinkage(rel),
                Method::PATCH,
                &linkage,
                format!("update_{me}_{r}_relationship"),
                Guarded::Table(table, Action::Update),
            );
        }
        let target = rel.target().permissions();
        let (verb, action) = if rel.is_to_one() {
            ("get", Action::View)
        } else {
            ("list", Action::List)
        };
        push(
            Kind::Related(rel),
            Method::GET,
            &format!("{one}/{}", rel.name),
            format!("{verb}_{me}_{r}"),
            Guarded::Related(table, target, action),
        );
    }
    out
}

/// The poem route of an OpenAPI path: `{x}` segments become `:param<i>`,
/// as poem-openapi names them, so generated and hand-written operations
/// on the same path share one route.
fn route_path(oai: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for seg in oai.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if seg.starts_with('{') {
            out.push_str(&format!(":param{n}"));
            n += 1;
        } else {
            out.push_str(seg);
        }
    }
    out
}

fn errors(mask: u16) -> MetaResponses {
    // `Errs` documents a fixed set per type; the generated operations pick
    // theirs at run time from the same table.
    let all = <Errs<
        {
            BAD_REQUEST
                | UNAUTHORIZED
                | FORBIDDEN
                | NOT_FOUND
                | NOT_ACCEPTABLE
                | CONFLICT
                | UNSUPPORTED_MEDIA_TYPE
                | UNPROCESSABLE
        },
    > as ApiResponse>::meta();
    let keep: Vec<u16> = TABLE
        .iter()
        .filter(|(bit, _, _)| mask & bit != 0)
        .map(|(_, code, _)| *code)
        .collect();
    MetaResponses {
        responses: all
            .responses
            .into_iter()
            .filter(|r| r.status.is_some_and(|s| keep.contains(&s)))
            .collect(),
    }
}

/// [`FORBIDDEN`] when some caller can be denied `action` with a 403: any
/// create (a client-generated id is refused with 403), or an action on an
/// object that someone who may view it may not perform (or only with field
/// limits). Otherwise 0: the status cannot
/// occur, so the spec does not promise it.
pub fn forbids(table: &Table, action: Action) -> u16 {
    use crate::permissions::Fields;
    let rules = table.rules(action);
    let reachable = match action {
        Action::List | Action::View => false,
        // A client-generated id is always refused with 403 (JSON:API 1.0).
        Action::Create => true,
        _ => {
            rules.iter().any(|r| r.fields != Fields::All)
                || !table.rules(Action::View).iter().all(|v| {
                    rules.iter().any(|a| {
                        v.role.includes(a.role)
                            && a.conditions.iter().all(|c| v.conditions.contains(c))
                    })
                })
        }
    };
    if reachable { FORBIDDEN } else { 0 }
}

fn merge(mut ok: MetaResponses, errs: MetaResponses) -> MetaResponses {
    ok.responses.extend(errs.responses);
    ok
}

fn doc_ref(schema: &str, suffix: &str) -> MetaSchemaRef {
    reference(&format!("{schema}{suffix}"))
}

fn with_schema(mut responses: MetaResponses, schema: MetaSchemaRef) -> MetaResponses {
    if let Some(first) = responses.responses.first_mut() {
        for content in &mut first.content {
            content.schema = schema.clone();
        }
    }
    responses
}

fn body(schema: MetaSchemaRef) -> Option<MetaRequest> {
    Some(MetaRequest {
        description: None,
        content: vec![MetaMediaType {
            content_type: JSONAPI_MEDIA_TYPE,
            schema,
        }],
        required: true,
    })
}

/// `a role`, `an event`.
fn a(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

fn texts<R: Resource>(op: &Operation) -> (&'static str, &'static str) {
    let declared = |kind: OpKind| {
        R::OPERATIONS
            .iter()
            .find(|o| o.kind == kind)
            .map(|o| (o.summary, o.description))
            .unwrap_or(("", ""))
    };
    match op.kind {
        Kind::List => declared(OpKind::List),
        Kind::Create => declared(OpKind::Create),
        Kind::Get => declared(OpKind::Get),
        Kind::Update => declared(OpKind::Update),
        Kind::Delete => declared(OpKind::Delete),
        Kind::Linkage(rel) => (
            intern(format!("The {} of {} (linkage)", rel.name, a(R::TYPE))),
            intern(format!(
                "{} Identifiers of the related objects the caller may see.",
                rel.description
            )),
        ),
        Kind::SetLinkage(rel) => (
            intern(format!(
                "Change the {} of {} (relationship endpoint)",
                rel.name,
                a(R::TYPE)
            )),
            intern(format!(
                "{} The update rules of `{}` apply, as for a PATCH that names only this \
                 relationship. Answers with the new linkage.",
                rel.description,
                R::TYPE
            )),
        ),
        Kind::Related(rel) => (
            intern(format!("The {} of {}", rel.name, a(R::TYPE))),
            intern(format!(
                "{} The {} must be visible to the caller (404 otherwise); only related \
                 objects the caller may see are returned.",
                rel.description,
                R::TYPE
            )),
        ),
    }
}

fn meta_operation<R: Resource>(op: &Operation) -> MetaOperation {
    let mut params = Vec::new();
    if op.path.contains('{') {
        params.push(MetaOperationParam {
            name: R::ID_PARAM.to_owned(),
            schema: String::schema_ref(),
            in_type: MetaParamIn::Path,
            description: None,
            required: true,
            deprecated: false,
            explode: true,
            style: None,
        });
    }
    let (request, responses) = match op.kind {
        Kind::List => (
            None,
            <Result<JsonApi<Doc<R, Collection>>, Errs<COMMON>>>::meta(),
        ),
        Kind::Create => {
            let mut mask = COMMON | WRITE | forbids(&R::PERMISSIONS, Action::Create);
            if R::RELATIONSHIPS
                .iter()
                .any(Relationship::settable_on_create)
            {
                mask |= NOT_FOUND;
            }
            (
                body(<Doc<R, CreateDoc>>::schema_ref()),
                merge(<Created<Doc<R, Single>>>::meta(), errors(mask)),
            )
        }
        Kind::Get => (
            None,
            <Result<JsonApi<Doc<R, Single>>, Errs<{ COMMON | NOT_FOUND }>>>::meta(),
        ),
        Kind::Update => (
            body(<Doc<R, UpdateDoc>>::schema_ref()),
            merge(
                <JsonApi<Doc<R, Single>>>::meta(),
                errors(COMMON | NOT_FOUND | WRITE | forbids(&R::PERMISSIONS, Action::Update)),
            ),
        ),
        Kind::Delete => {
            let mut mask = COMMON | NOT_FOUND | forbids(&R::PERMISSIONS, Action::Delete);
            if R::REFERENCED {
                mask |= CONFLICT;
            }
            (None, merge(<JsonApi<MetaDoc>>::meta(), errors(mask)))
        }
        Kind::Linkage(rel) => {
            let ok = if rel.is_to_one() {
                <JsonApi<RelDoc<true>>>::meta()
            } else {
                <JsonApi<RelDoc<false>>>::meta()
            };
            (None, merge(ok, errors(COMMON | NOT_FOUND)))
        }
        Kind::SetLinkage(_) => (
            body(<RelInput<true>>::schema_ref()),
            merge(
                <JsonApi<RelDoc<true>>>::meta(),
                errors(COMMON | NOT_FOUND | WRITE | forbids(&R::PERMISSIONS, Action::Update)),
            ),
        ),
        Kind::Related(rel) => {
            let target = rel.target().schema();
            let ok = if rel.is_to_one() {
                with_schema(<JsonApi<MetaDoc>>::meta(), doc_ref(target, "Document"))
            } else {
                with_schema(
                    <JsonApi<MetaDoc>>::meta(),
                    doc_ref(target, "CollectionDocument"),
                )
            };
            (None, merge(ok, errors(COMMON | NOT_FOUND)))
        }
    };
    let mut security = vec![HashMap::from([(SCHEME, Vec::new())])];
    if !op.guarded.requires_auth() {
        security.push(HashMap::new());
    }
    let (summary, description) = texts::<R>(op);
    MetaOperation {
        method: op.method.clone(),
        tags: vec![R::TAG.name],
        summary: (!summary.is_empty()).then_some(summary),
        description: (!description.is_empty()).then_some(description),
        external_docs: None,
        params,
        request,
        responses,
        deprecated: false,
        security,
        operation_id: Some(op.id),
        code_samples: Vec::new(),
    }
}

/// The generated API of resource `R`.
pub struct ResourceApi<R>(PhantomData<fn() -> R>);

impl<R> ResourceApi<R> {
    /// The API.
    pub const fn new() -> Self {
        ResourceApi(PhantomData)
    }
}

impl<R> Default for ResourceApi<R> {
    fn default() -> Self {
        Self::new()
    }
}

fn erased<R: Resource>() -> &'static dyn DynResource {
    super::resource::meta::<R>()
}

fn state_of(req: &Request) -> Result<&AppState, ApiError> {
    req.data::<AppState>()
        .ok_or_else(|| ApiError::internal("AppState missing from request data"))
}

fn ok(status: StatusCode, doc: Json) -> Response {
    Response::builder()
        .status(status)
        .content_type(JSONAPI_MEDIA_TYPE)
        .body(doc.0)
}

async fn json_body(body: poem::Body) -> Result<Value, ApiError> {
    let bytes = body
        .into_vec()
        .await
        .map_err(|e| ApiError::bad_request(format!("The body could not be read: {e}.")))?;
    super::JsonApiBody::<()>::from_bytes(bytes).json()
}

async fn handle<R: Resource>(kind: Kind, mut req: Request) -> Result<Response, ApiError> {
    // The body is taken (not read) up front so the state can stay borrowed
    // from the request; it is read only by the operations that take one.
    let body = req.take_body();
    let state = state_of(&req)?;
    let caller = Caller::from_request(&req, &state.jwt, &state.db).await?;
    let res = erased::<R>();
    let raw = req.raw_path_param("param0").map(str::to_owned);
    let cond = || -> Result<Condition, ApiError> {
        let raw = raw.as_deref().unwrap_or_default();
        R::key(raw).ok_or_else(|| ApiError::not_found(format!("No {} with id `{raw}`.", R::TYPE)))
    };
    let s = state;
    let doc = match kind {
        Kind::List => ops::list(s, &caller, &req, res, Condition::all()).await?,
        Kind::Get => ops::get(s, &caller, &req, res, cond()?).await?,
        Kind::Create => {
            let body = json_body(body).await?;
            let (doc, location) = ops::create::<R>(s, &caller, &req, body).await?;
            let mut resp = ok(StatusCode::CREATED, doc);
            if let Ok(v) = poem::http::HeaderValue::from_str(&location) {
                resp.headers_mut().insert(poem::http::header::LOCATION, v);
            }
            return Ok(resp);
        }
        Kind::Update => {
            let cond = cond()?;
            let body = json_body(body).await?;
            ops::update::<R>(s, &caller, &req, cond, body).await?
        }
        Kind::Delete => ops::delete::<R>(s, &caller, &req, cond()?).await?,
        Kind::Linkage(rel) => ops::linkage(s, &caller, &req, res, cond()?, rel.name).await?,
        Kind::SetLinkage(rel) => {
            let cond = cond()?;
            let body = json_body(body).await?;
            ops::set_linkage::<R>(s, &caller, &req, cond, rel.name, body).await?
        }
        Kind::Related(rel) => ops::related(s, &caller, &req, res, cond()?, rel).await?,
    };
    Ok(ok(StatusCode::OK, doc))
}

impl<R: Resource> OpenApi for ResourceApi<R> {
    fn meta() -> Vec<MetaApi> {
        let mut paths: Vec<MetaPath> = Vec::new();
        for op in operations(erased::<R>()) {
            let meta = meta_operation::<R>(&op);
            match paths.iter_mut().find(|p| p.path == op.path) {
                Some(p) => p.operations.push(meta),
                None => paths.push(MetaPath {
                    path: op.path.clone(),
                    operations: vec![meta],
                }),
            }
        }
        vec![MetaApi { paths }]
    }

    fn register(registry: &mut Registry) {
        registry.tags.insert(MetaTag {
            name: R::TAG.name,
            description: Some(R::TAG.description),
            external_docs: None,
        });
        <Doc<R, Single>>::register(registry);
        <Doc<R, Collection>>::register(registry);
        <Doc<R, CreateDoc>>::register(registry);
        <Doc<R, UpdateDoc>>::register(registry);
        <Errs<COMMON>>::register(registry);
        <MetaDoc>::register(registry);
        <RelDoc<true>>::register(registry);
        <RelInput<true>>::register(registry);
        for rel in R::RELATIONSHIPS {
            rel.target().register_schemas(registry);
        }
    }

    fn add_routes(self, route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {
        for op in operations(erased::<R>()) {
            let kind = op.kind;
            let id = op.id;
            let ep = make(move |req: Request| async move {
                handle::<R>(kind, req).await.map_err(poem::Error::from)
            })
            .map_to_response()
            .after(move |res| async move {
                let mut res = res;
                match &mut res {
                    Ok(resp) => resp.set_data(OperationId(id)),
                    Err(err) => err.set_data(OperationId(id)),
                }
                res
            });
            route_table
                .entry(route_path(&op.path))
                .or_default()
                .insert(op.method.clone(), ep.boxed());
        }
    }
}
