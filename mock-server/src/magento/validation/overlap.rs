//! OverlappingFieldsCanBeMerged as webonyx 15 runs it: for each selection set, fields with one
//! response name must be one field with the same arguments (unless their parents are different
//! object types), must not return conflicting types, and their subfields must merge too,
//! through inline fragments and fragment spreads.

use std::collections::HashSet;

use async_graphql::parser::types::{BaseType, ExecutableDocument, Field, Selection, SelectionSet, Type};
use async_graphql::{Pos, Positioned};

use super::ValidationError;
use super::literal;
use super::schema_index::{FieldInfo, Kind, SchemaIndex, named_type};

/// One field of a field map: its parent type (a served type, if known), the field, its definition.
#[derive(Clone, Copy)]
struct Entry<'a> {
    parent: Option<&'a str>,
    field: &'a Positioned<Field>,
    definition: Option<&'a FieldInfo>,
}

type FieldMap<'a> = Vec<(&'a str, Vec<Entry<'a>>)>;

/// A conflict: the response name and its reason (or its subfields' conflicts), and the fields.
struct Conflict {
    name: String,
    reason: Reason,
    fields1: Vec<Pos>,
    fields2: Vec<Pos>,
}

enum Reason {
    Text(String),
    Subfields(Vec<(String, Reason)>),
}

fn reason_message(reason: &Reason) -> String {
    match reason {
        Reason::Text(text) => text.clone(),
        Reason::Subfields(reasons) => reasons
            .iter()
            .map(|(name, reason)| format!("subfields \"{name}\" conflict because {}", reason_message(reason)))
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// What the rule remembers over the whole document: the fragment pairs already compared.
pub struct Overlap<'a> {
    pub document: &'a ExecutableDocument,
    pub source: &'a str,
    pub schema: &'a SchemaIndex,
    compared_pairs: HashSet<(&'a str, &'a str, bool)>,
}

impl<'a> Overlap<'a> {
    pub fn new(document: &'a ExecutableDocument, source: &'a str, schema: &'a SchemaIndex) -> Self {
        Self { document, source, schema, compared_pairs: HashSet::new() }
    }

    /// The conflicts within one selection set, as errors.
    pub fn check(&mut self, set: &'a SelectionSet, parent: Option<&'a str>) -> Vec<ValidationError> {
        let mut conflicts = Vec::new();
        let (map, fragments) = self.fields_and_fragments(parent, set);
        self.within(&mut conflicts, &map);
        let mut compared = HashSet::new();
        for (i, fragment) in fragments.iter().enumerate() {
            self.between_fields_and_fragment(&mut conflicts, &mut compared, false, &map, fragment);
            for other in &fragments[i + 1..] {
                self.between_fragments(&mut conflicts, false, fragment, other);
            }
        }
        conflicts
            .into_iter()
            .map(|c| {
                let message = format!(
                    "Fields \"{}\" conflict because {}. Use different aliases on the fields to fetch both if this was intentional.",
                    c.name,
                    reason_message(&c.reason)
                );
                ValidationError::new(message, c.fields1.into_iter().chain(c.fields2).collect())
            })
            .collect()
    }

    fn fields_and_fragments(&self, parent: Option<&'a str>, set: &'a SelectionSet) -> (FieldMap<'a>, Vec<&'a str>) {
        let mut map: FieldMap<'a> = Vec::new();
        let mut fragments: Vec<&'a str> = Vec::new();
        self.collect(parent, set, &mut map, &mut fragments);
        (map, fragments)
    }

    fn collect(
        &self,
        parent: Option<&'a str>,
        set: &'a SelectionSet,
        map: &mut FieldMap<'a>,
        fragments: &mut Vec<&'a str>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let definition = parent.and_then(|p| self.schema.field(p, &field.node.name.node));
                    let key = field.node.response_key().node.as_str();
                    let entry = Entry { parent, field, definition };
                    match map.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, entries)) => entries.push(entry),
                        None => map.push((key, vec![entry])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if !fragments.contains(&name) {
                        fragments.push(name);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let target = match &fragment.node.type_condition {
                        None => parent,
                        Some(c) => Some(c.node.on.node.as_str()).filter(|on| self.schema.get(on).is_some()),
                    };
                    self.collect(target, &fragment.node.selection_set.node, map, fragments);
                }
            }
        }
    }

    fn fragment_fields(&self, name: &str) -> Option<(FieldMap<'a>, Vec<&'a str>)> {
        let fragment = self.document.fragments.get(name)?;
        let on = fragment.node.type_condition.node.on.node.as_str();
        let parent = Some(on).filter(|on| self.schema.get(on).is_some());
        Some(self.fields_and_fragments(parent, &fragment.node.selection_set.node))
    }

    fn within(&mut self, conflicts: &mut Vec<Conflict>, map: &FieldMap<'a>) {
        for (name, entries) in map {
            for i in 0..entries.len() {
                for j in i + 1..entries.len() {
                    if let Some(conflict) = self.find_conflict(false, name, entries[i], entries[j]) {
                        conflicts.push(conflict);
                    }
                }
            }
        }
    }

    fn between(&mut self, conflicts: &mut Vec<Conflict>, exclusive: bool, map1: &FieldMap<'a>, map2: &FieldMap<'a>) {
        for (name, entries1) in map1 {
            let Some((_, entries2)) = map2.iter().find(|(k, _)| k == name) else { continue };
            for entry1 in entries1 {
                for entry2 in entries2 {
                    if let Some(conflict) = self.find_conflict(exclusive, name, *entry1, *entry2) {
                        conflicts.push(conflict);
                    }
                }
            }
        }
    }

    fn between_fields_and_fragment(
        &mut self,
        conflicts: &mut Vec<Conflict>,
        compared: &mut HashSet<&'a str>,
        exclusive: bool,
        map: &FieldMap<'a>,
        fragment: &'a str,
    ) {
        if !compared.insert(fragment) {
            return;
        }
        let Some((map2, fragments2)) = self.fragment_fields(fragment) else { return };
        if same_map(map, &map2) {
            return;
        }
        self.between(conflicts, exclusive, map, &map2);
        for next in fragments2 {
            self.between_fields_and_fragment(conflicts, compared, exclusive, map, next);
        }
    }

    fn between_fragments(&mut self, conflicts: &mut Vec<Conflict>, exclusive: bool, first: &'a str, second: &'a str) {
        if first == second {
            return;
        }
        let key = if first <= second { (first, second, exclusive) } else { (second, first, exclusive) };
        if self.compared_pairs.contains(&key) || self.compared_pairs.contains(&(key.0, key.1, false)) {
            return;
        }
        self.compared_pairs.insert(key);
        let (Some((map1, fragments1)), Some((map2, fragments2))) =
            (self.fragment_fields(first), self.fragment_fields(second))
        else {
            return;
        };
        self.between(conflicts, exclusive, &map1, &map2);
        for next in fragments2 {
            self.between_fragments(conflicts, exclusive, first, next);
        }
        for next in fragments1 {
            self.between_fragments(conflicts, exclusive, next, second);
        }
    }

    fn find_conflict(
        &mut self,
        parents_exclusive: bool,
        name: &str,
        one: Entry<'a>,
        two: Entry<'a>,
    ) -> Option<Conflict> {
        let exclusive =
            parents_exclusive || (one.parent != two.parent && self.is_object(one.parent) && self.is_object(two.parent));
        let text = |reason: String| Conflict {
            name: name.to_owned(),
            reason: Reason::Text(reason),
            fields1: vec![one.field.pos],
            fields2: vec![two.field.pos],
        };
        if !exclusive {
            let (name1, name2) = (&one.field.node.name.node, &two.field.node.name.node);
            if name1 != name2 {
                return Some(text(format!("{name1} and {name2} are different fields")));
            }
            if !self.same_arguments(&one.field.node, &two.field.node) {
                return Some(text("they have differing arguments".into()));
            }
        }
        if let (Some(def1), Some(def2)) = (one.definition, two.definition)
            && self.types_conflict(&def1.ty, &def2.ty)
        {
            return Some(text(format!("they return conflicting types {} and {}", def1.ty, def2.ty)));
        }
        let (set1, set2) = (&one.field.node.selection_set.node, &two.field.node.selection_set.node);
        if set1.items.is_empty() || set2.items.is_empty() {
            return None;
        }
        let child = |d: Option<&'a FieldInfo>| {
            d.map(|d| named_type(&d.ty)).filter(|t| self.schema.get(t).is_some_and(|i| i.kind == Kind::Object))
        };
        let sub = self.between_sub_selections(exclusive, child(one.definition), set1, child(two.definition), set2);
        if sub.is_empty() {
            return None;
        }
        let mut fields1 = vec![one.field.pos];
        let mut fields2 = vec![two.field.pos];
        let mut reasons = Vec::new();
        for conflict in sub {
            fields1.extend(conflict.fields1);
            fields2.extend(conflict.fields2);
            reasons.push((conflict.name, conflict.reason));
        }
        Some(Conflict { name: name.to_owned(), reason: Reason::Subfields(reasons), fields1, fields2 })
    }

    fn between_sub_selections(
        &mut self,
        exclusive: bool,
        parent1: Option<&'a str>,
        set1: &'a SelectionSet,
        parent2: Option<&'a str>,
        set2: &'a SelectionSet,
    ) -> Vec<Conflict> {
        let mut conflicts = Vec::new();
        let (map1, fragments1) = self.fields_and_fragments(parent1, set1);
        let (map2, fragments2) = self.fields_and_fragments(parent2, set2);
        self.between(&mut conflicts, exclusive, &map1, &map2);
        let mut compared = HashSet::new();
        for fragment in &fragments2 {
            self.between_fields_and_fragment(&mut conflicts, &mut compared, exclusive, &map1, fragment);
        }
        let mut compared = HashSet::new();
        for fragment in &fragments1 {
            self.between_fields_and_fragment(&mut conflicts, &mut compared, exclusive, &map2, fragment);
        }
        for first in &fragments1 {
            for second in &fragments2 {
                self.between_fragments(&mut conflicts, exclusive, first, second);
            }
        }
        conflicts
    }

    fn is_object(&self, parent: Option<&str>) -> bool {
        parent.and_then(|p| self.schema.get(p)).is_some_and(|t| t.kind == Kind::Object)
    }

    fn same_arguments(&self, one: &Field, two: &Field) -> bool {
        one.arguments.len() == two.arguments.len()
            && one.arguments.iter().all(|(name, value)| {
                two.arguments.iter().find(|(other, _)| other.node == name.node).is_some_and(|(_, other)| {
                    let print = |v: &Positioned<async_graphql_value::Value>| {
                        literal::read(self.source, v.pos).map(|l| literal::print(&l.value))
                    };
                    print(value) == print(other)
                })
            })
    }

    fn types_conflict(&self, one: &Type, two: &Type) -> bool {
        match (&one.base, &two.base) {
            (BaseType::List(a), BaseType::List(b)) if one.nullable == two.nullable => self.types_conflict(a, b),
            _ if one.nullable != two.nullable => true,
            (BaseType::List(_), _) | (_, BaseType::List(_)) => true,
            (BaseType::Named(a), BaseType::Named(b)) => {
                let leaf = |n: &str| matches!(self.schema.real_kind(n), Some(Kind::Scalar | Kind::Enum));
                (leaf(a) || leaf(b)) && a != b
            }
        }
    }
}

/// webonyx skips comparing a fragment with the very field map it came from (`$fieldMap === $fieldMap2`).
fn same_map(one: &FieldMap<'_>, two: &FieldMap<'_>) -> bool {
    one.len() == two.len()
        && one.iter().zip(two).all(|((k1, e1), (k2, e2))| {
            k1 == k2 && e1.len() == e2.len() && e1.iter().zip(e2).all(|(a, b)| std::ptr::eq(a.field, b.field))
        })
}
