//! Parsing of the JSON:API query parameters: `page[size]`, `page[number]`,
//! `sort`, `include`, `fields[type]`, `filter` (JSON) and `filter[attr]`.
//! Every unknown name is a 400 that names the parameter.

use std::collections::{BTreeMap, HashMap};

use super::registry::{Cx, Registry};
use super::{
    filter::{FilterNode, parse_filter_json, simple_filter},
    registry::DynResource,
};
use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page size a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 1000;

/// One sort key: a field of the resource, or `relationship.field` of a to-one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The to-one relationship, for dotted keys.
    pub relationship: Option<&'static str>,
    /// The column to sort by (on the target table for dotted keys).
    pub column: &'static str,
    /// Descending.
    pub desc: bool,
}

/// Nested include paths, e.g. `a.b,a.c` → `{a: {b: {}, c: {}}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncludeTree(pub BTreeMap<&'static str, IncludeTree>);

/// Parsed query of a list or detail request.
#[derive(Debug, Clone, Default)]
pub struct JsonApiQuery {
    /// Page size; 0 disables pagination.
    pub page_size: u64,
    /// 1-based page number.
    pub page_number: u64,
    /// Sort keys in order.
    pub sort: Vec<SortKey>,
    /// Include tree.
    pub include: IncludeTree,
    /// Sparse fieldsets per type.
    pub fields: HashMap<String, Vec<String>>,
    /// The combined filter.
    pub filter: Option<FilterNode>,
    /// The decoded pairs, for building pagination links.
    pub pairs: Vec<(String, String)>,
}

/// Which parameters a request accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// Lists: all parameters.
    List,
    /// Details and writes: `include` and `fields[…]` only.
    Detail,
    /// Relationship linkage: none.
    Linkage,
}

impl JsonApiQuery {
    /// Parses a raw query string for resource `res`.
    pub fn parse(
        raw: Option<&str>,
        res: &dyn DynResource,
        cx: &Cx<'_>,
        kind: QueryKind,
    ) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let mut q = JsonApiQuery {
            page_size: DEFAULT_PAGE_SIZE,
            page_number: 1,
            ..Default::default()
        };
        let mut filters = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (key, value) in &pairs {
            if !seen.insert(key.as_str()) {
                return Err(ApiError::bad_parameter(
                    key,
                    format!("`{key}` is given more than once."),
                ));
            }
            let allowed = match kind {
                QueryKind::List => true,
                QueryKind::Detail => key == "include" || key.starts_with("fields["),
                QueryKind::Linkage => false,
            };
            if !allowed && is_known(key) {
                return Err(ApiError::bad_parameter(
                    key,
                    format!("`{key}` is not supported on this endpoint."),
                ));
            }
            match key.as_str() {
                "page[size]" => q.page_size = parse_page(key, value, 0)?.min(MAX_PAGE_SIZE),
                "page[number]" => q.page_number = parse_page(key, value, 1)?,
                "sort" => q.sort = parse_sort(value, res)?,
                "include" => q.include = parse_include(value, res)?,
                // An empty `filter` is no filter (a client that serializes
                // an empty query value); anything else must be the JSON array.
                "filter" if value.trim().is_empty() => {}
                "filter" => filters.push(parse_filter_json(value, res, cx)?),
                k if k.starts_with("fields[") && k.ends_with(']') => {
                    let ty = &k[7..k.len() - 1];
                    let names = parse_fields(key, ty, value, cx.reg)?;
                    q.fields.insert(ty.to_owned(), names);
                }
                k if k.starts_with("filter[") && k.ends_with(']') => {
                    let name = &k[7..k.len() - 1];
                    filters.push(simple_filter(key, name, value, res)?);
                }
                k if k.starts_with("page[") => {
                    return Err(ApiError::bad_parameter(
                        key,
                        format!(
                            "Unknown pagination parameter `{k}`; use page[size] and page[number]."
                        ),
                    ));
                }
                k => {
                    return Err(ApiError::bad_parameter(
                        k,
                        format!("Unknown query parameter `{k}`."),
                    ));
                }
            }
        }
        q.filter = match filters.len() {
            0 => None,
            1 => filters.pop(),
            _ => Some(filters.into_iter().fold(FilterNode::all(), FilterNode::add)),
        };
        q.pairs = pairs;
        Ok(q)
    }
}

fn is_known(key: &str) -> bool {
    matches!(key, "sort" | "include" | "filter")
        || key.starts_with("page[")
        || key.starts_with("fields[")
        || key.starts_with("filter[")
}

fn parse_page(key: &str, value: &str, min: u64) -> Result<u64, ApiError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= min)
        .ok_or_else(|| {
            ApiError::bad_parameter(
                key,
                format!("`{key}` must be an integer ≥ {min}, got `{value}`."),
            )
        })
}

fn parse_sort(value: &str, res: &dyn DynResource) -> Result<Vec<SortKey>, ApiError> {
    let mut keys = Vec::new();
    // An empty value (or an empty item) sorts by nothing extra.
    for raw in value.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        let (desc, name) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let bad = || {
            ApiError::bad_parameter(
                "sort",
                format!("Cannot sort `{}` by `{name}`.", res.type_name()),
            )
        };
        let key = match name.split_once('.') {
            None => {
                let f = res.field(name).filter(|f| f.queryable()).ok_or_else(bad)?;
                SortKey {
                    relationship: None,
                    column: f.column,
                    desc,
                }
            }
            Some((rel, field)) => {
                let r = res
                    .relationship(rel)
                    .filter(|r| r.is_to_one())
                    .ok_or_else(bad)?;
                let target = r.target();
                let f = target
                    .field(field)
                    .filter(|f| f.queryable())
                    .ok_or_else(bad)?;
                SortKey {
                    relationship: Some(r.name),
                    column: f.column,
                    desc,
                }
            }
        };
        keys.push(key);
    }
    Ok(keys)
}

fn parse_include(value: &str, res: &dyn DynResource) -> Result<IncludeTree, ApiError> {
    let mut tree = IncludeTree::default();
    for path in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut node = &mut tree;
        let mut current: &dyn DynResource = res;
        for segment in path.split('.') {
            let rel = current.relationship(segment).ok_or_else(|| {
                ApiError::bad_parameter(
                    "include",
                    format!(
                        "`{}` has no relationship `{segment}` (in `{path}`).",
                        current.type_name()
                    ),
                )
            })?;
            current = rel.target();
            node = node.0.entry(rel.name).or_default();
        }
    }
    Ok(tree)
}

fn parse_fields(key: &str, ty: &str, value: &str, reg: &Registry) -> Result<Vec<String>, ApiError> {
    let target = reg
        .lookup(ty)
        .ok_or_else(|| ApiError::bad_parameter(key, format!("Unknown resource type `{ty}`.")))?;
    let mut names = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let known = target.field(name).is_some_and(|f| f.queryable())
            || target.relationship(name).is_some();
        if !known {
            return Err(ApiError::bad_parameter(
                key,
                format!("`{ty}` has no field `{name}`."),
            ));
        }
        names.push(name.to_owned());
    }
    Ok(names)
}
