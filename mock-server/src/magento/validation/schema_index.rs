//! What validation needs to know of the schema: the served types (`served_types.txt`, the SDL
//! async-graphql exports, as a table a test keeps equal to it, so it cannot drift from the types
//! the executor serves); and what it needs to know of the real store's schema beyond that
//! (`real_types.txt`: every type's name and kind, the field names of object types and the typed
//! fields of input object types), because Magento's answers depend on it: a type name the store
//! does not know is an exception (`Internal server error`), "Did you mean" lists real field names,
//! and input objects are checked field by field in Magento's order.
//! Both depend on the release: [`ReleaseIndexes`] holds one index per release, built on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use async_graphql::parser::types::{BaseType, Type};

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
            let kind = Kind::of_word(words.next()?);
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

/// The served types: every type of the SDL async-graphql exports, and webonyx's introspection
/// types (its meta fields as the fields of `__Meta`). One type a line: kind, name, then each field
/// as `name(argument:Type,argument:Type=):Type` (`=` when the argument has a default). Written by
/// [`tests::served_table`] and checked by the test beside it; read at start, it costs a split per
/// line where parsing the 41 KB SDL cost 31 million instructions, three quarters of the start.
const SERVED_TYPES: &str = include_str!("served_types.txt");

/// The served types and the meta fields, read from [`SERVED_TYPES`]; a token it cannot read is
/// left out (the test beside the table reads every one).
fn served_types(table: &str) -> (HashMap<String, TypeInfo>, HashMap<String, FieldInfo>) {
    let mut types = HashMap::new();
    let mut meta = HashMap::new();
    for line in table.lines().filter(|line| !line.starts_with('#')) {
        let mut words = line.split_whitespace();
        let (Some(kind), Some(name)) = (words.next(), words.next()) else { continue };
        let kind = Kind::of_word(kind);
        let fields = words.filter_map(served_field).collect();
        if name == "__Meta" {
            meta = fields;
        } else {
            types.insert(name.to_owned(), TypeInfo { kind, fields });
        }
    }
    (types, meta)
}

/// `name(argument:Type,argument:Type=):Type`, or `name:Type` without arguments.
fn served_field(token: &str) -> Option<(String, FieldInfo)> {
    let (head, ty) = token.rsplit_once(':')?;
    let (name, arguments) = match head.split_once('(') {
        Some((name, arguments)) => {
            let arguments = arguments.strip_suffix(')')?.split(',').map(served_argument);
            (name, arguments.collect::<Option<Vec<_>>>()?)
        }
        None => (head, Vec::new()),
    };
    Some((name.to_owned(), FieldInfo { arguments, ty: Type::new(ty)? }))
}

fn served_argument(token: &str) -> Option<ArgumentInfo> {
    let (name, ty) = token.split_once(':')?;
    let (ty, has_default) = ty.strip_suffix('=').map_or((ty, false), |ty| (ty, true));
    Some(ArgumentInfo { name: name.to_owned(), ty: Type::new(ty)?, has_default })
}

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

impl Kind {
    /// The kind a line of `real_types.txt` or `served_types.txt` starts with (interfaces and
    /// unions are `Other`).
    fn of_word(word: &str) -> Self {
        match word {
            "SCALAR" => Kind::Scalar,
            "OBJECT" => Kind::Object,
            "ENUM" => Kind::Enum,
            "INPUT_OBJECT" => Kind::InputObject,
            _ => Kind::Other,
        }
    }
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

/// The index of each release, made from the served types when a request of that release first needs it.
#[derive(Debug, Default)]
pub struct ReleaseIndexes {
    indexes: [OnceLock<SchemaIndex>; MagentoVersion::LATEST.patch() as usize + 1],
}

impl ReleaseIndexes {
    pub fn get(&self, version: MagentoVersion) -> &SchemaIndex {
        // A slot per release: the clamp only keeps the indexing obviously in bounds.
        let slot = &self.indexes[usize::from(version.patch()).min(self.indexes.len() - 1)];
        slot.get_or_init(|| SchemaIndex::for_release(version))
    }
}

impl SchemaIndex {
    /// The served types with 2.4.7-p3's table, every served field included (unit tests).
    #[cfg(test)]
    pub fn served() -> Self {
        Self::build(SERVED_TYPES, real_types(REAL_TYPES))
    }

    /// An SDL of a test's own with 2.4.7-p3's table (unit tests).
    #[cfg(test)]
    pub fn from_sdl(sdl: &str) -> Self {
        Self::build(&tests::served_table(sdl), real_types(REAL_TYPES))
    }

    /// What a store of `version` has: its release's table (2.4.7-p3's up to 2.4.7, 2.4.8-beta1's
    /// for 2.4.8), without the served fields and types that release does not have yet.
    pub fn for_release(version: MagentoVersion) -> Self {
        let table = if version >= MagentoVersion::LATEST { REAL_TYPES_2_4_8 } else { REAL_TYPES };
        let mut index = Self::build(SERVED_TYPES, real_types(table));
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

    fn build(served: &str, real: HashMap<&'static str, RealType>) -> Self {
        let (mut types, meta) = served_types(served);
        for name in BUILT_IN_SCALARS {
            types.entry(name.to_owned()).or_insert_with(|| TypeInfo { kind: Kind::Scalar, fields: HashMap::new() });
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
    use std::fmt::Write as _;

    use async_graphql::parser::parse_schema;
    use async_graphql::parser::types::{FieldDefinition, TypeKind, TypeSystemDefinition};

    use super::*;
    use crate::magento::schema::build_schema;

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

    /// [`SERVED_TYPES`] as it should be: webonyx's introspection types, then the served SDL's.
    pub(super) fn served_table(sdl: &str) -> String {
        let mut table = String::from(
            "# The served types (see schema_index.rs): webonyx's introspection types, then the SDL\n\
             # async-graphql exports. Written by the test `the_served_types_table_is_the_served_sdls`\n\
             # (UPDATE_SERVED_TYPES=1 cargo test -p mock-server served_types); do not edit.\n",
        );
        for source in [INTROSPECTION_SDL, sdl] {
            let document = parse_schema(source).expect("the SDL parses");
            for definition in document.definitions {
                let TypeSystemDefinition::Type(definition) = definition else { continue };
                let definition = definition.node;
                let (kind, fields) = match definition.kind {
                    TypeKind::Scalar => ("SCALAR", Vec::new()),
                    TypeKind::Object(object) => ("OBJECT", object.fields),
                    TypeKind::Interface(interface) => ("INTERFACE", interface.fields),
                    TypeKind::Enum(_) => ("ENUM", Vec::new()),
                    TypeKind::InputObject(_) => ("INPUT_OBJECT", Vec::new()),
                    TypeKind::Union(_) => ("UNION", Vec::new()),
                };
                table.push_str(kind);
                table.push(' ');
                table.push_str(&definition.name.node);
                for field in fields {
                    table.push(' ');
                    write_field(&mut table, &field.node);
                }
                table.push('\n');
            }
        }
        table
    }

    fn write_field(table: &mut String, field: &FieldDefinition) {
        table.push_str(&field.name.node);
        if !field.arguments.is_empty() {
            table.push('(');
            for (i, argument) in field.arguments.iter().enumerate() {
                let argument = &argument.node;
                let comma = if i == 0 { "" } else { "," };
                let default = if argument.default_value.is_some() { "=" } else { "" };
                let _ = write!(table, "{comma}{}:{}{default}", argument.name.node, argument.ty.node);
            }
            table.push(')');
        }
        let _ = write!(table, ":{}", field.ty.node);
    }

    #[test]
    fn the_served_types_table_is_the_served_sdls() {
        let table = served_table(&build_schema().sdl());
        if table == SERVED_TYPES {
            return;
        }
        if std::env::var_os("UPDATE_SERVED_TYPES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/magento/validation/served_types.txt");
            std::fs::write(path, &table).unwrap();
            return;
        }
        panic!(
            "served_types.txt is not the served SDL's table: the schema changed. Rewrite it with \
             UPDATE_SERVED_TYPES=1 cargo test -p mock-server served_types, and review the diff"
        );
    }

    #[test]
    fn every_served_field_is_read() {
        let (types, meta) = served_types(SERVED_TYPES);
        let lines = SERVED_TYPES.lines().filter(|line| !line.starts_with('#'));
        let tokens: usize = lines.map(|line| line.split_whitespace().count() - 2).sum();
        let read: usize = types.values().map(|t| t.fields.len()).sum::<usize>() + meta.len();
        assert_eq!(read, tokens);
        let reset = &types["Mutation"].fields["requestPasswordResetEmail"];
        assert_eq!(reset.ty.to_string(), "Boolean");
        assert_eq!(reset.arguments[0].name, "email");
        assert_eq!(reset.arguments[0].ty.to_string(), "String!");
        assert!(!reset.arguments[0].has_default);
        let fields = &types["__Type"].fields["fields"];
        assert_eq!((fields.arguments[0].name.as_str(), fields.arguments[0].has_default), ("includeDeprecated", true));
        assert_eq!(fields.ty.to_string(), "[__Field!]");
        assert_eq!(meta["__type"].arguments[0].ty.to_string(), "String!");
        assert_eq!(types["__TypeKind"].kind, Kind::Enum);
    }

    fn index(patch: u8) -> SchemaIndex {
        SchemaIndex::for_release(MagentoVersion::from_patch(patch).unwrap())
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
        let indexes = ReleaseIndexes::default();
        let v7 = MagentoVersion::from_patch(7).unwrap();
        assert!(indexes.get(v7).field("Query", "recaptchaFormConfig").is_none());
        assert!(indexes.get(MagentoVersion::LATEST).field("Query", "recaptchaFormConfig").is_some());
    }
}
