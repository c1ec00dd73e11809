//! The OpenAPI 3.0 document, indexed: every operation with its method, path
//! template, id, tags, parameters, request body and documented responses,
//! with `$ref`s resolved where the runner reads them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{RunnerError, permissions::PermissionRow};

/// The JSON:API media type.
pub const JSONAPI: &str = "application/vnd.api+json";

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The document as read.
    pub raw: Value,
    /// Every operation, sorted by path then method.
    pub operations: Vec<Operation>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// `/v1/things/{id}`.
    Path,
    /// `?name=…`.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// A documented parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Its location.
    pub location: ParamIn,
    /// Whether it must be sent.
    pub required: bool,
    /// Its schema (resolved at the top level).
    pub schema: Value,
}

/// A documented request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// The first documented media type.
    pub media_type: String,
    /// Its schema, fully resolved (no `$ref`s left).
    pub schema: Value,
    /// Whether a body is required.
    pub required: bool,
}

/// A documented response.
#[derive(Debug, Clone, Default)]
pub struct ResponseSpec {
    /// Media types of the documented content (empty: no body).
    pub media_types: Vec<String>,
    /// The schema of the first media type, as written (may be a `$ref`).
    pub schema: Option<Value>,
    /// Documented headers: name → required.
    pub headers: BTreeMap<String, bool>,
}

/// How an operation is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No security requirement: the operation ignores tokens.
    None,
    /// A token is accepted but not needed (`[{jwt: []}, {}]`).
    Optional,
    /// A token is needed.
    Required,
}

impl Security {
    /// Whether a token is read (and so verified) at all.
    pub fn reads_token(self) -> bool {
        self != Security::None
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` (or `METHOD path` when missing).
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/v1/events/{event_id}`.
    pub path: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Summary line.
    pub summary: String,
    /// Parameters (path item and operation level).
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// Documented responses by status.
    pub responses: BTreeMap<u16, ResponseSpec>,
    /// Security.
    pub security: Security,
    /// Rows of the `x-permissions` extension (empty when absent).
    pub permissions: Vec<PermissionRow>,
    /// Anonymous callers get 401: the security requirement has no
    /// anonymous alternative, or `x-permissions` says
    /// `requires-authentication: true`.
    pub requires_auth: bool,
    /// On related endpoints (`x-permissions.via`): the view rules of the
    /// parent the path names, checked first, and whether they need a token.
    pub via: Option<(Vec<PermissionRow>, bool)>,
    /// The resource type it returns or takes (read once: see
    /// [`resource_type`](Operation::resource_type)).
    resource: Option<String>,
}

impl Operation {
    /// Documented statuses, ascending.
    pub fn statuses(&self) -> Vec<u16> {
        self.responses.keys().copied().collect()
    }

    /// Whether `status` is documented.
    pub fn documents(&self, status: u16) -> bool {
        self.responses.contains_key(&status)
    }

    /// The documented success status (lowest 2xx).
    pub fn success_status(&self) -> Option<u16> {
        self.responses
            .keys()
            .copied()
            .find(|s| (200..300).contains(s))
    }

    /// Path parameters in template order.
    pub fn path_params(&self) -> Vec<String> {
        template_params(&self.path)
    }

    /// Documented query parameters.
    pub fn query_params(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == ParamIn::Query)
    }

    /// Whether requests and responses speak JSON:API (rather than plain JSON).
    pub fn is_jsonapi(&self) -> bool {
        match &self.request_body {
            Some(b) => media_essence(&b.media_type) == JSONAPI,
            None => self
                .responses
                .values()
                .flat_map(|r| r.media_types.iter())
                .any(|m| media_essence(m) == JSONAPI && self.success_media_is_jsonapi()),
        }
    }

    fn success_media_is_jsonapi(&self) -> bool {
        self.success_status()
            .and_then(|s| self.responses.get(&s))
            .is_some_and(|r| r.media_types.iter().any(|m| media_essence(m) == JSONAPI))
    }

    /// The media type to ask for in `Accept`.
    pub fn accept(&self) -> String {
        self.success_status()
            .and_then(|s| self.responses.get(&s))
            .and_then(|r| r.media_types.first())
            .map(|m| media_essence(m))
            .unwrap_or_else(|| JSONAPI.to_owned())
    }

    /// Whether the operation is a JSON:API relationship (linkage) endpoint.
    pub fn is_linkage(&self) -> bool {
        self.path.contains("/relationships/")
    }

    /// The resource type the operation returns or takes (`data.type`).
    pub fn resource_type(&self, spec: &Spec) -> Option<String> {
        let _ = spec;
        self.resource.clone()
    }

    /// The resource type of the success document, else of the request body.
    fn read_resource_type(&self, spec: &Spec) -> Option<String> {
        let from_response = self
            .success_status()
            .and_then(|s| self.responses.get(&s))
            .and_then(|r| r.schema.as_ref())
            .and_then(|s| data_type(spec, s));
        from_response.or_else(|| {
            self.request_body
                .as_ref()
                .and_then(|b| data_type(spec, &b.schema))
        })
    }

    /// The resource type a path parameter names: the type returned by the
    /// `GET` on the path up to that parameter (`/v1/role-invites/{invite_id}`
    /// → `role-invite`), else the parameter name without `_id`.
    pub fn param_kind(&self, spec: &Spec, param: &str) -> String {
        let marker = format!("{{{param}}}");
        let prefix = self
            .path
            .find(&marker)
            .map(|i| &self.path[..i + marker.len()])
            .unwrap_or(&self.path);
        spec.operations
            .iter()
            .find(|o| o.method == "GET" && o.path == prefix)
            .and_then(|o| o.resource_type(spec))
            .unwrap_or_else(|| param.strip_suffix("_id").unwrap_or(param).replace('_', "-"))
    }

    /// The roles `x-permissions` allows, with their conditions.
    pub fn allowed_roles(&self) -> Vec<(String, Vec<String>)> {
        self.permissions
            .iter()
            .map(|r| (r.role.clone(), r.conditions.clone()))
            .collect()
    }

    /// `METHOD path`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// `{name}` segments of a path template.
pub fn template_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_owned)
        .collect()
}

/// Lower-case media type without parameters and whitespace.
pub fn media_essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A media type normalised for comparison (lower case, no spaces).
pub fn media_normal(media: &str) -> String {
    media
        .split(';')
        .map(|p| p.trim().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(";")
}

/// The `type` a document schema gives `data` (or its items), from the enum.
fn data_type(spec: &Spec, schema: &Value) -> Option<String> {
    let doc = spec.resolve_deep(schema);
    let data = doc.pointer("/properties/data")?;
    let object = data.get("items").unwrap_or(data);
    let ty = object.pointer("/properties/type/enum/0")?;
    ty.as_str().map(str::to_owned)
}

impl Spec {
    /// Parses a spec document.
    pub fn from_value(raw: Value) -> Result<Spec, RunnerError> {
        let version = raw.get("openapi").and_then(Value::as_str).unwrap_or("");
        if !version.starts_with("3.") {
            return Err(RunnerError::Spec(format!(
                "expected an OpenAPI 3 document, found `openapi: {version}`"
            )));
        }
        let mut spec = Spec {
            raw,
            operations: Vec::new(),
        };
        spec.operations = spec.index()?;
        Ok(spec)
    }

    /// Reads a spec from a file path or an `http(s)://` URL.
    pub async fn load(location: &str) -> Result<Spec, RunnerError> {
        let text = if location.starts_with("http://") || location.starts_with("https://") {
            let resp = reqwest::get(location)
                .await
                .map_err(|e| RunnerError::Spec(format!("fetching {location}: {e}")))?;
            if !resp.status().is_success() {
                return Err(RunnerError::Spec(format!(
                    "fetching {location}: HTTP {}",
                    resp.status()
                )));
            }
            resp.text()
                .await
                .map_err(|e| RunnerError::Spec(format!("reading {location}: {e}")))?
        } else {
            std::fs::read_to_string(location)
                .map_err(|e| RunnerError::Spec(format!("reading {location}: {e}")))?
        };
        let raw: Value = serde_json::from_str(&text)
            .map_err(|e| RunnerError::Spec(format!("{location} is not JSON: {e}")))?;
        Spec::from_value(raw)
    }

    /// The target of a local `$ref` (`#/…`).
    pub fn lookup(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        self.raw.pointer(pointer)
    }

    /// Follows `$ref`s at the top of `value` until a non-reference.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => match self.lookup(r) {
                    Some(v) => value = v,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// A copy of `value` with every `$ref` inlined (recursive references
    /// stop at depth 24 and are left as `{}`).
    pub fn resolve_deep(&self, value: &Value) -> Value {
        self.inline(value, 0)
    }

    fn inline(&self, value: &Value, depth: usize) -> Value {
        if depth > 24 {
            return Value::Object(serde_json::Map::new());
        }
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    let target = self.lookup(r).cloned().unwrap_or(Value::Null);
                    return self.inline(&target, depth + 1);
                }
                Value::Object(
                    map.iter()
                        .map(|(k, v)| (k.clone(), self.inline(v, depth)))
                        .collect(),
                )
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.inline(v, depth)).collect())
            }
            other => other.clone(),
        }
    }

    /// Operations whose path template matches `path` (no query), for `method`.
    pub fn match_path(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split('?').next().unwrap_or(path);
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut best: Option<(&Operation, usize)> = None;
        for op in self.operations.iter().filter(|o| o.method == method) {
            let tpl: Vec<&str> = op.path.trim_end_matches('/').split('/').collect();
            if tpl.len() != segments.len() {
                continue;
            }
            let mut literal = 0;
            let ok = tpl.iter().zip(&segments).all(|(t, s)| {
                if t.starts_with('{') && t.ends_with('}') {
                    !s.is_empty()
                } else {
                    literal += 1;
                    t == s
                }
            });
            if ok && best.is_none_or(|(_, l)| literal > l) {
                best = Some((op, literal));
            }
        }
        best.map(|(op, _)| op)
    }

    /// An operation by id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The component schema whose resource object has `type` = `ty`
    /// (`<Type>Resource`), as a `$ref`.
    pub fn resource_schema_ref(&self, ty: &str) -> Option<String> {
        let schemas = self.raw.pointer("/components/schemas")?.as_object()?;
        schemas.iter().find_map(|(name, schema)| {
            let props = schema.get("properties")?;
            let is_resource = props.get("id").is_some() && props.get("attributes").is_some();
            let t = props.pointer("/type/enum/0")?.as_str()?;
            (is_resource && t == ty).then(|| format!("#/components/schemas/{name}"))
        })
    }

    fn index(&self) -> Result<Vec<Operation>, RunnerError> {
        let paths = self
            .raw
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| RunnerError::Spec("the document has no `paths`".into()))?;
        let global_security = self.raw.get("security");
        let mut ops = Vec::new();
        for (path, item) in paths {
            let item = self.resolve(item);
            let Some(item_map) = item.as_object() else {
                continue;
            };
            let shared: Vec<Value> = item_map
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                let Some(op) = item_map.get(method) else {
                    continue;
                };
                ops.push(self.operation_from(path, method, op, &shared, global_security)?);
            }
        }
        ops.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        let mut seen = std::collections::BTreeSet::new();
        for op in &ops {
            if !seen.insert(op.id.clone()) {
                return Err(RunnerError::Spec(format!(
                    "operationId `{}` is used twice",
                    op.id
                )));
            }
        }
        Ok(ops)
    }

    fn operation_from(
        &self,
        path: &str,
        method: &str,
        op: &Value,
        shared: &[Value],
        global_security: Option<&Value>,
    ) -> Result<Operation, RunnerError> {
        let method_up = method.to_ascii_uppercase();
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{method_up} {path}"));
        let mut parameters: Vec<Parameter> = Vec::new();
        let own = op
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for p in shared.iter().chain(own.iter()) {
            let p = self.resolve(p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => ParamIn::Path,
                Some("query") => ParamIn::Query,
                Some("header") => ParamIn::Header,
                Some("cookie") => ParamIn::Cookie,
                other => {
                    return Err(RunnerError::Spec(format!(
                        "{id}: parameter `{name}` has location {other:?}"
                    )));
                }
            };
            let param = Parameter {
                name: name.to_owned(),
                location,
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                schema: self
                    .resolve(p.get("schema").unwrap_or(&Value::Null))
                    .clone(),
            };
            // Operation-level parameters override path-level ones.
            parameters.retain(|q| !(q.name == param.name && q.location == param.location));
            parameters.push(param);
        }
        let request_body = op
            .get("requestBody")
            .map(|b| self.resolve(b))
            .and_then(|b| {
                let (media, content) = b.get("content")?.as_object()?.iter().next()?;
                Some(RequestBody {
                    media_type: media.clone(),
                    schema: self.resolve_deep(content.get("schema").unwrap_or(&Value::Null)),
                    required: b.get("required").and_then(Value::as_bool).unwrap_or(false),
                })
            });
        let mut responses = BTreeMap::new();
        if let Some(map) = op.get("responses").and_then(Value::as_object) {
            for (code, resp) in map {
                let Ok(status) = code.parse::<u16>() else {
                    // `default` and `4XX` ranges cannot be planned against.
                    continue;
                };
                let resp = self.resolve(resp);
                let mut spec = ResponseSpec::default();
                if let Some(content) = resp.get("content").and_then(Value::as_object) {
                    for (media, body) in content {
                        if spec.schema.is_none() {
                            spec.schema = body.get("schema").cloned();
                        }
                        spec.media_types.push(media.clone());
                    }
                }
                if let Some(headers) = resp.get("headers").and_then(Value::as_object) {
                    for (name, h) in headers {
                        let h = self.resolve(h);
                        spec.headers.insert(
                            name.clone(),
                            h.get("required").and_then(Value::as_bool).unwrap_or(false),
                        );
                    }
                }
                responses.insert(status, spec);
            }
        }
        let security = match op.get("security").or(global_security) {
            None => Security::None,
            Some(Value::Array(reqs)) if reqs.is_empty() => Security::None,
            Some(Value::Array(reqs)) => {
                let anonymous_ok = reqs
                    .iter()
                    .any(|r| r.as_object().is_some_and(serde_json::Map::is_empty));
                if anonymous_ok {
                    Security::Optional
                } else {
                    Security::Required
                }
            }
            Some(_) => Security::None,
        };
        let requires_auth = security == Security::Required
            || op
                .pointer("/x-permissions/requires-authentication")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        let permissions = op
            .get("x-permissions")
            .map(|x| PermissionRow::parse_all(&id, x))
            .transpose()?
            .unwrap_or_default();
        let via = match op.get("x-permissions") {
            Some(x) => super::permissions::parse_via(&id, x)?,
            None => None,
        };
        Ok(Operation {
            via,
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            summary: op
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            id,
            method: method_up,
            path: path.to_owned(),
            parameters,
            request_body,
            responses,
            security,
            permissions,
            requires_auth,
            resource: None,
        })
        .map(|mut op| {
            op.resource = op.read_resource_type(self);
            op
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tiny() -> Spec {
        Spec::from_value(json!({
            "openapi": "3.0.0",
            "paths": {
                "/v1/things/{thing_id}": {"get": {"operationId": "get_thing",
                    "security": [{"jwt": []}, {}],
                    "responses": {"200": {"content": {"application/vnd.api+json": {"schema": {"$ref": "#/components/schemas/ThingDocument"}}}}, "404": {}}}},
                "/v1/things/special": {"get": {"operationId": "special", "responses": {"200": {}}}}
            },
            "components": {"schemas": {
                "ThingDocument": {"properties": {"data": {"$ref": "#/components/schemas/ThingResource"}}},
                "ThingResource": {"properties": {"id": {"type": "string"}, "attributes": {}, "type": {"enum": ["thing"]}}}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn indexes_operations_and_resolves_types() {
        let spec = tiny();
        let op = spec.operation("get_thing").unwrap();
        assert_eq!(op.path_params(), vec!["thing_id"]);
        assert_eq!(op.security, Security::Optional);
        assert_eq!(op.resource_type(&spec).as_deref(), Some("thing"));
        assert_eq!(op.statuses(), vec![200, 404]);
        assert_eq!(
            spec.resource_schema_ref("thing").as_deref(),
            Some("#/components/schemas/ThingResource")
        );
    }

    #[test]
    fn literal_segments_win_over_templates() {
        let spec = tiny();
        assert_eq!(
            spec.match_path("GET", "/v1/things/special").unwrap().id,
            "special"
        );
        assert_eq!(
            spec.match_path("GET", "/v1/things/7?x=1").unwrap().id,
            "get_thing"
        );
        assert!(spec.match_path("GET", "/v1/other/7").is_none());
    }
}
