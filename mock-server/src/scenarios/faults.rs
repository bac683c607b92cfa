//! The answers of transport faults: what a storefront sees when the gateway or PHP fails.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::State;

/// The answer for a fault that replaces the backend's (`http-500`, `http-502`, `http-503`).
pub fn gateway_answer(state: State) -> Option<Response> {
    let (status, title, text) = match state {
        State::Http500 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "There has been an error processing your request",
            "There has been an error processing your request. Exception printing is disabled by default for security reasons.",
        ),
        State::Http502 => (StatusCode::BAD_GATEWAY, "502 Bad Gateway", "502 Bad Gateway"),
        State::Http503 => (
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Temporarily Unavailable",
            "503 Service Temporarily Unavailable",
        ),
        State::Ok
        | State::Unknown
        | State::Locked
        | State::Throttled
        | State::MailFailure
        | State::InternalError
        | State::Delay(_)
        | State::ConnectionReset
        | State::MalformedJson => return None,
    };
    let html = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    Some((status, [(header::CONTENT_TYPE, "text/html")], Body::from(html)).into_response())
}

/// A body cut short, as a proxy that dropped the end of the answer would leave it.
pub fn malformed(body: &str) -> String {
    let cut = body.len() / 2;
    let cut = (0..=cut).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
    body[..cut].to_owned()
}
