//! Mailpit's search language: space-separated terms that must all match, `-` or `!` to negate,
//! quotes to group words. Terms: `to:`, `from:`, `cc:`, `subject:`, `message-id:`, `tag:`,
//! `is:read`, `is:unread`, `after:` and `before:` (a date `YYYY-MM-DD` or an RFC 3339 time), and
//! plain words (searched in subject and body).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::message::Mailbox;
use super::stored::StoredMessage;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Term {
    negated: bool,
    kind: TermKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TermKind {
    To(String),
    From(String),
    Cc(String),
    Subject(String),
    MessageId(String),
    Tag(String),
    Read(bool),
    After(OffsetDateTime),
    Before(OffsetDateTime),
    Word(String),
}

impl Query {
    pub fn parse(text: &str) -> Self {
        let terms = split_terms(text).into_iter().filter_map(|raw| parse_term(&raw)).collect();
        Self { terms }
    }

    pub fn matches(&self, message: &StoredMessage) -> bool {
        // Parts are parsed at most once per message, and only when a word needs the body.
        let mut body: Option<String> = None;
        self.terms.iter().all(|term| term.kind.matches(message, &mut body) != term.negated)
    }
}

fn parse_term(raw: &str) -> Option<Term> {
    let (negated, raw) = match raw.strip_prefix(['-', '!']) {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, raw),
    };
    let lower = raw.to_lowercase();
    let value = |prefix: &str| lower[prefix.len()..].trim_matches('"').to_owned();
    let kind = if lower.starts_with("to:") {
        TermKind::To(value("to:"))
    } else if lower.starts_with("from:") {
        TermKind::From(value("from:"))
    } else if lower.starts_with("cc:") {
        TermKind::Cc(value("cc:"))
    } else if lower.starts_with("subject:") {
        TermKind::Subject(value("subject:"))
    } else if lower.starts_with("message-id:") {
        TermKind::MessageId(value("message-id:").trim_matches(['<', '>']).to_owned())
    } else if lower.starts_with("tag:") {
        TermKind::Tag(value("tag:"))
    } else if lower == "is:read" {
        TermKind::Read(true)
    } else if lower == "is:unread" {
        TermKind::Read(false)
    } else if let Some(date) = lower.strip_prefix("after:").and_then(parse_time) {
        TermKind::After(date)
    } else if let Some(date) = lower.strip_prefix("before:").and_then(parse_time) {
        TermKind::Before(date)
    } else {
        TermKind::Word(lower.trim_matches('"').to_owned())
    };
    let empty = matches!(&kind, TermKind::Word(w) if w.is_empty());
    (!empty).then_some(Term { negated, kind })
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim_matches('"');
    OffsetDateTime::parse(&text.to_uppercase(), &Rfc3339).ok().or_else(|| {
        Date::parse(text, format_description!("[year]-[month]-[day]")).ok().map(|d| d.midnight().assume_utc())
    })
}

impl TermKind {
    fn matches(&self, message: &StoredMessage, body: &mut Option<String>) -> bool {
        let contains = |haystack: &str, needle: &str| haystack.to_lowercase().contains(needle);
        let any_mailbox = |list: &[Mailbox], needle: &str| {
            list.iter().any(|m| contains(&m.address, needle) || contains(&m.name, needle))
        };
        match self {
            Self::To(needle) => any_mailbox(&message.to(), needle),
            Self::From(needle) => any_mailbox(&[message.from()], needle),
            Self::Cc(needle) => any_mailbox(&message.cc(), needle),
            Self::Subject(needle) => contains(&message.subject(), needle),
            Self::MessageId(needle) => message.message_id.to_lowercase() == *needle,
            Self::Tag(tag) => message.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)),
            Self::Read(read) => message.read == *read,
            Self::After(time) => message.created >= *time,
            Self::Before(time) => message.created < *time,
            Self::Word(needle) => {
                contains(&message.subject(), needle)
                    || body.get_or_insert_with(|| message.text().to_lowercase()).contains(needle.as_str())
            }
        }
    }
}

/// Splits on spaces outside double quotes, keeping the quotes for the caller to strip.
fn split_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    terms.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        terms.push(current);
    }
    terms
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn splits_terms_keeping_quoted_phrases_together() {
        assert_eq!(
            split_terms(r#"to:a@b.c  subject:"Reset your" -is:read"#),
            vec!["to:a@b.c".to_owned(), "subject:\"Reset your\"".to_owned(), "-is:read".to_owned()]
        );
    }

    #[test]
    fn parses_negation_prefixes_and_dates() {
        let query = Query::parse(
            "!to:Roni subject:\"Main Website\" tag:Shop after:2026-07-01 before:2026-07-02T10:00:00Z word",
        );
        assert_eq!(
            query.terms,
            vec![
                Term { negated: true, kind: TermKind::To("roni".into()) },
                Term { negated: false, kind: TermKind::Subject("main website".into()) },
                Term { negated: false, kind: TermKind::Tag("shop".into()) },
                Term { negated: false, kind: TermKind::After(datetime!(2026-07-01 00:00 UTC)) },
                Term { negated: false, kind: TermKind::Before(datetime!(2026-07-02 10:00 UTC)) },
                Term { negated: false, kind: TermKind::Word("word".into()) },
            ]
        );
    }
}
