//! What validation needs to know of the schema, read from the SDL async-graphql exports, so it
//! cannot drift from the types the executor serves; and what it needs to know of the real
//! store's schema beyond that (`real_types.txt`: every type's name and kind, the field names of
//! object types and the typed fields of input object types), because Magento's answers depend on
//! it: a type name the store does not know is an exception (`Internal server error`), "Did you
//! mean" lists real field names, and input objects are checked field by field in Magento's order.
//! Both depend on the release: [`ReleaseIndexes`] holds one index per release, built on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

use crate::magento::release::{INTRODUCED_FIELDS, MagentoVersion};

#[derive(Debug, Default)]
pub struct SchemaIndex {
    types: HashMap<String, TypeInfo>,
    /// `__typename`, `__schema` and `__type`, which webonyx adds to the types.
    meta: HashMap<String, FieldInfo>,
    real: HashMap<&'static str, RealType>,
}

/// A type of the real store's schema: its kind, the names of an object type's fields (sorted),
/// and an input object type's fields with their types (in Magento's order).
#[derive(Debug)]
struct RealType {
    kind: Kind,
    fields: Vec<&'static str>,
    input_fields: Vec<(&'static str, Type)>,
}

/// Made from Magento Open Source 2.4.7-p3's `etc/schema.graphqls` files (see the file's header):
/// the table of 2.4.0 to 2.4.7, whose differences the mock serves are the root fields of
/// [`INTRODUCED_FIELDS`].
const REAL_TYPES: &str = include_str!("real_types.txt");

/// Made from Magento Open Source 2.4.8-beta1's (see the file's header): the table of 2.4.8.
const REAL_TYPES_2_4_8: &str = include_str!("real_types-2.4.8.txt");

fn real_types(table: &'static str) -> HashMap<&'static str, RealType> {
    table
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let kind = match words.next()? {
                "OBJECT" => Kind::Object,
                "INPUT_OBJECT" => Kind::InputObject,
                "ENUM" => Kind::Enum,
                "SCALAR" => Kind::Scalar,
                _ => Kind::Other,
            };
            let name = words.next()?;
            let (fields, input_fields) = if kind == Kind::InputObject {
                let typed = words.filter_map(|w| w.split_once(':')).filter_map(|(f, t)| Some((f, Type::new(t)?)));
                (Vec::new(), typed.collect())
            } else {
                (words.collect(), Vec::new())
            };
            Some((name, RealType { kind, fields, input_fields }))
        })
        .chain(
            INTROSPECTION_TYPES
                .iter()
                .map(|(name, kind)| (*name, RealType { kind: *kind, fields: Vec::new(), input_fields: Vec::new() })),
        )
        .collect()
}

fn field_info(field: async_graphql::parser::types::FieldDefinition) -> (String, FieldInfo) {
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
}

/// webonyx 15's introspection types, and its meta fields (as the fields of `__Meta`).
const INTROSPECTION_SDL: &str = "
type __Meta { __typename: String! __schema: __Schema! __type(name: String!): __Type }
type __Schema { queryType: __Type! mutationType: __Type subscriptionType: __Type types: [__Type!]! directives: [__Directive!]! description: String }
type __Type { kind: __TypeKind! name: String description: String fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!] possibleTypes: [__Type!] enumValues(includeDeprecated: Boolean = false): [__EnumValue!] inputFields(includeDeprecated: Boolean = false): [__InputValue!] ofType: __Type isOneOf: Boolean }
type __Field { name: String! description: String args(includeDeprecated: Boolean = false): [__InputValue!]! type: __Type! isDeprecated: Boolean! deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String isDeprecated: Boolean! deprecationReason: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
type __Directive { name: String! description: String args(includeDeprecated: Boolean = false): [__InputValue!]! isRepeatable: Boolean! locations: [__DirectiveLocation!]! }
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
enum __DirectiveLocation { QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION }
";

/// webonyx's own types, which every schema has.
const INTROSPECTION_TYPES: [(&str, Kind); 8] = [
    ("__Schema", Kind::Object),
    ("__Type", Kind::Object),
    ("__Field", Kind::Object),
    ("__InputValue", Kind::Object),
    ("__EnumValue", Kind::Object),
    ("__Directive", Kind::Object),
    ("__TypeKind", Kind::Enum),
    ("__DirectiveLocation", Kind::Enum),
];

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

/// The index of each release, made from the served SDL when a request of that release first needs it.
#[derive(Debug)]
pub struct ReleaseIndexes {
    sdl: String,
    indexes: [OnceLock<SchemaIndex>; MagentoVersion::LATEST.patch() as usize + 1],
}

impl ReleaseIndexes {
    pub fn new(sdl: String) -> Self {
        Self { sdl, indexes: Default::default() }
    }

    pub fn get(&self, version: MagentoVersion) -> &SchemaIndex {
        // A slot per release: the clamp only keeps the indexing obviously in bounds.
        let slot = &self.indexes[usize::from(version.patch()).min(self.indexes.len() - 1)];
        slot.get_or_init(|| SchemaIndex::for_release(&self.sdl, version))
    }
}

impl SchemaIndex {
    /// The served SDL with 2.4.7-p3's table, every served field included (unit tests).
    pub fn from_sdl(sdl: &str) -> Self {
        Self::build(sdl, real_types(REAL_TYPES))
    }

    /// What a store of `version` has: its release's table (2.4.7-p3's up to 2.4.7, 2.4.8-beta1's
    /// for 2.4.8), without the served fields and types that release does not have yet.
    pub fn for_release(sdl: &str, version: MagentoVersion) -> Self {
        let table = if version >= MagentoVersion::LATEST { REAL_TYPES_2_4_8 } else { REAL_TYPES };
        let mut index = Self::build(sdl, real_types(table));
        for (parent, field, _) in INTRODUCED_FIELDS.iter().filter(|(t, f, _)| !version.has_field(t, f)) {
            if let Some(served) = index.types.get_mut(*parent) {
                served.fields.remove(*field);
            }
            if let Some(real) = index.real.get_mut(*parent) {
                real.fields.retain(|name| name != field);
            }
        }
        // A type only a later release defines (`ReCaptchaConfigOutput` before 2.4.8) is unknown.
        let real = &index.real;
        index.types.retain(|name, _| BUILT_IN_SCALARS.contains(&name.as_str()) || real.contains_key(name.as_str()));
        index
    }

    fn build(sdl: &str, real: HashMap<&'static str, RealType>) -> Self {
        let mut types: HashMap<String, TypeInfo> = BUILT_IN_SCALARS
            .iter()
            .map(|name| ((*name).to_owned(), TypeInfo { kind: Kind::Scalar, fields: HashMap::new() }))
            .collect();
        let mut meta = HashMap::new();
        let mut definitions = Vec::new();
        if let Ok(document) = parse_schema(INTROSPECTION_SDL) {
            for definition in document.definitions {
                match definition {
                    TypeSystemDefinition::Type(t) if t.node.name.node == "__Meta" => {
                        if let TypeKind::Object(object) = t.node.kind {
                            meta = object.fields.into_iter().map(|f| field_info(f.node)).collect();
                        }
                    }
                    other => definitions.push(other),
                }
            }
        }
        if let Ok(document) = parse_schema(sdl) {
            definitions.extend(document.definitions);
        }
        for definition in definitions {
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
            let fields = fields.into_iter().map(|field| field_info(field.node)).collect();
            types.insert(definition.name.node.to_string(), TypeInfo { kind, fields });
        }
        Self { types, meta, real }
    }

    /// The definition of `name` on the served type `parent`, webonyx's meta fields included.
    pub fn field(&self, parent: &str, name: &str) -> Option<&FieldInfo> {
        let info = self.get(parent)?;
        if let Some(field) = info.fields.get(name) {
            return Some(field);
        }
        match name {
            "__typename" => self.meta.get(name),
            "__schema" | "__type" if parent == "Query" => self.meta.get(name),
            _ => None,
        }
    }

    /// The kind of a type the real store knows (served or not); `None` for a name it does not know.
    pub fn real_kind(&self, name: &str) -> Option<Kind> {
        self.get(name).map(|t| t.kind).or_else(|| self.real.get(name).map(|t| t.kind))
    }

    /// The names of all the real type's fields, sorted (its served fields when the list has none).
    pub fn real_fields<'a>(&'a self, name: &str) -> Vec<&'a str> {
        match self.real.get(name) {
            Some(real) if !real.fields.is_empty() => real.fields.clone(),
            _ => {
                let mut fields: Vec<&str> =
                    self.get(name).map(|t| t.fields.keys().map(String::as_str).collect()).unwrap_or_default();
                fields.sort_unstable();
                fields
            }
        }
    }

    /// The fields of the real input object type `name` with their types, in Magento's order.
    pub fn input_fields(&self, name: &str) -> Option<&[(&'static str, Type)]> {
        self.real.get(name).filter(|t| t.kind == Kind::InputObject).map(|t| t.input_fields.as_slice())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::magento::schema::build_schema;

    fn index(patch: u8) -> SchemaIndex {
        SchemaIndex::for_release(&build_schema().sdl(), MagentoVersion::from_patch(patch).unwrap())
    }

    #[test]
    fn each_release_has_the_fields_and_types_of_its_store() {
        let (v6, v7, v8) = (index(6), index(7), index(8));
        assert!(v6.field("Query", "recaptchaV3Config").is_none());
        assert!(v7.field("Query", "recaptchaV3Config").is_some());
        for old in [&v6, &v7] {
            assert!(old.field("Query", "recaptchaFormConfig").is_none());
            assert!(old.field("Mutation", "resendConfirmationEmail").is_none());
            assert!(!old.real_fields("Mutation").contains(&"resendConfirmationEmail"));
            assert_eq!(old.real_kind("ReCaptchaConfigOutput"), None);
            assert!(old.field("Mutation", "confirmEmail").is_some());
        }
        assert!(!v6.real_fields("Query").contains(&"recaptchaV3Config"));
        assert!(v8.field("Query", "recaptchaFormConfig").is_some());
        assert!(v8.field("Mutation", "resendConfirmationEmail").is_some());
        assert_eq!(v8.real_kind("ReCaptchaConfigOutput"), Some(Kind::Object));
    }

    #[test]
    fn the_2_4_8_table_is_2_4_8_beta1s() {
        // `CartPrices.grand_total_excluding_tax` is 2.4.8's; the mock does not serve it.
        assert!(index(8).real_fields("CartPrices").contains(&"grand_total_excluding_tax"));
        assert!(!index(7).real_fields("CartPrices").contains(&"grand_total_excluding_tax"));
    }

    #[test]
    fn release_indexes_answer_each_release_with_its_own() {
        let indexes = ReleaseIndexes::new(build_schema().sdl());
        let v7 = MagentoVersion::from_patch(7).unwrap();
        assert!(indexes.get(v7).field("Query", "recaptchaFormConfig").is_none());
        assert!(indexes.get(MagentoVersion::LATEST).field("Query", "recaptchaFormConfig").is_some());
    }
}
