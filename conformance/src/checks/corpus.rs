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

pub fn entries() -> Result<Vec<Verdict>, crate::error::SetupError> {
    CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|source| crate::error::SetupError::Corpus { line: i + 1, source })
        })
        .collect()
}

/// How one corpus string fared.
enum Fate {
    Agrees,
    Disagrees(String, crate::target::Answer),
    /// The request failed (transport) or its task died: not a verdict checked.
    Unchecked(String),
}

async fn judge(ctx: &crate::context::Context, target: crate::target::Endpoint, entry: Verdict) -> Fate {
    let answer = match target.graphql_with(VARIABLE_FORM, json!({ "email": entry.email })).await {
        Ok(answer) => answer,
        Err(Stop::Deviation(f)) => return Fate::Unchecked(format!("{:?}: {}", entry.email, f.summary)),
        Err(Stop::Skip(reason)) => return Fate::Unchecked(format!("{:?}: {reason}", entry.email)),
    };
    let empty = documented_error(ctx, "requestPasswordResetEmail", EMPTY_EMAIL);
    let invalid = documented_error(ctx, "requestPasswordResetEmail", INVALID_EMAIL);
    let ok = answer.status == 200
        && match entry.verdict.as_str() {
            "empty" => answer.body == empty,
            "invalid" => answer.body == invalid,
            _ => answer.body != empty && answer.body != invalid && answer.body.starts_with('{'),
        };
    if ok {
        return Fate::Agrees;
    }
    let got = answer.message().unwrap_or_else(|| answer.body.chars().take(120).collect());
    Fate::Disagrees(format!("{:?} ({}, {}): got {got}", entry.email, entry.class, entry.verdict), answer)
}

pub fn checks() -> Vec<Check> {
    vec![Check::new(
        "corpus/email-verdicts",
        Area::Corpus,
        "requestPasswordResetEmail agrees with the real validator on every corpus string",
        |ctx| async move {
            ctx.clone()
                .with_session("corpus", |s| async move {
                    let entries = entries().map_err(|e| Stop::error(e.to_string()))?;
                    let total = entries.len();
                    let (mut checked, mut disagreements, mut unchecked) = (0usize, Vec::new(), Vec::new());
                    let mut first = None;
                    for chunk in entries.chunks(16) {
                        let mut tasks = tokio::task::JoinSet::new();
                        for entry in chunk.iter().cloned() {
                            let (ctx, target) = (s.ctx.clone(), s.target.clone());
                            tasks.spawn_local(async move { judge(&ctx, target, entry).await });
                        }
                        while let Some(joined) = tasks.join_next().await {
                            match joined {
                                Ok(Fate::Agrees) => checked += 1,
                                Ok(Fate::Disagrees(line, answer)) => {
                                    checked += 1;
                                    disagreements.push(line);
                                    first.get_or_insert(answer);
                                }
                                Ok(Fate::Unchecked(why)) => unchecked.push(why),
                                Err(error) => unchecked.push(format!("a request task died: {error}")),
                            }
                        }
                    }
                    s.ctx.note(format!("{checked} of {total} verdicts checked"));
                    if let Some(answer) = first {
                        let mut detail = disagreements.iter().take(40).cloned().collect::<Vec<_>>().join("\n");
                        if !unchecked.is_empty() {
                            detail.push_str(&format!("\n{} not checked, e.g. {}", unchecked.len(), unchecked[0]));
                        }
                        return Err(Stop::deviation(
                            &answer,
                            format!("{} of {checked} corpus strings checked get another verdict", disagreements.len()),
                            Some(detail),
                        ));
                    }
                    if !unchecked.is_empty() {
                        return Err(Stop::Deviation(Box::new(crate::check::Failure {
                            summary: format!("{} of {total} corpus strings got no answer", unchecked.len()),
                            detail: Some(unchecked.iter().take(20).cloned().collect::<Vec<_>>().join("\n")),
                            answer: None,
                        })));
                    }
                    Ok(())
                })
                .await
        },
    )]
}
