//! `/api/v1/search`: the list filtered by Mailpit's search syntax, and deleting what matches.

use axum::Json;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};

use super::messages::{Page, summary};
use super::reply::{BadRequest, ok};
use crate::http::scope::InboxScope;
use crate::mail::search::Query as SearchQuery;

fn required_query(page: &Page) -> Result<SearchQuery, BadRequest> {
    page.query
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .map(SearchQuery::parse)
        .ok_or_else(|| BadRequest("no search query".into()))
}

pub async fn search(InboxScope(namespace): InboxScope, Query(page): Query<Page>) -> Result<Response, BadRequest> {
    let query = required_query(&page)?;
    Ok(Json(summary(&namespace, Some(&query), &page)).into_response())
}

pub async fn delete_search(
    InboxScope(namespace): InboxScope,
    Query(page): Query<Page>,
) -> Result<Response, BadRequest> {
    let query = required_query(&page)?;
    let mut inbox = namespace.inbox();
    let ids: Vec<String> = inbox.search(&query).map(|m| m.id.to_string()).collect();
    inbox.delete(&ids);
    Ok(ok())
}
