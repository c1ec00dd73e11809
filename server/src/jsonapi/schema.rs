//! OpenAPI schemas of the JSON:API documents, derived from a resource's
//! declared fields and relationships and registered with poem-openapi.

use std::marker::PhantomData;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use serde_json::json;

use super::resource::{Access, Field, FieldKind, Resource};
use crate::error::JsonApiVersion;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A `$ref` to a component schema.
pub fn reference(name: &str) -> MetaSchemaRef {
    MetaSchemaRef::Reference(name.to_owned())
}

fn inline(schema: MetaSchema) -> MetaSchemaRef {
    MetaSchemaRef::Inline(Box::new(schema))
}

fn string_schema(description: &'static str) -> MetaSchemaRef {
    let mut s = MetaSchema::new("string");
    if !description.is_empty() {
        s.description = Some(description);
    }
    inline(s)
}

fn object(
    properties: Vec<(&'static str, MetaSchemaRef)>,
    required: Vec<&'static str>,
) -> MetaSchema {
    let mut s = MetaSchema::new("object");
    s.properties = properties;
    s.required = required;
    s
}

fn const_string(value: &'static str) -> MetaSchemaRef {
    let mut s = MetaSchema::new("string");
    s.enum_items = vec![json!(value)];
    s.example = Some(json!(value));
    inline(s)
}

/// The schema of one attribute.
pub fn field_schema(field: &Field) -> MetaSchemaRef {
    let mut s = match field.kind {
        FieldKind::Str { max } | FieldKind::Text { max } => {
            let mut s = MetaSchema::new("string");
            s.max_length = Some(max);
            if field.required {
                s.min_length = Some(1);
            }
            s
        }
        FieldKind::Email => MetaSchema::new_with_format("string", "email"),
        FieldKind::Url => MetaSchema::new_with_format("string", "uri"),
        FieldKind::Bool => MetaSchema::new("boolean"),
        FieldKind::Int { min, max } => {
            let mut s = MetaSchema::new_with_format("integer", "int32");
            s.minimum = Some(f64::from(min));
            s.maximum = Some(f64::from(max));
            s
        }
        FieldKind::Float { min, max } => {
            let mut s = MetaSchema::new_with_format("number", "double");
            s.minimum = Some(min);
            s.maximum = Some(max);
            s
        }
        FieldKind::DateTime => MetaSchema::new_with_format("string", "date-time"),
        FieldKind::Enum(values) => {
            let mut s = MetaSchema::new("string");
            s.enum_items = values.iter().map(|v| json!(v)).collect();
            s
        }
        FieldKind::Timezone => {
            let mut s = MetaSchema::new("string");
            s.example = Some(json!("Europe/Berlin"));
            s
        }
        FieldKind::Format(format) => {
            let mut s = MetaSchema::new("string");
            s.pattern = Some(format.pattern().to_owned());
            s.example = Some(json!(format.example()));
            s
        }
        FieldKind::Password => {
            let mut s = MetaSchema::new_with_format("string", "password");
            s.min_length = Some(crate::auth::password::MIN_PASSWORD_LEN);
            s.max_length = Some(128);
            s
        }
    };
    s.nullable = field.nullable;
    s.read_only = field.access == Access::ReadOnly;
    s.write_only = !field.readable();
    if !field.description.is_empty() {
        s.description = Some(field.description);
    }
    inline(s)
}

/// Which attributes a schema lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AttrView {
    Read,
    Create,
    Update,
}

fn attributes_schema<R: Resource>(view: AttrView) -> MetaSchema {
    let mut props = Vec::new();
    let mut required = Vec::new();
    for f in R::FIELDS {
        let listed = match view {
            AttrView::Read => f.readable(),
            AttrView::Create => f.access != Access::ReadOnly,
            AttrView::Update => matches!(f.access, Access::ReadWrite | Access::WriteOnly),
        };
        if !listed {
            continue;
        }
        props.push((f.name, field_schema(f)));
        if view == AttrView::Create && f.required {
            required.push(f.name);
        }
    }
    object(props, required)
}

fn relationships_schema<R: Resource>(with_links: bool, for_create: bool) -> MetaSchema {
    let for_update = !with_links && !for_create;
    let props = R::RELATIONSHIPS
        .iter()
        .filter(|r| {
            with_links
                || (for_create && r.settable_on_create())
                || (for_update && r.settable_on_update())
        })
        .map(|r| {
            let name = match (r.is_to_one(), with_links) {
                (true, true) => "RelationshipToOne",
                (false, true) => "RelationshipToMany",
                (true, false) => "RelationshipToOneData",
                (false, false) => "RelationshipToManyData",
            };
            (r.name, reference(name))
        })
        .collect();
    let required = if for_create {
        R::RELATIONSHIPS
            .iter()
            .filter(|r| r.required)
            .map(|r| r.name)
            .collect()
    } else {
        vec![]
    };
    object(props, required)
}

/// Registers the schemas shared by every resource.
pub fn register_common(registry: &mut Registry) {
    struct Common;
    let mut identifier = object(
        vec![
            ("type", string_schema("The resource type.")),
            ("id", string_schema("The resource id, as a string.")),
        ],
        vec!["type", "id"],
    );
    identifier.description = Some("A resource identifier object.");
    registry.create_schema::<Common, _>("ResourceIdentifier".into(), |_| identifier);
    registry.create_schema::<(Common, u8), _>("RelationshipLinks".into(), |_| {
        object(
            vec![
                ("self", string_schema("The relationship endpoint.")),
                ("related", string_schema("The related resource endpoint.")),
            ],
            vec!["self", "related"],
        )
    });
    registry.create_schema::<(Common, u16), _>("RelationshipToOne".into(), |_| {
        object(
            vec![
                ("links", reference("RelationshipLinks")),
                ("data", one_data()),
            ],
            vec!["links"],
        )
    });
    registry.create_schema::<(Common, u32), _>("RelationshipToMany".into(), |_| {
        object(
            vec![
                ("links", reference("RelationshipLinks")),
                ("data", many_data()),
            ],
            vec!["links"],
        )
    });
    registry.create_schema::<(Common, u64), _>("RelationshipToOneData".into(), |_| {
        object(vec![("data", one_data())], vec!["data"])
    });
    registry.create_schema::<(Common, i8), _>("RelationshipToManyData".into(), |_| {
        object(vec![("data", many_data())], vec!["data"])
    });
    registry.create_schema::<(Common, i16), _>("ResourceLinks".into(), |_| {
        object(
            vec![("self", string_schema("This resource's URL."))],
            vec!["self"],
        )
    });
    registry.create_schema::<(Common, i32), _>("PaginationLinks".into(), |_| {
        object(
            vec![
                ("self", string_schema("This page.")),
                ("first", string_schema("The first page.")),
                ("last", string_schema("The last page.")),
                (
                    "prev",
                    string_schema("The previous page, when there is one."),
                ),
                ("next", string_schema("The next page, when there is one.")),
            ],
            vec!["self"],
        )
    });
    registry.create_schema::<(Common, i64), _>("CollectionMeta".into(), |_| {
        let mut count = MetaSchema::new_with_format("integer", "int64");
        count.minimum = Some(0.0);
        count.description = Some("Number of objects matching the query, before pagination.");
        object(vec![("count", inline(count))], vec!["count"])
    });
    registry.create_schema::<(Common, f32), _>("IncludedResource".into(), |_| {
        let mut s = object(
            vec![
                ("type", string_schema("The resource type.")),
                ("id", string_schema("The resource id.")),
                ("attributes", inline(MetaSchema::new("object"))),
                ("relationships", inline(MetaSchema::new("object"))),
                ("links", reference("ResourceLinks")),
            ],
            vec!["type", "id", "links"],
        );
        s.description =
            Some("A resource object of any type; its schema is `<Type>Resource` for its `type`.");
        s
    });
    registry.create_schema::<(Common, f64), _>("MessageMeta".into(), |_| {
        object(
            vec![("message", string_schema("What happened."))],
            vec!["message"],
        )
    });
    registry.create_schema::<(Common, bool), _>("MetaDocument".into(), |_| {
        object(
            vec![
                ("meta", reference("MessageMeta")),
                ("jsonapi", reference("JsonApiVersion")),
            ],
            vec!["meta", "jsonapi"],
        )
    });
    for (marker, rel) in [
        ("RelationshipToOneDocument", true),
        ("RelationshipToManyDocument", false),
    ] {
        let build = |_: &mut Registry| {
            let mut s = object(
                vec![
                    ("links", reference("RelationshipLinks")),
                    ("data", if rel { one_data() } else { many_data() }),
                    ("jsonapi", reference("JsonApiVersion")),
                ],
                vec!["links", "data", "jsonapi"],
            );
            s.description = Some(if rel {
                "The linkage of a to-one relationship."
            } else {
                "The linkage of a to-many relationship."
            });
            s
        };
        if rel {
            registry.create_schema::<(Common, char), _>(marker.into(), build);
        } else {
            registry.create_schema::<(Common, String), _>(marker.into(), build);
        }
    }
    <JsonApiVersion as poem_openapi::types::Type>::register(registry);
}

fn one_data() -> MetaSchemaRef {
    let mut data = MetaSchema::new("object");
    data.all_of = vec![reference("ResourceIdentifier")];
    data.nullable = true;
    inline(data)
}

fn many_data() -> MetaSchemaRef {
    let mut data = MetaSchema::new("array");
    data.items = Some(Box::new(reference("ResourceIdentifier")));
    inline(data)
}

fn name<R: Resource>(suffix: &str) -> String {
    format!("{}{}", R::SCHEMA, suffix)
}

/// Registers `<S>Attributes`, `<S>Relationships` and `<S>Resource`.
pub fn register_resource<R: Resource>(registry: &mut Registry) {
    register_common(registry);
    registry.create_schema::<(R, u8), _>(name::<R>("Attributes"), |_| {
        attributes_schema::<R>(AttrView::Read)
    });
    registry.create_schema::<(R, u16), _>(name::<R>("Relationships"), |_| {
        relationships_schema::<R>(true, false)
    });
    registry.create_schema::<(R, u32), _>(name::<R>("Resource"), |_| {
        let mut s = object(
            vec![
                ("type", const_string(R::TYPE)),
                ("id", string_schema("The id, as a string.")),
                ("attributes", reference(&name::<R>("Attributes"))),
                ("relationships", reference(&name::<R>("Relationships"))),
                ("links", reference("ResourceLinks")),
            ],
            vec!["type", "id", "attributes", "links"],
        );
        s.description = Some(leak(format!("A `{}` resource object.", R::TYPE)));
        s
    });
}

fn included_schema() -> MetaSchemaRef {
    let mut s = MetaSchema::new("array");
    s.items = Some(Box::new(reference("IncludedResource")));
    s.description = Some("Resources named by `include`.");
    inline(s)
}

/// The schema kinds of one resource's documents.
pub trait DocKind: Send + Sync + 'static {
    /// Component name suffix.
    const SUFFIX: &'static str;
    /// Builds the document schema.
    fn build<R: Resource>(registry: &mut Registry) -> MetaSchema;
}

/// `<S>Document`: one resource.
pub struct Single;
/// `<S>CollectionDocument`: a page of resources.
pub struct Collection;
/// `<S>CreateDocument`: a POST body.
pub struct Create;
/// `<S>UpdateDocument`: a PATCH body.
pub struct Update;

impl DocKind for Single {
    const SUFFIX: &'static str = "Document";
    fn build<R: Resource>(_: &mut Registry) -> MetaSchema {
        object(
            vec![
                ("data", reference(&name::<R>("Resource"))),
                ("included", included_schema()),
                ("links", reference("ResourceLinks")),
                ("jsonapi", reference("JsonApiVersion")),
            ],
            vec!["data", "jsonapi"],
        )
    }
}

impl DocKind for Collection {
    const SUFFIX: &'static str = "CollectionDocument";
    fn build<R: Resource>(_: &mut Registry) -> MetaSchema {
        let mut data = MetaSchema::new("array");
        data.items = Some(Box::new(reference(&name::<R>("Resource"))));
        object(
            vec![
                ("data", inline(data)),
                ("included", included_schema()),
                ("meta", reference("CollectionMeta")),
                ("links", reference("PaginationLinks")),
                ("jsonapi", reference("JsonApiVersion")),
            ],
            vec!["data", "meta", "links", "jsonapi"],
        )
    }
}

impl DocKind for Create {
    const SUFFIX: &'static str = "CreateDocument";
    fn build<R: Resource>(registry: &mut Registry) -> MetaSchema {
        registry.create_schema::<(R, Create), _>(name::<R>("CreateAttributes"), |_| {
            attributes_schema::<R>(AttrView::Create)
        });
        registry.create_schema::<(R, Create, u8), _>(name::<R>("CreateRelationships"), |_| {
            relationships_schema::<R>(false, true)
        });
        let mut required = vec!["type", "attributes"];
        if R::RELATIONSHIPS.iter().any(|r| r.required) {
            required.push("relationships");
        }
        let data = object(
            vec![
                ("type", const_string(R::TYPE)),
                ("attributes", reference(&name::<R>("CreateAttributes"))),
                (
                    "relationships",
                    reference(&name::<R>("CreateRelationships")),
                ),
            ],
            required,
        );
        object(vec![("data", inline(data))], vec!["data"])
    }
}

impl DocKind for Update {
    const SUFFIX: &'static str = "UpdateDocument";
    fn build<R: Resource>(registry: &mut Registry) -> MetaSchema {
        registry.create_schema::<(R, Update), _>(name::<R>("UpdateAttributes"), |_| {
            attributes_schema::<R>(AttrView::Update)
        });
        registry.create_schema::<(R, Update, u8), _>(name::<R>("UpdateRelationships"), |_| {
            relationships_schema::<R>(false, false)
        });
        let data = object(
            vec![
                ("type", const_string(R::TYPE)),
                ("id", string_schema("Must equal the id in the URL.")),
                ("attributes", reference(&name::<R>("UpdateAttributes"))),
                (
                    "relationships",
                    reference(&name::<R>("UpdateRelationships")),
                ),
            ],
            vec!["type", "id"],
        );
        object(vec![("data", inline(data))], vec!["data"])
    }
}

/// A document of kind `K` for resource `R`; at run time a JSON value.
pub struct Doc<R, K> {
    /// The rendered document.
    pub value: serde_json::Value,
    _marker: PhantomData<fn() -> (R, K)>,
}

impl<R, K> Doc<R, K> {
    /// Wraps a rendered document.
    pub fn new(value: serde_json::Value) -> Self {
        Doc {
            value,
            _marker: PhantomData,
        }
    }
}

impl<R: Resource, K: DocKind> poem_openapi::types::Type for Doc<R, K> {
    const IS_REQUIRED: bool = true;
    type RawValueType = serde_json::Value;
    type RawElementValueType = serde_json::Value;

    fn name() -> std::borrow::Cow<'static, str> {
        name::<R>(K::SUFFIX).into()
    }

    fn schema_ref() -> MetaSchemaRef {
        reference(&name::<R>(K::SUFFIX))
    }

    fn register(registry: &mut Registry) {
        register_resource::<R>(registry);
        registry.create_schema::<Self, _>(name::<R>(K::SUFFIX), |r| K::build::<R>(r));
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.value)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(&self.value))
    }
}

impl<R: Resource, K: DocKind> poem_openapi::types::ToJSON for Doc<R, K> {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(self.value.clone())
    }
}

/// `{"meta": {"message": …}}`: the DELETE response.
pub struct MetaDoc(pub serde_json::Value);

impl poem_openapi::types::Type for MetaDoc {
    const IS_REQUIRED: bool = true;
    type RawValueType = serde_json::Value;
    type RawElementValueType = serde_json::Value;

    fn name() -> std::borrow::Cow<'static, str> {
        "MetaDocument".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        reference("MetaDocument")
    }

    fn register(registry: &mut Registry) {
        register_common(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl poem_openapi::types::ToJSON for MetaDoc {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(self.0.clone())
    }
}

/// The linkage document of a to-one (`ONE = true`) or to-many relationship.
pub struct RelDoc<const ONE: bool>(pub serde_json::Value);

impl<const ONE: bool> poem_openapi::types::Type for RelDoc<ONE> {
    const IS_REQUIRED: bool = true;
    type RawValueType = serde_json::Value;
    type RawElementValueType = serde_json::Value;

    fn name() -> std::borrow::Cow<'static, str> {
        if ONE {
            "RelationshipToOneDocument"
        } else {
            "RelationshipToManyDocument"
        }
        .into()
    }

    fn schema_ref() -> MetaSchemaRef {
        reference(&Self::name())
    }

    fn register(registry: &mut Registry) {
        register_common(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl<const ONE: bool> poem_openapi::types::ToJSON for RelDoc<ONE> {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(self.0.clone())
    }
}

/// The request body of a relationship endpoint: `{"data": …}` only.
pub struct RelInput<const ONE: bool>;

impl<const ONE: bool> poem_openapi::types::Type for RelInput<ONE> {
    const IS_REQUIRED: bool = true;
    type RawValueType = ();
    type RawElementValueType = ();

    fn name() -> std::borrow::Cow<'static, str> {
        if ONE {
            "RelationshipToOneData"
        } else {
            "RelationshipToManyData"
        }
        .into()
    }

    fn schema_ref() -> MetaSchemaRef {
        reference(&Self::name())
    }

    fn register(registry: &mut Registry) {
        register_common(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        None
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::empty())
    }
}
