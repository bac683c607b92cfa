//! Positions as webonyx reports them (`Source::getLocation`): the column is the position counted
//! in characters minus the *byte* offset where the line starts, so non-ASCII text on earlier
//! lines shifts it (even to 0 or below, kept as 0 here). async-graphql counts characters from
//! the line's start. (A lone `\r` is a line end for webonyx; async-graphql only restarts the
//! column there, so a position after one cannot be traced back: those are left as they are.)

use async_graphql::Pos;

/// Whether `source` has anything that makes the two ways of counting differ.
pub fn differs(source: &str) -> bool {
    !source.is_ascii() && !source.contains('\r')
}

/// async-graphql's position in `source` as webonyx reports it.
pub fn webonyx_pos(source: &str, pos: Pos) -> Pos {
    if !differs(source) {
        return pos;
    }
    // The character offset async-graphql means: lines split at `\n` only.
    let mut line = 1;
    let mut offset_chars = 0usize;
    let mut chars = source.chars();
    while line < pos.line {
        match chars.next() {
            Some('\n') => line += 1,
            Some(_) => {}
            None => return pos,
        }
        offset_chars += 1;
    }
    let position = offset_chars + pos.column.saturating_sub(1);
    // webonyx: count the line ends before `position`, and where (in bytes) the last one ends.
    let mut webonyx_line = 1;
    let mut line_start_bytes = 0usize;
    let mut bytes = 0usize;
    let mut previous_cr = false;
    for c in source.chars().take(position) {
        bytes += c.len_utf8();
        match c {
            '\n' if previous_cr => line_start_bytes = bytes,
            '\n' | '\r' => {
                webonyx_line += 1;
                line_start_bytes = bytes;
            }
            _ => {}
        }
        previous_cr = c == '\r';
    }
    let column = (position + 1).saturating_sub(line_start_bytes);
    Pos { line: webonyx_line, column }
}

/// Bytes of whitespace, commas and comments at the start of `text`.
pub fn ignored_length(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\n', '\r', ',', '\u{feff}']);
        rest = match trimmed.strip_prefix('#') {
            Some(comment) => comment.find(['\n', '\r']).map_or("", |end| &comment[end..]),
            None => return text.len() - trimmed.len(),
        };
    }
}

/// A byte offset as async-graphql counts positions: `\n` starts a line, `\r` only restarts
/// the column, every other character is one column.
pub fn position(text: &str, offset: usize) -> Pos {
    let mut pos = Pos { line: 1, column: 1 };
    for c in text[..offset.min(text.len())].chars() {
        match c {
            '\n' => pos = Pos { line: pos.line + 1, column: 1 },
            '\r' => pos.column = 1,
            _ => pos.column += 1,
        }
    }
    pos
}

/// The byte offset of an async-graphql position (the inverse of [`position`]).
pub fn offset(text: &str, pos: Pos) -> usize {
    let mut at = Pos { line: 1, column: 1 };
    for (offset, c) in text.char_indices() {
        if at == pos {
            return offset;
        }
        match c {
            '\n' => at = Pos { line: at.line + 1, column: 1 },
            '\r' => at.column = 1,
            _ => at.column += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected positions are what the real 2.4.7-p3 store reported for these documents.
    #[test]
    fn non_ascii_text_on_earlier_lines_moves_columns() {
        let source = "#ééé\n{ isEmailAvailable(email: 1.5) { is_email_available } }";
        assert_eq!(webonyx_pos(source, Pos { line: 2, column: 3 }), Pos { line: 2, column: 0 });
        let source = "#ééé\nmutation { requestPasswordResetEmail(email: 1.5) }";
        assert_eq!(webonyx_pos(source, Pos { line: 2, column: 12 }), Pos { line: 2, column: 9 });
    }
}
