//! Escaping for what the Luma pages echo (PHP's `htmlspecialchars`, which writes `&#039;`;
//! Magento's email templates write `&#39;`, see `mail/luma.rs`).

/// `htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE)`, as Magento's `escapeHtml`.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            _ => out.push(c),
        }
    }
    out
}
