//! Before the stages: the request's parameters as PHP decoded them (a POST body or GET's query
//! string), or how PHP failed.

use serde_json::{Map, Value};

use crate::magento::{MagentoVersion, StatusFamily};

/// The three parameters of a GraphQL request; Magento ignores `operationName`.
pub(super) struct GraphQlParams {
    pub(super) query: String,
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
        Self { query: String::new(), variables: Map::new() }
    }

    /// The body as `json_decode($body, true)` hands it to the controller.
    pub(super) fn from_body(bytes: &[u8], version: MagentoVersion) -> Decoded {
        // 2.4.8 reads an empty body as no parameters.
        if bytes.is_empty() && version.statuses() == StatusFamily::Mapped {
            return Decoded::Params(Self::none());
        }
        let mut body = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(body)) => body,
            Ok(Value::Array(_)) => Map::new(),
            Ok(_) => return Decoded::TypeError,
            Err(_) => return Decoded::Unreadable,
        };
        let query = match body.remove("query") {
            None if version.crashes_without_query() => return Decoded::Unreadable,
            None | Some(Value::Null) => String::new(),
            Some(Value::String(query)) => query,
            Some(_) => return Decoded::TypeError,
        };
        let variables = match body.remove("variables") {
            None | Some(Value::Null) | Some(Value::Array(_)) => Map::new(),
            Some(Value::Object(variables)) => variables,
            Some(_) => return Decoded::TypeError,
        };
        Decoded::Params(Self { query, variables })
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
        Decoded::Params(Self { query: query.unwrap_or_default(), variables })
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
        let body = params(GraphQlParams::from_body(br#"{"query":"{ a }","variables":{"x":1}}"#, v247));
        assert_eq!((body.query.as_str(), body.variables.len()), ("{ a }", 1));
        // A list of parameters is an array to PHP: no query.
        assert_eq!(params(GraphQlParams::from_body(b"[]", v247)).query, "");
        assert!(matches!(GraphQlParams::from_body(b"{", v247), Decoded::Unreadable));
        assert!(matches!(GraphQlParams::from_body(b"1", v247), Decoded::TypeError));
        assert!(matches!(GraphQlParams::from_body(br#"{"query":1}"#, v247), Decoded::TypeError));
        assert!(matches!(GraphQlParams::from_body(br#"{"query":"","variables":1}"#, v247), Decoded::TypeError));
        assert!(matches!(GraphQlParams::from_body(b"", MagentoVersion::LATEST), Decoded::Params(_)));
    }

    #[test]
    fn a_query_string_needs_json_variables() {
        let get = params(GraphQlParams::from_query_string("query=%7B%20a%20%7D&variables=%7B%22x%22%3A1%7D"));
        assert_eq!((get.query.as_str(), get.variables.len()), ("{ a }", 1));
        assert_eq!(params(GraphQlParams::from_query_string("variables=%5B1%5D")).variables.len(), 0);
        assert!(matches!(GraphQlParams::from_query_string("variables="), Decoded::Unreadable));
    }
}
