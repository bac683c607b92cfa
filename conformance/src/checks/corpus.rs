//! The public verdict corpus (`fixtures/email-verdicts.jsonl`: the real validator's verdicts on
//! boundary strings): `empty` gets the empty-email error, `invalid` the invalid-format error, and
//! `valid` neither.

use serde::Deserialize;
use serde_json::json;

use super::documented_error;
use super::request::VARIABLE_FORM;
use crate::check::{Area, Check, Stop};
use crate::messages::{EMPTY_EMAIL, INVALID_EMAIL};

/// The corpus, built into the binary.
pub const CORPUS: &str = include_str!("../../../fixtures/email-verdicts.jsonl");

#[derive(Clone, Debug, Deserialize)]
pub struct Verdict {
    pub email: String,
    pub verdict: String,
    pub class: String,
}

pub fn entries() -> Result<Vec<Verdict>, String> {
    CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| format!("email-verdicts.jsonl line {}: {e}", i + 1)))
        .collect()
}

pub fn checks() -> Vec<Check> {
    vec![Check::new(
        "corpus/email-verdicts",
        Area::Corpus,
        "requestPasswordResetEmail agrees with the real validator on every corpus string",
        |ctx| async move {
            ctx.clone()
                .with_session("corpus", |s| async move {
                    let entries = entries().map_err(Stop::error)?;
                    let mut disagreements = Vec::new();
                    let mut first = None;
                    for chunk in entries.chunks(16) {
                        let mut tasks = tokio::task::JoinSet::new();
                        for entry in chunk.iter().cloned() {
                            let target = s.target.clone();
                            tasks.spawn(async move {
                                let answer = target.graphql_with(VARIABLE_FORM, json!({ "email": entry.email })).await;
                                (entry, answer)
                            });
                        }
                        while let Some(Ok((entry, answer))) = tasks.join_next().await {
                            let answer = answer?;
                            let empty = documented_error(&s.ctx, "requestPasswordResetEmail", EMPTY_EMAIL);
                            let invalid = documented_error(&s.ctx, "requestPasswordResetEmail", INVALID_EMAIL);
                            let ok = answer.status == 200
                                && match entry.verdict.as_str() {
                                    "empty" => answer.body == empty,
                                    "invalid" => answer.body == invalid,
                                    _ => answer.body != empty && answer.body != invalid && answer.body.starts_with('{'),
                                };
                            if !ok {
                                disagreements.push(format!(
                                    "{:?} ({}, {}): got {}",
                                    entry.email,
                                    entry.class,
                                    entry.verdict,
                                    answer.message().unwrap_or_else(|| answer.body.chars().take(120).collect())
                                ));
                                first.get_or_insert(answer);
                            }
                        }
                    }
                    match first {
                        None => Ok(()),
                        Some(answer) => Err(Stop::deviation(
                            &answer,
                            format!("{} of {} corpus strings get another verdict", disagreements.len(), entries.len()),
                            Some(disagreements.iter().take(40).cloned().collect::<Vec<_>>().join("\n")),
                        )),
                    }
                })
                .await
        },
    )]
}
