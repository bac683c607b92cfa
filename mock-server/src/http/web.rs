//! The pages served to people: the QA inbox at `/` and GraphiQL at `GET /graphql` (when a
//! browser asks for HTML). Their assets are built into the binary, so both work with no network.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// The inbox may load only its own scripts and styles; mail HTML is shown in a sandboxed frame.
const INBOX_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// GraphiQL's editor adds style elements at run time; its scripts are still only our own files.
const GRAPHIQL_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    csp: &'static str,
}

macro_rules! asset {
    ($path:literal, $content_type:literal, $csp:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_bytes!(concat!("../../assets/", $path)),
            csp: $csp,
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("inbox/index.html", "text/html; charset=utf-8", INBOX_CSP),
    asset!("inbox/app.js", "text/javascript; charset=utf-8", INBOX_CSP),
    asset!("inbox/app.css", "text/css; charset=utf-8", INBOX_CSP),
    asset!("graphiql/index.html", "text/html; charset=utf-8", GRAPHIQL_CSP),
    asset!("graphiql/init.js", "text/javascript; charset=utf-8", GRAPHIQL_CSP),
    asset!("graphiql/page.css", "text/css; charset=utf-8", GRAPHIQL_CSP),
    asset!("graphiql/graphiql.min.js", "text/javascript; charset=utf-8", GRAPHIQL_CSP),
    asset!("graphiql/graphiql.min.css", "text/css; charset=utf-8", GRAPHIQL_CSP),
    asset!("graphiql/react.production.min.js", "text/javascript; charset=utf-8", GRAPHIQL_CSP),
    asset!("graphiql/react-dom.production.min.js", "text/javascript; charset=utf-8", GRAPHIQL_CSP),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { serve("inbox/index.html") }))
        .route("/assets/{*path}", get(|Path(path): Path<String>| async move { serve(&path) }))
}

/// GraphiQL's page, for `GET /graphql` from a browser.
pub fn graphiql() -> Response {
    serve("graphiql/index.html")
}

fn serve(path: &str) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.path == path) else {
        return (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(asset.csp));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
