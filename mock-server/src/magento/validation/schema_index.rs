//! What validation needs to know of the schema, read from the SDL async-graphql exports, so it
//! cannot drift from the types the executor serves.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

#[derive(Debug, Default)]
pub struct SchemaIndex {
    types: HashMap<String, TypeInfo>,
}

#[derive(Debug)]
pub struct TypeInfo {
    pub kind: Kind,
    pub fields: HashMap<String, FieldInfo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    Object,
    Enum,
    InputObject,
    Other,
}

#[derive(Debug)]
pub struct FieldInfo {
    pub arguments: Vec<ArgumentInfo>,
    pub ty: Type,
}

#[derive(Debug)]
pub struct ArgumentInfo {
    pub name: String,
    pub ty: Type,
    pub has_default: bool,
}

const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

impl SchemaIndex {
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types: HashMap<String, TypeInfo> = BUILT_IN_SCALARS
            .iter()
            .map(|name| ((*name).to_owned(), TypeInfo { kind: Kind::Scalar, fields: HashMap::new() }))
            .collect();
        let Ok(document) = parse_schema(sdl) else { return Self { types } };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let definition = definition.node;
            let (kind, fields) = match definition.kind {
                TypeKind::Scalar => (Kind::Scalar, Vec::new()),
                TypeKind::Object(object) => (Kind::Object, object.fields),
                TypeKind::Interface(interface) => (Kind::Other, interface.fields),
                TypeKind::Enum(_) => (Kind::Enum, Vec::new()),
                TypeKind::InputObject(_) => (Kind::InputObject, Vec::new()),
                TypeKind::Union(_) => (Kind::Other, Vec::new()),
            };
            let fields = fields
                .into_iter()
                .map(|field| {
                    let field = field.node;
                    let arguments = field
                        .arguments
                        .into_iter()
                        .map(|arg| ArgumentInfo {
                            name: arg.node.name.node.to_string(),
                            ty: arg.node.ty.node,
                            has_default: arg.node.default_value.is_some(),
                        })
                        .collect();
                    (field.name.node.to_string(), FieldInfo { arguments, ty: field.ty.node })
                })
                .collect();
            types.insert(definition.name.node.to_string(), TypeInfo { kind, fields });
        }
        Self { types }
    }

    pub fn get(&self, name: &str) -> Option<&TypeInfo> {
        self.types.get(name)
    }

    pub fn kind_of(&self, ty: &Type) -> Option<Kind> {
        self.get(named_type(ty)).map(|info| info.kind)
    }
}

/// The named type under lists and non-null: `[String!]!` -> `String`.
pub fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}
