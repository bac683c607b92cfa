//! The PHP semantics Magento's checks rely on.

/// PHP's `empty()` on a string: true for `""` and for `"0"`.
pub fn is_empty(value: &str) -> bool {
    value.is_empty() || value == "0"
}

/// The characters PHP's `trim()` strips by default: space, tab, LF, CR, NUL and vertical tab.
pub fn is_trim_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_matches_php_for_strings() {
        assert!(is_empty(""));
        assert!(is_empty("0"));
        for not_empty in [" ", "00", "0.0", "false", "a"] {
            assert!(!is_empty(not_empty), "{not_empty:?}");
        }
    }
}
