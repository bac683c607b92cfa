//! Literal values read again from the document's text, as webonyx sees them: with a position for
//! every nested value and object field (async-graphql keeps only the outermost), duplicate object
//! keys kept, and printed the way webonyx's `Printer` prints them in its messages.

use async_graphql::Pos;

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Int(String),
    Float(String),
    /// The string's value, and whether it was a block string.
    String(String, bool),
    Boolean(bool),
    Null,
    Enum(String),
    Variable(String),
    List(Vec<At>),
    Object(Vec<(String, Pos, At)>),
}

/// A literal and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct At {
    pub pos: Pos,
    pub value: Literal,
}

/// The literal that starts at `pos` in `source` (a document that parsed).
pub fn read(source: &str, pos: Pos) -> Option<At> {
    let mut reader = Reader { chars: source.chars().collect(), index: 0, line: 1, line_start: 0 };
    reader.seek(pos)?;
    reader.value()
}

/// webonyx's `Printer::doPrint` of a value.
pub fn print(literal: &Literal) -> String {
    match literal {
        Literal::Int(text) | Literal::Float(text) | Literal::Enum(text) => text.clone(),
        Literal::String(value, true) => print_block_string(value),
        Literal::String(value, false) => crate::magento::php::json_encode(&serde_json::Value::String(value.clone())),
        Literal::Boolean(value) => value.to_string(),
        Literal::Null => "null".into(),
        Literal::Variable(name) => format!("${name}"),
        Literal::List(items) => format!("[{}]", items.iter().map(|i| print(&i.value)).collect::<Vec<_>>().join(", ")),
        Literal::Object(fields) => format!(
            "{{ {} }}",
            fields.iter().map(|(name, _, v)| format!("{name}: {}", print(&v.value))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `BlockString::print`: `"""` on their own lines unless the value is one line without leading
/// space; `"""` inside escaped.
fn print_block_string(value: &str) -> String {
    let escaped = value.replace("\"\"\"", "\\\"\"\"");
    let single_line = !value.contains('\n');
    let leading_space = value.starts_with(' ') || value.starts_with('\t');
    let trailing_quote = value.ends_with('"');
    let trailing_backslash = value.ends_with('\\');
    let printed_as_multiple = !single_line || trailing_quote || trailing_backslash;
    let mut out = String::from("\"\"\"");
    if printed_as_multiple && !(single_line && leading_space) {
        out.push('\n');
    }
    out.push_str(&escaped);
    if printed_as_multiple {
        out.push('\n');
    }
    out.push_str("\"\"\"");
    out
}

struct Reader {
    chars: Vec<char>,
    index: usize,
    line: usize,
    line_start: usize,
}

impl Reader {
    fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.index - self.line_start + 1 }
    }

    /// Moves to `pos` as async-graphql counts positions (`PositionCalculator`): `\n` starts a
    /// line, `\r` only restarts the column (so after a lone `\r` the first match is taken).
    fn seek(&mut self, pos: Pos) -> Option<()> {
        while self.pos() != pos {
            let c = *self.chars.get(self.index)?;
            self.advance(c);
        }
        Some(())
    }

    fn advance(&mut self, c: char) {
        self.index += 1;
        if c == '\n' {
            self.line += 1;
        }
        if c == '\n' || c == '\r' {
            self.line_start = self.index;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.index).copied()
    }

    fn skip_ignored(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | ',' | '\u{feff}' | '\r' | '\n' => self.advance(c),
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' || c == '\r' {
                            break;
                        }
                        self.advance(c);
                    }
                }
                _ => break,
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
            name.push(c);
            self.advance(c);
        }
        name
    }

    fn value(&mut self) -> Option<At> {
        self.skip_ignored();
        let pos = self.pos();
        let c = self.peek()?;
        let value = match c {
            '$' => {
                self.advance(c);
                Literal::Variable(self.name())
            }
            '[' => {
                self.advance(c);
                let mut items = Vec::new();
                loop {
                    self.skip_ignored();
                    if self.peek()? == ']' {
                        self.advance(']');
                        break;
                    }
                    items.push(self.value()?);
                }
                Literal::List(items)
            }
            '{' => {
                self.advance(c);
                let mut fields = Vec::new();
                loop {
                    self.skip_ignored();
                    if self.peek()? == '}' {
                        self.advance('}');
                        break;
                    }
                    let name_pos = self.pos();
                    let name = self.name();
                    self.skip_ignored();
                    if self.peek()? != ':' {
                        return None;
                    }
                    self.advance(':');
                    fields.push((name, name_pos, self.value()?));
                }
                Literal::Object(fields)
            }
            '"' => self.string()?,
            c if c == '-' || c.is_ascii_digit() => {
                let mut text = String::new();
                let mut float = false;
                while let Some(c) =
                    self.peek().filter(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                {
                    float |= matches!(c, '.' | 'e' | 'E');
                    text.push(c);
                    self.advance(c);
                }
                if float { Literal::Float(text) } else { Literal::Int(text) }
            }
            _ => match self.name().as_str() {
                "" => return None,
                "true" => Literal::Boolean(true),
                "false" => Literal::Boolean(false),
                "null" => Literal::Null,
                other => Literal::Enum(other.to_owned()),
            },
        };
        Some(At { pos, value })
    }

    fn string(&mut self) -> Option<Literal> {
        let block = self.chars.get(self.index..self.index + 3) == Some(&['"', '"', '"'][..]);
        if block {
            for _ in 0..3 {
                self.advance('"');
            }
            let mut raw = String::new();
            loop {
                let c = self.peek()?;
                if c == '"' && self.chars.get(self.index..self.index + 3) == Some(&['"', '"', '"'][..]) {
                    for _ in 0..3 {
                        self.advance('"');
                    }
                    break;
                }
                if c == '\\' && self.chars.get(self.index..self.index + 4) == Some(&['\\', '"', '"', '"'][..]) {
                    raw.push_str("\"\"\"");
                    for ch in ['\\', '"', '"', '"'] {
                        self.advance(ch);
                    }
                    continue;
                }
                raw.push(c);
                self.advance(c);
            }
            return Some(Literal::String(block_string_value(&raw), true));
        }
        self.advance('"');
        let mut value = String::new();
        loop {
            let c = self.peek()?;
            self.advance(c);
            match c {
                '"' => break,
                '\\' => {
                    let e = self.peek()?;
                    self.advance(e);
                    match e {
                        'n' => value.push('\n'),
                        'r' => value.push('\r'),
                        't' => value.push('\t'),
                        'b' => value.push('\u{8}'),
                        'f' => value.push('\u{c}'),
                        'u' => {
                            let unit = self.hex4()?;
                            if (0xD800..0xDC00).contains(&unit)
                                && self.chars.get(self.index..self.index + 2) == Some(&['\\', 'u'][..])
                            {
                                self.advance('\\');
                                self.advance('u');
                                let low = self.hex4()?;
                                let code = 0x10000 + ((unit - 0xD800) << 10) + (low.checked_sub(0xDC00)?);
                                value.push(char::from_u32(code)?);
                            } else {
                                value.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                            }
                        }
                        other => value.push(other),
                    }
                }
                c => value.push(c),
            }
        }
        Some(Literal::String(value, false))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut unit = 0;
        for _ in 0..4 {
            let c = self.peek()?;
            unit = unit * 16 + c.to_digit(16)?;
            self.advance(c);
        }
        Some(unit)
    }
}

/// `BlockString::dedentBlockStringLines`: common indentation and blank first and last lines removed.
fn block_string_value(raw: &str) -> String {
    let lines: Vec<&str> = raw.split("\r\n").flat_map(|l| l.split(['\n', '\r'])).collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter_map(|l| {
            let n = l.chars().take_while(|c| *c == ' ' || *c == '\t').count();
            (n < l.chars().count()).then_some(n)
        })
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { (*l).to_owned() } else { l.chars().skip(indent).collect() })
        .collect();
    while out.first().is_some_and(|l| l.trim_matches([' ', '\t']).is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.trim_matches([' ', '\t']).is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_like_webonyx() {
        let source = "{ a(x: {a: 1, a: [2,3]}, y: \"\\u00e9/\") }";
        let object = read(source, Pos { line: 1, column: 8 }).unwrap();
        assert_eq!(print(&object.value), "{ a: 1, a: [2, 3] }");
        let string = read(source, Pos { line: 1, column: 29 }).unwrap();
        assert_eq!(print(&string.value), "\"\\u00e9\\/\"");
    }
}
