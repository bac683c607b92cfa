//! The GraphQL controller (section 8.4 and 11): OPTIONS, `operationName` ignored, JSON whatever
//! the `Accept` header says, and a storefront's named operation with variables.

use reqwest::Method;
use serde_json::json;

use super::expect_error;
use crate::check::{Area, Check, Stop, ensure};
use crate::messages::{CANNOT_SET, EMPTY_EMAIL};
use crate::target::reset_password_document;

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            "transport/options-request",
            Area::Transport,
            "OPTIONS /graphql: 2.4.7-p3 parses the empty query (500, a syntax error); 2.4.8 answers 204 with no body",
            |ctx| async move {
                let release = ctx.release();
                let (status, body) = release
                    .options_answer()
                    .ok_or_else(|| Stop::skip(format!("what {release} answers to OPTIONS is not documented")))?;
                let t = ctx.session("options")?.target;
                let answer = t.send(t.request(Method::OPTIONS, t.graphql.clone()), "").await?;
                super::expect_body(&answer, status, body)
            },
        ),
        Check::new(
            "transport/operation-name-ignored",
            Area::Transport,
            "a single operation runs whatever operationName says",
            |ctx| async move {
                ctx.clone()
                    .with_session("operation-name", |s| async move {
                        let body = json!({
                            "query": reset_password_document("nobody@example.com", "t", "p"),
                            "operationName": "SomethingElse",
                        });
                        expect_error(&s.ctx, &s.target.post_json(&body).await?, "resetPassword", CANNOT_SET)
                    })
                    .await
            },
        ),
        Check::new(
            "transport/json-whatever-accept",
            Area::Transport,
            "answers application/json whatever the Accept header",
            |ctx| async move {
                ctx.clone()
                    .with_session("accept", |s| async move {
                        let t = &s.target;
                        let body = json!({ "query": crate::target::request_reset_document("") }).to_string();
                        let request = t
                            .request(Method::POST, t.graphql.clone())
                            .header("Content-Type", "application/json")
                            .header("Accept", "text/html")
                            .body(body.clone());
                        let answer = t.send(request, &body).await?;
                        expect_error(&s.ctx, &answer, "requestPasswordResetEmail", EMPTY_EMAIL)?;
                        let media = answer.content_type.split(';').next().unwrap_or_default().trim().to_owned();
                        ensure(media == "application/json", &answer, || {
                            format!("Content-Type {:?}", answer.content_type)
                        })
                    })
                    .await
            },
        ),
        Check::new(
            "transport/storefront-named-operation",
            Area::Transport,
            "Venia's named operation with variables (section 11)",
            |ctx| async move {
                ctx.clone()
                .with_session("venia", |s| async move {
                    let document = "mutation resetPassword($email: String!, $token: String!, $newPassword: String!) {\n  resetPassword(email: $email, resetPasswordToken: $token, newPassword: $newPassword)\n}";
                    let answer = s
                        .target
                        .graphql_with(document, json!({ "email": "nobody@example.com", "token": "t", "newPassword": "N3w-Passw0rd!" }))
                        .await?;
                    expect_error(&s.ctx, &answer, "resetPassword", CANNOT_SET)
                })
                .await
            },
        ),
        Check::new(
            "transport/no-5xx-on-documented-requests",
            Area::Transport,
            "a plain request never gets a 5xx",
            |ctx| async move {
                let t = ctx.session("no-5xx")?.target;
                let answer = t.graphql("{ storeConfig { store_name } }").await?;
                if answer.status >= 500 {
                    return Err(Stop::deviation(&answer, "a storeConfig query got a 5xx", None));
                }
                Ok(())
            },
        ),
    ]
}
