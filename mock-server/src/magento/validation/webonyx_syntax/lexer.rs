//! The lexer of webonyx/graphql-php v15 (`Language/Lexer.php`), token by token and error by
//! error.
//!
//! webonyx walks the UTF-8 text with two cursors: a byte offset and a *character* position
//! (code points, not UTF-16 units). Errors carry the character position. A few of its reads
//! step one byte past a multibyte character (they assume one-byte quotes); near the end of the
//! text those reads run off the end of the string, PHP warns, and Magento's error handler turns
//! the warning into an exception. [`Failure::PhpWarning`] stands for that.

use super::Failure;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Sof,
    Eof,
    Bang,
    Dollar,
    Amp,
    ParenL,
    ParenR,
    Spread,
    Colon,
    Equals,
    At,
    BracketL,
    BracketR,
    BraceL,
    Pipe,
    BraceR,
    Name,
    Int,
    Float,
    String,
    BlockString,
}

impl Kind {
    /// webonyx's name for the kind (`Token::*`), as its messages print it.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Sof => "<SOF>",
            Kind::Eof => "<EOF>",
            Kind::Bang => "!",
            Kind::Dollar => "$",
            Kind::Amp => "&",
            Kind::ParenL => "(",
            Kind::ParenR => ")",
            Kind::Spread => "...",
            Kind::Colon => ":",
            Kind::Equals => "=",
            Kind::At => "@",
            Kind::BracketL => "[",
            Kind::BracketR => "]",
            Kind::BraceL => "{",
            Kind::Pipe => "|",
            Kind::BraceR => "}",
            Kind::Name => "Name",
            Kind::Int => "Int",
            Kind::Float => "Float",
            Kind::String => "String",
            Kind::BlockString => "BlockString",
        }
    }
}

/// A token: its kind, its bytes in the text, and the character position where it starts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

pub(super) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Byte offset of the cursor.
    at: usize,
    /// Character position of the cursor (may run past the end, as webonyx's does).
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self { text, bytes: text.as_bytes(), at: 0, pos: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.at..).and_then(|rest| rest.chars().next())
    }

    fn bump(&mut self, c: char) {
        self.at += c.len_utf8();
        self.pos += 1;
    }

    fn error(position: usize, message: String) -> Failure {
        Failure::Syntax { position, message }
    }

    /// webonyx reads a character at byte `offset`, sizing it by its first byte. At a
    /// continuation byte (a read that stepped into a multibyte character) in the last byte of
    /// the text, it reads one byte too many: PHP's "Uninitialized string offset" warning.
    fn probe(&self, offset: usize) -> Result<(), Failure> {
        let Some(&first) = self.bytes.get(offset) else { return Ok(()) };
        let size = match first {
            0..=127 => 1,
            128..=223 => 2,
            224..=239 => 3,
            _ => 4,
        };
        if offset + size > self.bytes.len() { Err(Failure::PhpWarning) } else { Ok(()) }
    }

    /// The next token that is not a comment.
    pub(super) fn next_token(&mut self) -> Result<Token, Failure> {
        loop {
            self.skip_ignored();
            let (start, position) = (self.at, self.pos);
            let Some(c) = self.peek() else {
                return Ok(Token { kind: Kind::Eof, start, end: start, position });
            };
            let punctuator = match c {
                '!' => Some(Kind::Bang),
                '$' => Some(Kind::Dollar),
                '&' => Some(Kind::Amp),
                '(' => Some(Kind::ParenL),
                ')' => Some(Kind::ParenR),
                ':' => Some(Kind::Colon),
                '=' => Some(Kind::Equals),
                '@' => Some(Kind::At),
                '[' => Some(Kind::BracketL),
                ']' => Some(Kind::BracketR),
                '{' => Some(Kind::BraceL),
                '|' => Some(Kind::Pipe),
                '}' => Some(Kind::BraceR),
                _ => None,
            };
            if let Some(kind) = punctuator {
                self.bump(c);
                return Ok(Token { kind, start, end: self.at, position });
            }
            let kind = match c {
                '#' => {
                    self.skip_comment();
                    continue;
                }
                '.' => {
                    if self.text[start..].starts_with("...") {
                        self.at += 3;
                        self.pos += 3;
                        Kind::Spread
                    } else {
                        return Err(Self::error(position, unexpected_character(u32::from(c))));
                    }
                }
                'A'..='Z' | '_' | 'a'..='z' => {
                    while let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
                        self.bump(c);
                    }
                    Kind::Name
                }
                '-' | '0'..='9' => self.number()?,
                '"' => {
                    // webonyx looks two characters ahead, the second one byte after the first.
                    self.probe(start + 2)?;
                    if self.text[start..].starts_with("\"\"\"") {
                        self.block_string()?;
                        Kind::BlockString
                    } else {
                        self.string()?;
                        Kind::String
                    }
                }
                other => return Err(Self::error(position, unexpected_character(u32::from(other)))),
            };
            return Ok(Token { kind, start, end: self.at, position });
        }
    }

    /// Whitespace, commas, byte-order marks and line ends.
    fn skip_ignored(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                '\t' | ' ' | ',' | '\u{feff}' | '\n' => self.bump(c),
                '\r' => {
                    self.bump(c);
                    if self.peek() == Some('\n') {
                        self.bump('\n');
                    }
                }
                _ => break,
            }
        }
    }

    /// `#` up to (not including) the first control character other than tab.
    fn skip_comment(&mut self) {
        self.bump('#');
        while let Some(c) = self.peek().filter(|&c| u32::from(c) > 0x1f || c == '\t') {
            self.bump(c);
        }
    }

    fn number(&mut self) -> Result<Kind, Failure> {
        let mut kind = Kind::Int;
        if self.peek() == Some('-') {
            self.bump('-');
        }
        if self.peek() == Some('0') {
            self.bump('0');
            if let Some(digit) = self.peek().filter(char::is_ascii_digit) {
                let message = format!("Invalid number, unexpected digit after 0: {}", print_char_code(Some(digit)));
                return Err(Self::error(self.pos, message));
            }
        } else {
            self.digits()?;
        }
        if self.peek() == Some('.') {
            kind = Kind::Float;
            self.bump('.');
            self.digits()?;
        }
        if let Some(e) = self.peek().filter(|c| matches!(c, 'e' | 'E')) {
            kind = Kind::Float;
            self.bump(e);
            if let Some(sign) = self.peek().filter(|c| matches!(c, '+' | '-')) {
                self.bump(sign);
            }
            self.digits()?;
        }
        Ok(kind)
    }

    fn digits(&mut self) -> Result<(), Failure> {
        let next = self.peek();
        if !next.is_some_and(|c| c.is_ascii_digit()) {
            let message = format!("Invalid number, expected digit but got: {}", print_char_code(next));
            return Err(Self::error(self.pos, message));
        }
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            self.bump(c);
        }
        Ok(())
    }

    /// webonyx's `readChars`: up to `count` characters; the position moves by `count` even
    /// when the text ends first.
    fn take_chars(&mut self, count: usize) -> &'a str {
        let rest = &self.text[self.at..];
        let length = rest.char_indices().nth(count).map_or(rest.len(), |(i, _)| i);
        self.at += length;
        self.pos += count;
        &rest[..length]
    }

    fn string(&mut self) -> Result<(), Failure> {
        self.bump('"');
        while let Some(c) = self.peek().filter(|&c| c != '\n' && c != '\r') {
            if c == '"' {
                self.bump(c);
                return Ok(());
            }
            if u32::from(c) < 0x20 && c != '\t' {
                return Err(Self::error(self.pos, invalid_in_string(u32::from(c))));
            }
            self.bump(c);
            if c != '\\' {
                continue;
            }
            let Some(escaped) = self.peek() else { break };
            self.bump(escaped);
            match escaped {
                '"' | '/' | '\\' | 'b' | 'f' | 'n' | 'r' | 't' => {}
                // PHP's `switch` compares loosely: NUL matches webonyx's `case null` (the end of
                // the text), which goes on with NUL as the current character, refused there.
                '\0' => return Err(Self::error(self.pos, invalid_in_string(0))),
                'u' => {
                    let after_u = self.pos;
                    let hex = self.take_chars(4);
                    let Some(code) = hex_code(hex) else {
                        let message = format!("Invalid character escape sequence: \\u{hex}");
                        return Err(Self::error(after_u - 1, message));
                    };
                    if (0xd8..=0xdf).contains(&(code >> 8)) {
                        let trailing = self.take_chars(6);
                        if trailing.strip_prefix("\\u").and_then(hex_code).is_none() {
                            let message = format!("Invalid UTF-16 trailing surrogate: {trailing}");
                            return Err(Self::error(self.pos - 5, message));
                        }
                    } else if code < 0x20 && code != 0x09 {
                        return Err(Self::error(after_u - 2, invalid_in_string(code)));
                    }
                }
                other => {
                    let message = format!("Invalid character escape sequence: \\{other}");
                    return Err(Self::error(self.pos - 1, message));
                }
            }
        }
        Err(Self::error(self.pos, "Unterminated string.".into()))
    }

    fn block_string(&mut self) -> Result<(), Failure> {
        self.at += 3;
        self.pos += 3;
        while let Some(c) = self.peek() {
            let here = self.at;
            if c == '"' {
                self.probe(here + 2)?;
                if self.text[here..].starts_with("\"\"\"") {
                    self.at += 3;
                    self.pos += 3;
                    return Ok(());
                }
            }
            if u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                return Err(Self::error(self.pos, invalid_in_string(u32::from(c))));
            }
            self.bump(c);
            // webonyx looks three characters ahead for an escaped `"""`, one byte apart.
            self.probe(self.at + 1)?;
            self.probe(self.at + 2)?;
            if c == '\\' && self.text[self.at..].starts_with("\"\"\"") {
                self.at += 3;
                self.pos += 3;
            }
        }
        Err(Self::error(self.pos, "Unterminated string.".into()))
    }
}

/// Four ASCII hex digits, exactly.
fn hex_code(hex: &str) -> Option<u32> {
    if hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) { u32::from_str_radix(hex, 16).ok() } else { None }
}

fn invalid_in_string(code: u32) -> String {
    format!("Invalid character within String: {}", print_char_code(char::from_u32(code)))
}

fn unexpected_character(code: u32) -> String {
    if code < 0x20 && !matches!(code, 0x09 | 0x0a | 0x0d) {
        format!("Cannot contain the invalid character {}", print_char_code(char::from_u32(code)))
    } else if code == 0x27 {
        "Unexpected single quote character ('), did you mean to use a double quote (\")?".into()
    } else {
        format!("Cannot parse the unexpected character {}.", print_char_code(char::from_u32(code)))
    }
}

/// webonyx's `Utils::printCharCode`: ASCII below DEL as PHP's `json_encode` writes it (so `/`
/// is `"\/"`), anything else as `"\u"` and the code point in lowercase hex, unpadded.
pub(super) fn print_char_code(c: Option<char>) -> String {
    let Some(c) = c else { return "<EOF>".into() };
    match c {
        '"' => r#""\"""#.into(),
        '\\' => r#""\\""#.into(),
        '/' => r#""\/""#.into(),
        '\u{8}' => r#""\b""#.into(),
        '\u{c}' => r#""\f""#.into(),
        '\n' => r#""\n""#.into(),
        '\r' => r#""\r""#.into(),
        '\t' => r#""\t""#.into(),
        c if u32::from(c) < 0x20 => format!("\"\\u{:04x}\"", u32::from(c)),
        c if u32::from(c) < 0x7f => format!("\"{c}\""),
        c => format!("\"\\u{:x}\"", u32::from(c)),
    }
}
