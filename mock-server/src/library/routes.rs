//! The control-API and inbox routes the helpers call, spelled as the OpenAPI documents spell
//! them (`assets/openapi/`): a helper can only send one of these, and a test checks each against
//! the documents.

use reqwest::{Method, Url};

/// One documented operation: a method and a path template with `{name}` parameters.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub(crate) method: Method,
    /// The method's name, for error messages.
    pub(crate) name: &'static str,
    pub(crate) template: &'static str,
}

/// Each route once, and [`ALL`] listing every one of them for the test against the documents.
macro_rules! routes {
    ($($name:ident = $method:ident $template:literal;)*) => {
        $(pub(crate) const $name: Route = Route { method: Method::$method, name: stringify!($method), template: $template };)*
        #[cfg(test)]
        pub(crate) const ALL: &[Route] = &[$($name),*];
    };
}

routes! {
    CUSTOMERS = GET "/__admin/customers";
    ADD_CUSTOMER = POST "/__admin/customers";
    REMOVE_CUSTOMER = DELETE "/__admin/customers/{email}";
    LOCK = POST "/__admin/customers/{email}/lock";
    UNLOCK = DELETE "/__admin/customers/{email}/lock";
    RESET_TOKEN = GET "/__admin/customers/{email}/reset-token";
    CLOCK = GET "/__admin/clock";
    ADVANCE_CLOCK = POST "/__admin/clock/advance";
    REAL_TIME = DELETE "/__admin/clock";
    SCENARIOS = GET "/__admin/scenarios";
    ADD_SCENARIO = POST "/__admin/scenarios";
    CLEAR_SCENARIOS = DELETE "/__admin/scenarios";
    REMOVE_SCENARIO = DELETE "/__admin/scenarios/{id}";
    REQUESTS = GET "/__admin/requests";
    WAIT_FOR_REQUEST = GET "/__admin/requests/wait";
    CAPTURED_MESSAGE = GET "/__admin/messages/{id}";
    RESET = POST "/__admin/reset";
    FORGET_NAMESPACE = DELETE "/__admin/namespaces/{name}";
    MESSAGES = GET "/api/v1/messages";
}

impl Route {
    /// The URL under `base` with the parameters filled in order, each percent-encoded as one
    /// path segment (an email with `/` or `%` stays one segment).
    pub(crate) fn url(&self, base: &Url, params: &[&str]) -> Url {
        let mut url = base.clone();
        let mut params = params.iter();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear();
            for part in self.template.split('/').filter(|p| !p.is_empty()) {
                let is_param = part.starts_with('{') && part.ends_with('}');
                segments.push(if is_param { params.next().copied().unwrap_or_default() } else { part });
            }
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const ADMIN_DOC: &str = include_str!("../../assets/openapi/admin.json");
    const INBOX_DOC: &str = include_str!("../../assets/openapi/inbox.json");

    /// Each helper's route (method and path) is an operation of the OpenAPI documents, so the
    /// helpers cannot call something the server does not document.
    #[test]
    fn every_route_the_helpers_call_is_in_the_openapi_documents() {
        let documents: Vec<Value> = [ADMIN_DOC, INBOX_DOC].iter().map(|d| serde_json::from_str(d).unwrap()).collect();
        for route in ALL {
            let method = route.method.as_str().to_lowercase();
            let documented = documents.iter().any(|doc| doc["paths"][route.template][&method].is_object());
            assert!(documented, "{} {} is in neither OpenAPI document", route.method, route.template);
        }
    }

    #[test]
    fn parameters_become_one_encoded_segment_each() {
        let base = Url::parse("http://127.0.0.1:4000/").unwrap();
        assert_eq!(
            LOCK.url(&base, &["a/b@example.com"]).as_str(),
            "http://127.0.0.1:4000/__admin/customers/a%2Fb@example.com/lock"
        );
        assert_eq!(CLOCK.url(&base, &[]).as_str(), "http://127.0.0.1:4000/__admin/clock");
    }
}
