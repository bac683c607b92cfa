//! The schema the mock serves (`mock-server schema`), type by type and field by field, against
//! Magento 2.4.7-p3's own definitions of the same types (`fixtures/real-schema/2.4.7-p3.served.json`,
//! read from the release's `etc/schema.graphqls` files by `tools/extract_served_schema.py`, see
//! `fixtures/real-schema/README.md`).
//!
//! For every type the mock serves: its kind and description; for every field, argument, input field
//! and enum value it serves: that Magento has it, and its type (nullability included), description,
//! deprecation reason and default. What Magento's schema reader leaves out, this leaves out too
//! (input-field defaults, argument deprecations, non-scalar argument defaults). A real field the mock
//! does not serve is allowed only on a type of `OMITS_FIELDS`, each with its reason; the test prints
//! how many there are. Differences the mock keeps are listed with their reasons in
//! `fixtures/real-schema/2.4.7-p3.known-differences.jsonl`; the test fails on any other difference,
//! and on a listed one that has gone (so the list only shrinks).

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::Name;
use async_graphql::parser::Positioned;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    ConstDirective, FieldDefinition, InputValueDefinition, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use serde::{Deserialize, Serialize};

const REAL: &str = include_str!("../../../fixtures/real-schema/2.4.7-p3.served.json");
const KNOWN: &str = include_str!("../../../fixtures/real-schema/2.4.7-p3.known-differences.jsonl");
/// The same for 2.4.8-beta1's tree, the source of what the mock serves on 2.4.8 only.
const REAL_2_4_8: &str = include_str!("../../../fixtures/real-schema/2.4.8-beta1.served.json");
const KNOWN_2_4_8: &str = include_str!("../../../fixtures/real-schema/2.4.8-beta1.known-differences.jsonl");

/// The types whose real fields (or enum values) the mock serves only in part, and why. Any other
/// served type must have every field Magento gives it.
const OMITS_FIELDS: &[(&str, &str)] = &[
    ("Query", "the mock serves the account area's queries, not the catalogue's, checkout's or CMS's"),
    ("Mutation", "the mock serves the password-reset journey and the account area, not the rest of the store"),
    ("StoreConfig", "the fields the storefronts' account and reset pages select, not the whole store configuration"),
    ("Customer", "the account fields the storefronts select; orders, wishlists, reviews and the like are never filled"),
    ("CustomerAddress", "the address fields the storefronts select; the mock's customers have no addresses"),
    ("CustomerCreateInput", "the input fields of the sign-up forms; the others are not read"),
    ("CustomerUpdateInput", "the input fields of the account form; the others are not read"),
    ("Cart", "an empty cart: the fields the storefronts select after sign-in and merge"),
    ("CartItemInterface", "served so cart documents validate; the mock's carts hold no items"),
    ("SimpleCartItem", "served so cart documents validate; the mock's carts hold no items"),
    ("BundleCartItem", "served so cart documents validate; the mock's carts hold no items"),
    ("ConfigurableCartItem", "served so cart documents validate; the mock's carts hold no items"),
    ("ProductInterface", "the product fields cart documents select; the mock has no catalogue"),
    ("SimpleProduct", "the product fields cart documents select; the mock has no catalogue"),
    ("ConfigurableProduct", "the product fields cart documents select; the mock has no catalogue"),
    ("CategoryInterface", "the category fields cart documents select; the mock has no catalogue"),
    ("CategoryTree", "the category fields cart documents select; the mock has no catalogue"),
    ("CartPrices", "an empty cart's prices: the fields the storefronts select"),
    ("CartItemPrices", "served so cart documents validate; the mock's carts hold no items"),
    ("BillingCartAddress", "an empty cart has no addresses; the fields the storefronts select"),
    ("ShippingCartAddress", "an empty cart has no addresses; the fields the storefronts select"),
    ("CurrencyEnum", "the currencies the mock's prices use"),
    ("AvailablePaymentMethod", "an empty cart's payment methods: the fields the storefronts select"),
    ("SelectedShippingMethod", "an empty cart has no shipping method; the fields the storefronts select"),
    ("SelectedBundleOption", "served so cart documents validate; the mock's carts hold no items"),
    ("Discount", "an empty cart has no discounts; the fields the storefronts select"),
    ("Price", "the price fields cart documents select; the mock has no catalogue"),
    ("ProductPrice", "the price fields cart documents select; the mock has no catalogue"),
    ("ProductPrices", "the price fields cart documents select; the mock has no catalogue"),
    ("ProductReview", "the review fields cart documents select; the mock has no catalogue"),
    ("ProductReviews", "the review fields cart documents select; the mock has no catalogue"),
    ("Breadcrumb", "the category fields cart documents select; the mock has no catalogue"),
    ("UrlRewrite", "the URL rewrite fields cart documents select; the mock has no catalogue"),
];

#[derive(Deserialize)]
struct Real {
    types: BTreeMap<String, RealType>,
}

#[derive(Deserialize)]
struct RealType {
    kind: String,
    description: Option<String>,
    #[serde(default)]
    interfaces: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, RealField>,
    #[serde(default)]
    values: BTreeMap<String, RealValue>,
    #[serde(default)]
    types: Vec<String>,
}

#[derive(Deserialize)]
struct RealField {
    #[serde(rename = "type")]
    ty: String,
    description: Option<String>,
    #[serde(rename = "deprecationReason")]
    deprecation: Option<String>,
    #[serde(default)]
    args: BTreeMap<String, RealArgument>,
}

#[derive(Deserialize)]
struct RealArgument {
    #[serde(rename = "type")]
    ty: String,
    description: Option<String>,
    default: Option<String>,
}

#[derive(Deserialize)]
struct RealValue {
    description: Option<String>,
    #[serde(rename = "deprecationReason")]
    deprecation: Option<String>,
}

/// One way the mock's schema differs from Magento's: where, what, and both sides (`null`: none).
#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone, Debug)]
struct Difference {
    at: String,
    aspect: String,
    mock: Option<String>,
    magento: Option<String>,
}

#[derive(Deserialize)]
struct Known {
    #[serde(flatten)]
    difference: Difference,
    reason: String,
}

#[derive(Default)]
struct Figures {
    types: usize,
    fields: usize,
    arguments: usize,
    values: usize,
    omitted: BTreeMap<String, usize>,
}

struct Comparison {
    differences: Vec<Difference>,
    figures: Figures,
}

impl Comparison {
    fn differ(&mut self, at: &str, aspect: &str, mock: Option<&str>, magento: Option<&str>) {
        if mock != magento {
            self.differences.push(Difference {
                at: at.to_owned(),
                aspect: aspect.to_owned(),
                mock: mock.map(str::to_owned),
                magento: magento.map(str::to_owned),
            });
        }
    }

    fn omitted(&mut self, type_name: &str, at: &str, what: &str) {
        *self.figures.omitted.entry(type_name.to_owned()).or_default() += 1;
        if !OMITS_FIELDS.iter().any(|(name, _)| *name == type_name) {
            self.differ(at, &format!("{what} not served"), None, Some(what));
        }
    }

    fn field(&mut self, at: &str, mock: &FieldDefinition, real: &RealField) {
        self.figures.fields += 1;
        self.differ(at, "type", Some(&mock.ty.node.to_string()), Some(&real.ty));
        self.differ(at, "description", description(&mock.description), real.description.as_deref());
        self.differ(at, "deprecation", deprecation(&mock.directives).as_deref(), real.deprecation.as_deref());
        let mut served = BTreeSet::new();
        for argument in &mock.arguments {
            let name = argument.node.name.node.as_str();
            served.insert(name);
            let at = format!("{at}({name}:)");
            match real.args.get(name) {
                None => self.differ(&at, "argument", Some(name), None),
                Some(real) => self.argument(&at, &argument.node, real),
            }
        }
        for name in real.args.keys().filter(|name| !served.contains(name.as_str())) {
            self.differ(&format!("{at}({name}:)"), "argument", None, Some(name));
        }
    }

    fn argument(&mut self, at: &str, mock: &InputValueDefinition, real: &RealArgument) {
        self.figures.arguments += 1;
        self.differ(at, "type", Some(&mock.ty.node.to_string()), Some(&real.ty));
        self.differ(at, "description", description(&mock.description), real.description.as_deref());
        let default = mock.default_value.as_ref().map(|value| value.node.to_string());
        self.differ(at, "default", default.as_deref(), real.default.as_deref());
    }

    fn input_field(&mut self, at: &str, mock: &InputValueDefinition, real: &RealField) {
        self.figures.fields += 1;
        self.differ(at, "type", Some(&mock.ty.node.to_string()), Some(&real.ty));
        self.differ(at, "description", description(&mock.description), real.description.as_deref());
        // Magento's reader reads neither a default nor a deprecation of an input field.
        let default = mock.default_value.as_ref().map(|value| value.node.to_string());
        self.differ(at, "default", default.as_deref(), None);
        self.differ(at, "deprecation", deprecation(&mock.directives).as_deref(), None);
    }
}

fn description(text: &Option<Positioned<String>>) -> Option<&str> {
    text.as_ref().map(|text| text.node.as_str()).filter(|text| !text.is_empty())
}

/// The reason of a `@deprecated` directive; a bare one gets the reason GraphQL gives it.
fn deprecation(directives: &[Positioned<ConstDirective>]) -> Option<String> {
    let directive = directives.iter().find(|d| d.node.name.node == "deprecated")?;
    Some(match directive.node.get_argument("reason").map(|reason| &reason.node) {
        Some(async_graphql::Value::String(reason)) => reason.clone(),
        _ => "No longer supported".to_owned(),
    })
}

/// What `mock-server schema` prints (`main.rs`), taken from the library rather than the binary so
/// the test reads this build's schema.
fn served_sdl() -> String {
    mock_server::magento::schema::build_schema().sdl()
}

fn compare(sdl: &str, real: &Real) -> Comparison {
    let document = parse_schema(sdl).expect("the mock's SDL parses");
    let mut cmp = Comparison { differences: Vec::new(), figures: Figures::default() };
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else { continue };
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        if matches!(definition.kind, TypeKind::Scalar) {
            continue;
        }
        match real.types.get(name) {
            None => cmp.differ(name, "type", Some(name), None),
            Some(real_type) => cmp.type_definition(name, definition, real_type),
        }
    }
    cmp
}

/// Names in a stable order, as one text.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join(", ")
}

impl Comparison {
    fn type_definition(&mut self, name: &str, definition: &TypeDefinition, real: &RealType) {
        self.figures.types += 1;
        self.differ(name, "description", description(&definition.description), real.description.as_deref());
        let mut served = BTreeSet::<String>::new();
        let kind = match &definition.kind {
            TypeKind::Object(object) => {
                self.fields(name, &object.implements, &object.fields, real, &mut served);
                "OBJECT"
            }
            TypeKind::Interface(interface) => {
                self.fields(name, &interface.implements, &interface.fields, real, &mut served);
                "INTERFACE"
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    let field_name = field.node.name.node.as_str();
                    served.insert(field_name.to_owned());
                    let at = format!("{name}.{field_name}");
                    match real.fields.get(field_name) {
                        None => self.differ(&at, "field", Some(field_name), None),
                        Some(real_field) => self.input_field(&at, &field.node, real_field),
                    }
                }
                "INPUT_OBJECT"
            }
            TypeKind::Enum(enumeration) => {
                for value in &enumeration.values {
                    let value_name = value.node.value.node.as_str();
                    served.insert(value_name.to_owned());
                    let at = format!("{name}.{value_name}");
                    self.figures.values += 1;
                    let Some(real_value) = real.values.get(value_name) else {
                        self.differ(&at, "value", Some(value_name), None);
                        continue;
                    };
                    let served_description = description(&value.node.description);
                    self.differ(&at, "description", served_description, real_value.description.as_deref());
                    let served_deprecation = deprecation(&value.node.directives);
                    self.differ(&at, "deprecation", served_deprecation.as_deref(), real_value.deprecation.as_deref());
                }
                "ENUM"
            }
            TypeKind::Union(union) => {
                let served_members = names(union.members.iter().map(|n| n.node.as_str()));
                let real_members = names(real.types.iter().map(String::as_str));
                self.differ(name, "members", Some(&served_members), Some(&real_members));
                "UNION"
            }
            TypeKind::Scalar => "SCALAR",
        };
        self.differ(name, "kind", Some(kind), Some(&real.kind));
        let what = if kind == "ENUM" { "value" } else { "field" };
        for missing in real.fields.keys().chain(real.values.keys()).filter(|f| !served.contains(f.as_str())) {
            self.omitted(name, &format!("{name}.{missing}"), what);
        }
    }

    fn fields(
        &mut self,
        name: &str,
        implements: &[Positioned<Name>],
        fields: &[Positioned<FieldDefinition>],
        real: &RealType,
        served: &mut BTreeSet<String>,
    ) {
        let served_interfaces = names(implements.iter().map(|n| n.node.as_str()));
        let real_interfaces = names(real.interfaces.iter().map(String::as_str));
        self.differ(name, "interfaces", Some(&served_interfaces), Some(&real_interfaces));
        for field in fields {
            let field_name = field.node.name.node.as_str();
            served.insert(field_name.to_owned());
            let at = format!("{name}.{field_name}");
            match real.fields.get(field_name) {
                None => self.differ(&at, "field", Some(field_name), None),
                Some(real_field) => self.field(&at, &field.node, real_field),
            }
        }
    }
}

fn known(text: &str) -> Vec<Known> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a known difference"))
        .collect()
}

/// Every type, field, argument and enum value the mock serves is Magento 2.4.7-p3's, as its
/// `schema.graphqls` files define it, but for the listed differences, which must all still differ
/// (among them what only 2.4.8 has, which validation refuses on older releases).
#[test]
fn the_served_schema_is_magentos_field_by_field() {
    check_against(REAL, KNOWN);
}

/// What the mock serves is 2.4.8-beta1's too, but for its listed differences: those of 2.4.7-p3,
/// and the fields 2.4.8 adds to served types that the mock does not serve.
#[test]
fn the_served_schema_is_magento_2_4_8_beta1s_field_by_field() {
    check_against(REAL_2_4_8, KNOWN_2_4_8);
}

fn check_against(real: &str, known_text: &str) {
    let real: Real = serde_json::from_str(real).expect("the real schema data");
    let cmp = compare(&served_sdl(), &real);
    let known = known(known_text);
    let listed: BTreeSet<&Difference> = known.iter().map(|k| &k.difference).collect();
    let found: BTreeSet<&Difference> = cmp.differences.iter().collect();
    let new: Vec<String> = found
        .difference(&listed)
        .map(|d| {
            let mut line = serde_json::to_value(d).unwrap();
            line["reason"] = "".into();
            line.to_string()
        })
        .collect();
    let gone: Vec<String> = listed.difference(&found).map(|d| serde_json::to_string(d).unwrap()).collect();
    let f = &cmp.figures;
    let omitted: usize = f.omitted.values().sum();
    println!(
        "compared {} types, {} fields and input fields, {} arguments, {} enum values; {} differences, all listed: {}; \
         {omitted} real fields or values not served on {} types",
        f.types,
        f.fields,
        f.arguments,
        f.values,
        cmp.differences.len(),
        new.is_empty(),
        f.omitted.len(),
    );
    assert!(known.iter().all(|k| !k.reason.trim().is_empty()), "every known difference needs its reason");
    assert!(
        new.is_empty() && gone.is_empty(),
        "differences not in the known list (add a reason, or fix the mock):\n{}\n\nlisted differences that have gone (remove them):\n{}",
        new.join("\n"),
        gone.join("\n"),
    );
    for (name, reason) in OMITS_FIELDS {
        assert!(
            f.omitted.contains_key(*name),
            "{name} is allowed to omit fields ({reason}) but omits none, or is not served"
        );
    }
}
