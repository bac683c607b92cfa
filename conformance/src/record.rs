//! `conformance record`: sends every documented case (the requests the snapshot checks send) to a
//! live target and writes its answers as golden files in the format the snapshot checks read,
//! with what differs between stores redacted to stable placeholders, and where each was recorded.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::check::Stop;
use crate::checks::snapshots::{flip_case, produce};
use crate::context::Context;
use crate::error::SetupError;
use crate::golden::{ACCOUNT_CASES, CASES, normalise};

/// Where the recording comes from, written into each file.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The release the target is (`2.4.7`, or `2.4.7-p3` as the user wrote it).
    pub release: String,
    /// `real store`, `mock`, `documentation`, ...
    pub origin: String,
    pub target: String,
}

/// What a recording did: the files written, and the cases left out with the reason.
#[derive(Debug, Default)]
pub struct Recorded {
    pub written: Vec<PathBuf>,
    pub left_out: Vec<(String, String)>,
}

/// `YYYY-MM-DD` of now, in UTC.
pub fn today() -> String {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    // Howard Hinnant's civil-from-days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The text of a golden file: insta's metadata block (with where it was recorded) and the answer.
pub fn file_text(case: &str, answer: &str, provenance: &Provenance, date: &str) -> String {
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    format!(
        "---\nsource: conformance record\ndescription: {}\ninfo:\n  case: {}\n  release: {}\n  recorded: {}\n  origin: {}\n  target: {}\n---\n{answer}\n",
        quote(&format!(
            "{case}: answered by a {} of Magento {} ({}) on {date}",
            provenance.origin, provenance.release, provenance.target
        )),
        quote(case),
        quote(&provenance.release),
        quote(date),
        quote(&provenance.origin),
        quote(&provenance.target),
    )
}

/// Replaces the accounts' emails (as given and case-flipped) with placeholders, then normalises.
pub fn redact(text: &str, accounts: &[(String, &str)]) -> String {
    let mut out = text.to_owned();
    for (email, placeholder) in accounts {
        for form in [email.clone(), flip_case(email), email.to_uppercase()] {
            out = out.replace(&form, placeholder);
        }
    }
    normalise(&out)
}

/// Records every documented case into `dir` (created when missing).
pub async fn record(ctx: &Context, dir: &Path, provenance: &Provenance) -> Result<Recorded, SetupError> {
    std::fs::create_dir_all(dir).map_err(|source| SetupError::CreateDir { path: dir.to_owned(), source })?;
    let date = today();
    let mut recorded = Recorded::default();
    for case in CASES.iter().chain(ACCOUNT_CASES) {
        let session = ctx.session(&format!("record-{case}")).map_err(|_| SetupError::Session((*case).to_owned()))?;
        let answer = if ACCOUNT_CASES.contains(case) {
            crate::checks::account_golden::produce(&session, case).await
        } else {
            produce(&session, case).await
        };
        let mut accounts = Vec::new();
        if let Some(account) = session.known_account() {
            accounts.push((account.email, "active@example.com"));
        }
        if let Some(locked) = session.known_locked() {
            accounts.push((locked, "locked@example.com"));
        }
        let finished = session.finish().await;
        match (answer, finished) {
            (Ok(answer), Ok(())) => {
                let path = dir.join(format!("{case}.snap"));
                let text = file_text(case, &redact(&answer.golden(), &accounts), provenance, &date);
                std::fs::write(&path, text).map_err(|source| SetupError::Write { path: path.clone(), source })?;
                recorded.written.push(path);
            }
            (Err(Stop::Skip(reason)), _) => recorded.left_out.push(((*case).to_owned(), reason)),
            (Err(Stop::Deviation(f)), _) | (_, Err(Stop::Deviation(f))) => {
                recorded.left_out.push(((*case).to_owned(), f.summary));
            }
            (_, Err(Stop::Skip(reason))) => recorded.left_out.push(((*case).to_owned(), reason)),
        }
        if let Some(request) = ctx.recaptcha() {
            return Err(SetupError::Recaptcha(crate::run::recaptcha_message(&request)));
        }
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_file_reads_back_as_its_answer_and_says_where_it_came_from() {
        let provenance = Provenance {
            release: "2.4.7-p3".into(),
            origin: "real store".into(),
            target: "http://127.0.0.1:8080/graphql".into(),
        };
        let text = file_text("request-success", "HTTP 200\n{}", &provenance, "2026-12-02");
        assert_eq!(crate::golden::contents(&text), "HTTP 200\n{}");
        assert!(text.contains("origin: \"real store\""), "{text}");
        assert!(text.contains("target: \"http://127.0.0.1:8080/graphql\""), "{text}");
        assert!(text.contains("recorded: \"2026-12-02\""), "{text}");
    }

    #[test]
    fn account_emails_and_tokens_are_redacted() {
        let accounts = [("qa.7@shop.test".to_owned(), "active@example.com")];
        assert_eq!(
            redact(r#"{"m":"QA.7@SHOP.TEST","token":"abc"}"#, &accounts),
            r#"{"m":"active@example.com","token":"[token]"}"#
        );
    }

    #[test]
    fn today_is_a_date() {
        let date = today();
        assert_eq!(date.len(), 10, "{date}");
        assert!(date.starts_with("20"), "{date}");
    }
}
