//! Before the stages: the request's parameters as PHP decoded them (a POST body or GET's query
//! string), or how PHP failed.

use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::de::{DeserializeSeed, Error as _};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::magento::validation::DocumentCache;
use crate::magento::{MagentoVersion, StatusFamily};

/// The three parameters of a GraphQL request; Magento ignores `operationName`.
pub(super) struct GraphQlParams {
    /// Shared with the cache of texts by their JSON literal ([`DocumentCache::text_of_literal`]).
    pub(super) query: Arc<str>,
    pub(super) variables: Map<String, Value>,
}

/// The request's parameters as PHP decoded them, or how PHP failed.
pub(super) enum Decoded {
    Params(GraphQlParams),
    /// `json_decode` failed: an exception the controller does not catch.
    Unreadable,
    /// A `TypeError` (strict types): a body that is not an array, a `query` that is not a
    /// string, `variables` that are not an array.
    TypeError,
}

impl GraphQlParams {
    /// No query and no variables (an `OPTIONS` request, an empty 2.4.8 body).
    pub(super) fn none() -> Self {
        Self { query: Arc::from(""), variables: Map::new() }
    }

    /// The body as `json_decode($body, true)` hands it to the controller.
    pub(super) fn from_body(bytes: &[u8], version: MagentoVersion, documents: &DocumentCache) -> Decoded {
        match Self::with_string_query(bytes, documents) {
            Some(params) => Decoded::Params(params),
            None => Self::decoded(bytes, version),
        }
    }

    /// [`Self::from_body`] for any body.
    fn decoded(bytes: &[u8], version: MagentoVersion) -> Decoded {
        // 2.4.8 reads an empty body as no parameters.
        if bytes.is_empty() && version.statuses() == StatusFamily::Mapped {
            return Decoded::Params(Self::none());
        }
        let (query, variables) = match serde_json::from_slice::<Body>(bytes) {
            Ok(Body::Object { query, variables }) => (query, variables),
            Ok(Body::List) => (None, None),
            Ok(Body::Scalar) => return Decoded::TypeError,
            Err(_) => return Decoded::Unreadable,
        };
        let query = match query {
            None if version.crashes_without_query() => return Decoded::Unreadable,
            None | Some(Value::Null) => Arc::from(""),
            Some(Value::String(query)) => query.into(),
            Some(_) => return Decoded::TypeError,
        };
        let variables = match variables {
            None | Some(Value::Null) | Some(Value::Array(_)) => Map::new(),
            Some(Value::Object(variables)) => variables,
            Some(_) => return Decoded::TypeError,
        };
        Decoded::Params(Self { query, variables })
    }

    /// The usual body, an object whose every `query` member is a string, read with the query's
    /// text taken from the cache by its literal. `None` for anything else (or any failure):
    /// [`Self::decoded`] then decides, so the answer is always the one it gives.
    fn with_string_query(bytes: &[u8], documents: &DocumentCache) -> Option<Self> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let (query, variables) = StringQueryBody { documents }.deserialize(&mut deserializer).ok()?;
        deserializer.end().ok()?;
        let variables = match variables {
            None | Some(Value::Null) | Some(Value::Array(_)) => Map::new(),
            Some(Value::Object(variables)) => variables,
            Some(_) => return None,
        };
        Some(Self { query: query?, variables })
    }

    pub(super) fn from_query_string(query_string: &str) -> Decoded {
        let mut query = None;
        let mut variables = None;
        for (key, value) in form_urlencoded_pairs(query_string) {
            match key.as_str() {
                "query" => query = Some(value),
                "variables" => variables = Some(Value::String(value)),
                _ => {}
            }
        }
        let Some(variables) = variables_from(variables) else { return Decoded::Unreadable };
        Decoded::Params(Self { query: query.unwrap_or_default().into(), variables })
    }
}

/// [`GraphQlParams::with_string_query`]'s reading: an object whose `query` members are all JSON
/// strings (their text from the cache), the last `query` and `variables` kept as PHP keeps them.
/// Every other member is decoded into a `Value` and dropped, as in [`Body`].
struct StringQueryBody<'a> {
    documents: &'a DocumentCache,
}

impl<'de> DeserializeSeed<'de> for StringQueryBody<'_> {
    type Value = (Option<Arc<str>>, Option<Value>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StringQueryBody<'_> {
    type Value = (Option<Arc<str>>, Option<Value>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a string query")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut query, mut variables) = (None, None);
        while let Some(key) = map.next_key::<Member>()? {
            match key {
                Member::Query => {
                    let literal = map.next_value::<&RawValue>()?.get();
                    let text = literal.starts_with('"').then(|| self.documents.text_of_literal(literal)).flatten();
                    query = Some(text.ok_or_else(|| A::Error::custom("not a valid string"))?);
                }
                Member::Variables => variables = Some(map.next_value::<Value>()?),
                Member::Other => drop(map.next_value::<Value>()?),
            }
        }
        Ok((query, variables))
    }
}

/// A POST body as `json_decode` sees it, keeping only the two members Magento reads. Every
/// other member is still decoded into a `Value` and dropped, so exactly the bodies that
/// `from_slice::<Value>` refuses are refused (depth, numbers out of range); what is saved is
/// the body's own map and its keys.
enum Body {
    /// The last `query` and `variables` members, as PHP keeps the last of duplicate keys.
    Object {
        query: Option<Value>,
        variables: Option<Value>,
    },
    List,
    /// A string, number, boolean or null.
    Scalar,
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let (mut query, mut variables) = (None, None);
        while let Some(key) = map.next_key::<Member>()? {
            let value = map.next_value::<Value>()?;
            match key {
                Member::Query => query = Some(value),
                Member::Variables => variables = Some(value),
                Member::Other => {}
            }
        }
        Ok(Body::Object { query, variables })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Body, A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(Body::List)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Body, E> {
        Ok(Body::Scalar)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Body, E> {
        Ok(Body::Scalar)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Body, E> {
        Ok(Body::Scalar)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Body, E> {
        Ok(Body::Scalar)
    }

    fn visit_str<E>(self, _: &str) -> Result<Body, E> {
        Ok(Body::Scalar)
    }

    fn visit_unit<E>(self) -> Result<Body, E> {
        Ok(Body::Scalar)
    }
}

/// A body member's name, compared without keeping it.
enum Member {
    Query,
    Variables,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MemberVisitor;
        impl Visitor<'_> for MemberVisitor {
            type Value = Member;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_str<E>(self, name: &str) -> Result<Member, E> {
                Ok(match name {
                    "query" => Member::Query,
                    "variables" => Member::Variables,
                    _ => Member::Other,
                })
            }
        }
        deserializer.deserialize_str(MemberVisitor)
    }
}

/// GET's `variables`: JSON text of an object; anything else that decodes counts as none.
/// `None` when the text is not JSON (an empty parameter included, as `json_decode('')` fails).
fn variables_from(value: Option<Value>) -> Option<Map<String, Value>> {
    match value {
        None => Some(Map::new()),
        Some(Value::String(text)) => match serde_json::from_str(&text).ok()? {
            Value::Object(map) => Some(map),
            _ => Some(Map::new()),
        },
        Some(_) => None,
    }
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://query.invalid/?{query}"))
        .map(|url| url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(decoded: Decoded) -> GraphQlParams {
        match decoded {
            Decoded::Params(params) => params,
            Decoded::Unreadable => panic!("unreadable"),
            Decoded::TypeError => panic!("a type error"),
        }
    }

    #[test]
    fn a_body_decodes_as_php_decodes_it() {
        let v247 = MagentoVersion::from_patch(7).unwrap();
        let documents = DocumentCache::default();
        let from_body = |body: &[u8], version| GraphQlParams::from_body(body, version, &documents);
        let body = params(from_body(br#"{"query":"{ a }","variables":{"x":1}}"#, v247));
        assert_eq!((&*body.query, body.variables.len()), ("{ a }", 1));
        // A list of parameters is an array to PHP: no query.
        assert_eq!(params(from_body(b"[]", v247)).query, "".into());
        assert!(matches!(from_body(b"{", v247), Decoded::Unreadable));
        assert!(matches!(from_body(b"1", v247), Decoded::TypeError));
        assert!(matches!(from_body(br#"{"query":1}"#, v247), Decoded::TypeError));
        assert!(matches!(from_body(br#"{"query":"","variables":1}"#, v247), Decoded::TypeError));
        assert!(matches!(from_body(b"", MagentoVersion::LATEST), Decoded::Params(_)));
    }

    #[test]
    fn a_body_is_refused_or_read_exactly_as_a_decoded_value_would_be() {
        let v247 = MagentoVersion::from_patch(7).unwrap();
        let documents = DocumentCache::default();
        let from_body = |body: &str| GraphQlParams::from_body(body.as_bytes(), v247, &documents);
        // The last of duplicate members, names with escapes, any member order.
        let body = params(from_body(r#"{"query":1,"variables":{"a":1},"qu\u0065ry":"{ b }","variables":null}"#));
        assert_eq!((&*body.query, body.variables.len()), ("{ b }", 0));
        let body = params(from_body(r#"{"extensions":{},"variables":{"a":[1,{"b":2}]},"query":"{ a }"}"#));
        assert_eq!((&*body.query, body.variables["a"][1]["b"].as_i64()), ("{ a }", Some(2)));
        // A member Magento never reads must still be JSON that PHP decodes.
        for unreadable in [r#"{"query":"{ a }","x":1e400}"#, r#"{"query":"{ a }","x":}"#, r#"{"query":"{ a }"} x"#] {
            assert!(matches!(from_body(unreadable), Decoded::Unreadable), "{unreadable}");
        }
        let deep = format!("{{\"query\":\"{{ a }}\",\"x\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(matches!(from_body(&deep), Decoded::Unreadable));
        assert_eq!(params(from_body(r#"[{"query":"{ a }"}]"#)).query, "".into());
        for scalar in ["null", "true", "-1", "18446744073709551616", "1.5", r#""{ a }""#] {
            assert!(matches!(from_body(scalar), Decoded::TypeError), "{scalar}");
        }
    }

    #[test]
    fn a_query_string_needs_json_variables() {
        let get = params(GraphQlParams::from_query_string("query=%7B%20a%20%7D&variables=%7B%22x%22%3A1%7D"));
        assert_eq!((&*get.query, get.variables.len()), ("{ a }", 1));
        assert_eq!(params(GraphQlParams::from_query_string("variables=%5B1%5D")).variables.len(), 0);
        assert!(matches!(GraphQlParams::from_query_string("variables="), Decoded::Unreadable));
    }

    /// The cached reading of a string query must give what the general one gives, escapes,
    /// invalid strings and duplicate members included, the first time and from the cache.
    #[test]
    fn a_string_query_from_the_cache_reads_as_the_general_reading_does() {
        let v247 = MagentoVersion::from_patch(7).unwrap();
        let documents = DocumentCache::default();
        let bodies = [
            r#"{"query":"mutation { requestPasswordResetEmail(email: \"a@example.com\") }"}"#,
            r#"{"query":"{\n  a\u0020}\t","variables":{"e":"x"}}"#,
            r#"{"query":"\uD800"}"#,
            r#"{"query":"\uD800","query":"{ a }"}"#,
            r#"{"query":"{ a }","query":"\x"}"#,
            r#"{"query":"{ a }","query":null}"#,
            r#"{"query":"{ a }","variables":"x"}"#,
            r#"{"query":"{ a }","variables":[1]}"#,
            r#"{"query":"{ a }","x":1e400}"#,
            r#"{"query":"{ a }"} x"#,
            r#"{"variables":{}}"#,
        ];
        let shown = |decoded: Decoded| match decoded {
            Decoded::Params(p) => format!("query {:?} variables {:?}", p.query, p.variables),
            Decoded::Unreadable => "unreadable".to_owned(),
            Decoded::TypeError => "type error".to_owned(),
        };
        let mut from_the_cache = 0;
        for body in bodies {
            let general = shown(GraphQlParams::decoded(body.as_bytes(), v247));
            from_the_cache += usize::from(GraphQlParams::with_string_query(body.as_bytes(), &documents).is_some());
            for _ in 0..2 {
                assert_eq!(shown(GraphQlParams::from_body(body.as_bytes(), v247, &documents)), general, "{body}");
            }
        }
        // The usual bodies took the cached reading; the odd ones were left to the general one.
        assert_eq!(from_the_cache, 3);
        let read = |body: &str| shown(GraphQlParams::from_body(body.as_bytes(), v247, &documents));
        assert_eq!(read(bodies[2]), "unreadable");
        assert_eq!(read(bodies[3]), "unreadable");
        assert_eq!(read(bodies[1]), r#"query "{\n  a }\t" variables {"e": String("x")}"#);
    }
}
