//! The smallest pieces of mail every other module shares: an address with its name, Mailpit's
//! snippet of a text, and the `Message-ID` of mail the mock composes.

use serde::Serialize;

use crate::random::{Random, RandomError};

/// Mailpit's `{"Name","Address"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

/// A new `Message-ID` for mail the mock composes, without angle brackets: 24 alphanumerics at
/// the mock's own domain.
pub fn new_message_id(random: &Random) -> Result<String, RandomError> {
    const DOMAIN: &str = "@mock-server.magento.test";
    let mut id = String::with_capacity(24 + DOMAIN.len());
    random.push_alphanumeric(&mut id, 24)?;
    id.push_str(DOMAIN);
    Ok(id)
}

/// Mailpit's snippet: the text with whitespace collapsed, at most 250 characters.
pub fn snippet_of(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= 250 {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(250).collect();
    format!("{}...", cut.trim_end())
}

impl Mailbox {
    /// An address as Go's `net/mail` (Mailpit's parser) accepts one: `local@domain`, both parts
    /// present, no spaces or angle brackets left over.
    pub fn has_address(&self) -> bool {
        let address = self.address.as_str();
        address.rsplit_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
            && !address.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ','))
    }
}

/// Mailpit's plus-address tags: everything after the first `+` of the local part, split on `+`.
pub fn plus_tags(address: &str) -> impl Iterator<Item = &str> {
    // Most addresses have no `+`: one quick scan instead of the splits (every capture runs this).
    let tagged = address.as_bytes().contains(&b'+');
    let local = if tagged { address.rsplit_once('@').map_or("", |(local, _)| local) } else { "" };
    local.split_once('+').map(|(_, tags)| tags).unwrap_or_default().split('+').filter(|t| !t.is_empty())
}

/// Mailpit's `CleanTag`: characters other than ASCII letters, digits, `-`, `_`, `.`, `@` and
/// space become spaces, runs of spaces one, trimmed, at most 100 bytes. Empty means no tag.
pub fn clean_tag(tag: &str) -> String {
    let replaced: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') { c } else { ' ' })
        .collect();
    let mut cleaned = replaced.split_whitespace().collect::<Vec<_>>().join(" ");
    cleaned.truncate(100);
    cleaned
}
