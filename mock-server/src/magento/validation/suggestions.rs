//! webonyx's "Did you mean" lists: the options within a lexical distance of the input (0.4 of
//! its length, plus one), nearest first and then in natural order, at most five, quoted and
//! joined with commas and a final "or".

use std::cmp::Ordering;

/// The options close enough to `input`, nearest first (`Utils::suggestionList`).
pub fn suggestion_list<'a>(input: &str, options: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let threshold = input.chars().count() as f64 * 0.4 + 1.0;
    let input_lower = input.to_lowercase();
    let input_chars: Vec<char> = input_lower.chars().collect();
    let mut scored: Vec<(&str, usize)> = options
        .into_iter()
        .filter_map(|option| distance(input, &input_lower, &input_chars, option, threshold).map(|d| (option, d)))
        .collect();
    scored.sort_by(|(a, da), (b, db)| da.cmp(db).then_with(|| natural_order(a, b)));
    scored.dedup_by(|(a, _), (b, _)| a == b);
    scored.into_iter().map(|(option, _)| option).collect()
}

/// `" Did you mean \"a\", \"b\", or \"c\"?"`, or nothing when there is no suggestion.
pub fn did_you_mean(suggestions: &[&str]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    format!(" Did you mean {}?", quoted_or_list(suggestions))
}

/// `Utils::quotedOrList`: the first five, quoted; `"a" or "b"`, `"a", "b", or "c"`.
pub fn quoted_or_list(items: &[&str]) -> String {
    let selected: Vec<String> = items.iter().take(5).map(|item| format!("\"{item}\"")).collect();
    let mut out = selected[0].clone();
    let count = selected.len();
    for (index, item) in selected.iter().enumerate().skip(1) {
        out.push_str(if count > 2 { ", " } else { " " });
        if index == count - 1 {
            out.push_str("or ");
        }
        out.push_str(item);
    }
    out
}

/// `LexicalDistance::measure`: Damerau-Levenshtein on lower-cased characters, a case change alone
/// counting one, `None` beyond `threshold`.
fn distance(input: &str, input_lower: &str, input_chars: &[char], option: &str, threshold: f64) -> Option<usize> {
    if input == option {
        return Some(0);
    }
    let option_lower = option.to_lowercase();
    if input_lower == option_lower {
        return Some(1);
    }
    let option_chars: Vec<char> = option_lower.chars().collect();
    let (a, b) = if option_chars.len() < input_chars.len() {
        (input_chars, option_chars.as_slice())
    } else {
        (option_chars.as_slice(), input_chars)
    };
    if (a.len() - b.len()) as f64 > threshold {
        return None;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut smallest = i;
        rows[i % 3][0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (rows[(i - 1) % 3][j] + 1).min(rows[i % 3][j - 1] + 1).min(rows[(i - 1) % 3][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(rows[(i - 2) % 3][j - 2] + 1);
            }
            smallest = smallest.min(cell);
            rows[i % 3][j] = cell;
        }
        if smallest as f64 > threshold {
            return None;
        }
    }
    let distance = rows[a.len() % 3][b.len()];
    (distance as f64 <= threshold).then_some(distance)
}

/// PHP's `strnatcmp`: runs of digits compare as numbers, everything else byte by byte.
fn natural_order(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let start_a = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let start_b = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let digits_a = trim_zeros(&a[start_a..i]);
            let digits_b = trim_zeros(&b[start_b..j]);
            let order = digits_a.len().cmp(&digits_b.len()).then_with(|| digits_a.cmp(digits_b));
            if order != Ordering::Equal {
                return order;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let first = digits.iter().position(|&d| d != b'0').unwrap_or(digits.len());
    &digits[first..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_nearest_first() {
        assert_eq!(suggestion_list("emial", ["email", "password"]), ["email"]);
        assert_eq!(suggestion_list("stoe_name", ["store_name", "store_code", "locale"]), ["store_name", "store_code"]);
        assert!(suggestion_list("x", ["store_name"]).is_empty());
        assert_eq!(suggestion_list("EMAIL", ["email"]), ["email"]);
    }

    #[test]
    fn lists_read_like_webonyx() {
        assert_eq!(did_you_mean(&["a"]), " Did you mean \"a\"?");
        assert_eq!(did_you_mean(&["a", "b"]), " Did you mean \"a\" or \"b\"?");
        assert_eq!(did_you_mean(&["a", "b", "c"]), " Did you mean \"a\", \"b\", or \"c\"?");
        assert_eq!(quoted_or_list(&["1", "2", "3", "4", "5", "6"]), "\"1\", \"2\", \"3\", \"4\", or \"5\"");
    }
}
