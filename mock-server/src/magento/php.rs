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

/// PHP's `json_encode($value)` with no flags, as Magento writes every GraphQL answer
/// (`Magento\Framework\Serialize\Serializer\Json::serialize`): `/` is written `\/`, every
/// non-ASCII character as `\uXXXX` (UTF-16), floats as PHP prints them. Key order is kept.
pub fn json_encode(value: &serde_json::Value) -> String {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PhpJson);
    // Serializing a Value into memory cannot fail, and PhpJson writes only ASCII.
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return String::from("null");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's compact output, with PHP's escaping and float format.
struct PhpJson;

impl serde_json::ser::Formatter for PhpJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut plain_from = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_ascii() && c != '/' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain_from..at])?;
            plain_from = at + c.len_utf8();
            if c == '/' {
                writer.write_all(b"\\/")?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        writer.write_all(&fragment.as_bytes()[plain_from..])
    }

    fn write_f64<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, value: f64) -> std::io::Result<()> {
        writer.write_all(php_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, value: f32) -> std::io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
}

/// A float as `json_encode` prints it with `serialize_precision = -1`: the shortest digits that
/// read back the same, positional from 1e-4 to below 1e17 (`1.0` as `1`), scientific otherwise
/// (`1.0e+25`, `1.0e-5`).
pub fn php_float(value: f64) -> String {
    if !value.is_finite() {
        // json_encode refuses these (Magento would fail); 0 is what it writes with PARTIAL_OUTPUT.
        return "0".into();
    }
    php_float_text(&format!("{value:e}"), 17, 'e')
}

/// PHP 8's `(string)` of a float: 14 significant digits (`precision`), scientific with `E` from
/// 1.0E+14 and below 0.0001.
pub fn php_float_string(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NAN".into()
        } else if value > 0.0 {
            "INF".into()
        } else {
            "-INF".into()
        };
    }
    php_float_text(&format!("{value:.13e}"), 14, 'E')
}

/// PHP's `smart_str_append_double`: `scientific` is Rust's `{:e}` of the value rounded as wanted
/// (`-1.2345e17`); positional when the exponent is in `-4..positional_below`, otherwise
/// `d.ddd<e>+x` with at least one fraction digit.
fn php_float_text(scientific: &str, positional_below: i32, e: char) -> String {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return format!("{sign}0");
    }
    if !(-4..positional_below).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}.{rest}{e}{exponent_sign}{}", exponent.abs());
    }
    let point = exponent + 1;
    if point <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat(point.unsigned_abs() as usize));
    }
    let point = point as usize;
    if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;
    use serde_json::json;

    /// Each expected string is what PHP 8.2's `json_encode` printed for the same value.
    #[test]
    fn writes_what_php_json_encode_writes() {
        assert_eq!(
            json_encode(&json!(["a/é😀\u{1}\u{7f}", "\"\\\n\t"])),
            "[\"a\\/\\u00e9\\ud83d\\ude00\\u0001\u{7f}\",\"\\\"\\\\\\n\\t\"]"
        );
        assert_eq!(json_encode(&json!({"b": [], "a": {}})), r#"{"b":[],"a":{}}"#);
        assert_eq!(
            json_encode(&json!("Request content type must be application/json")),
            r#""Request content type must be application\/json""#
        );
    }

    #[test]
    fn floats_as_php_prints_them() {
        let cases = [
            (1.0, "1"),
            (10.0, "10"),
            (1.5, "1.5"),
            (1e25, "1.0e+25"),
            (0.1, "0.1"),
            (-0.0, "-0"),
            (1e-7, "1.0e-7"),
            (1e14, "100000000000000"),
            (1e16, "10000000000000000"),
            (1e17, "1.0e+17"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.5e16, "15000000000000000"),
            (0.0001, "0.0001"),
            (0.00001, "1.0e-5"),
            (1.25e-5, "1.25e-5"),
            (2.5e300, "2.5e+300"),
            (-1.5e20, "-1.5e+20"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (value, php) in cases {
            assert_eq!(php_float(value), php, "{value:e}");
        }
    }
}
