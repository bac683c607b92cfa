//! The smallest pieces of mail every other module shares: an address with its name, and
//! Mailpit's snippet of a text.

use serde::Serialize;

/// Mailpit's `{"Name","Address"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Mailbox {
    pub name: String,
    pub address: String,
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
