//! Mailpit's search language: space-separated terms that must all match, `-` or `!` to negate,
//! quotes to group words; `to:`, `from:`, `subject:`, `message-id:`, `is:read`, `is:unread` and
//! plain words (searched in subject and body).

use time::OffsetDateTime;

use super::inbox::StoredMessage;

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
    Subject(String),
    MessageId(String),
    Read(bool),
    Word(String),
}

impl Query {
    pub fn parse(text: &str) -> Self {
        let terms = split_terms(text)
            .into_iter()
            .filter_map(|raw| {
                let (negated, raw) = match raw.strip_prefix(['-', '!']) {
                    Some(rest) if !rest.is_empty() => (true, rest.to_owned()),
                    _ => (false, raw),
                };
                let lower = raw.to_lowercase();
                let value = |prefix: &str| lower[prefix.len()..].trim_matches('"').to_owned();
                let kind = if lower.starts_with("to:") {
                    TermKind::To(value("to:"))
                } else if lower.starts_with("from:") {
                    TermKind::From(value("from:"))
                } else if lower.starts_with("subject:") {
                    TermKind::Subject(value("subject:"))
                } else if lower.starts_with("message-id:") {
                    TermKind::MessageId(value("message-id:"))
                } else if lower == "is:read" {
                    TermKind::Read(true)
                } else if lower == "is:unread" {
                    TermKind::Read(false)
                } else {
                    TermKind::Word(lower.trim_matches('"').to_owned())
                };
                (!matches!(&kind, TermKind::Word(w) if w.is_empty())).then_some(Term { negated, kind })
            })
            .collect();
        Self { terms }
    }

    pub fn matches(&self, message: &StoredMessage, _now: OffsetDateTime) -> bool {
        self.terms.iter().all(|term| term.kind.matches(message) != term.negated)
    }
}

impl TermKind {
    fn matches(&self, message: &StoredMessage) -> bool {
        let contains = |haystack: &str, needle: &str| haystack.to_lowercase().contains(needle);
        let mailbox_matches =
            |name: &str, address: &str, needle: &str| contains(address, needle) || contains(name, needle);
        match self {
            Self::To(needle) => message.to().iter().any(|m| mailbox_matches(&m.name, &m.address, needle)),
            Self::From(needle) => {
                let from = message.from();
                mailbox_matches(&from.name, &from.address, needle)
            }
            Self::Subject(needle) => contains(&message.subject(), needle),
            Self::MessageId(needle) => message.message_id.to_lowercase() == *needle,
            Self::Read(read) => message.read == *read,
            Self::Word(needle) => contains(&message.subject(), needle) || contains(&message.text(), needle),
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
    use super::*;

    #[test]
    fn splits_terms_keeping_quoted_phrases_together() {
        assert_eq!(
            split_terms(r#"to:a@b.c  subject:"Reset your" -is:read"#),
            vec!["to:a@b.c".to_owned(), "subject:\"Reset your\"".to_owned(), "-is:read".to_owned()]
        );
    }

    #[test]
    fn parses_negation_and_prefixes() {
        let query = Query::parse("!to:Roni subject:\"Main Website\" word");
        assert_eq!(
            query.terms,
            vec![
                Term { negated: true, kind: TermKind::To("roni".into()) },
                Term { negated: false, kind: TermKind::Subject("main website".into()) },
                Term { negated: false, kind: TermKind::Word("word".into()) },
            ]
        );
    }
}
