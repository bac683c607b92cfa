//! URL encoding as PHP reads and writes it: query strings and form bodies (`+` is a space,
//! invalid escapes are kept as they are, a repeated name keeps its last value), and `urlencode`.

/// The `name=value` pairs of a query string or an `application/x-www-form-urlencoded` body.
pub fn parse(text: &[u8]) -> Vec<(String, String)> {
    text.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            (decode(name), decode(value))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// The value PHP would see for `name`: the last one given.
pub fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// `urldecode`: `+` and `%XX`; bytes that are not UTF-8 become U+FFFD.
pub fn decode(text: &[u8]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' => match (text.get(i + 1).and_then(|&b| hex(b)), text.get(i + 2).and_then(|&b| hex(b))) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// PHP's `urlencode`: letters, digits and `-_.` as they are, a space as `+`, the rest `%XX`.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// PHP's `rawurlencode` (RFC 3986): as `encode`, but `~` as it is and a space as `%20`; how
/// `setcookie` writes a cookie's value.
pub fn raw_encode(text: &str) -> String {
    encode(text).replace('+', "%20").replace("%7E", "~")
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_decode_as_php_does_and_the_last_value_wins() {
        let pairs = parse(b"password=a+b%21&password_confirmation=x&password=%zz%4&flag");
        assert_eq!(last(&pairs, "password"), Some("%zz%4"));
        assert_eq!(last(&pairs, "password_confirmation"), Some("x"));
        assert_eq!(last(&pairs, "flag"), Some(""));
        assert_eq!(decode(b"a+b%21"), "a b!");
        assert_eq!(decode(b"%C3%A9%FF"), "é\u{FFFD}");
    }

    #[test]
    fn encode_is_php_urlencode() {
        assert_eq!(encode("didn't match. ~é"), "didn%27t+match.+%7E%C3%A9");
        assert_eq!(decode(encode("a +&=%é").as_bytes()), "a +&=%é");
        assert_eq!(raw_encode("a b~+"), "a%20b~%2B");
    }
}
