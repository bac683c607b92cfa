//! Laminas' own Punycode decoder (`Hostname::decodePunycode()`), with PHP's arithmetic.
//!
//! For the Punycode that ICU writes this is an ordinary RFC 3492 decoder. It also runs on
//! labels ICU refused (Laminas then gets the raw domain), and there it differs: it checks
//! nothing but `^[a-z0-9-]+$` (so one trailing line feed passes and decodes as the digit -12),
//! stops quietly at a truncated delta, lets integers overflow into floats, and writes into a
//! PHP array whose keys can go negative. All of that is reproduced, because a label that
//! decodes to something in an IDN table is accepted.

/// What `decodePunycode()` gives back.
#[derive(Debug, PartialEq)]
pub(super) enum Decoded {
    /// The decoded bytes (not always UTF-8).
    Bytes(Vec<u8>),
    /// `false`: the input is not Punycode-shaped or a code point is too large.
    Refused,
    /// PHP throws (`DivisionByZeroError`, or a `TypeError` from `chr()`): no verdict at all.
    Threw,
}

/// 2^63: floats from -2^63 up to (not including) this fit a PHP int.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// A PHP number: integers overflow into floats, and floats go back through `(int)`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    fn add(self, other: Num) -> Num {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.checked_add(b).map_or(Num::Float(a as f64 + b as f64), Num::Int),
            _ => Num::Float(self.as_f64() + other.as_f64()),
        }
    }

    fn sub(self, other: Num) -> Num {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.checked_sub(b).map_or(Num::Float(a as f64 - b as f64), Num::Int),
            _ => Num::Float(self.as_f64() - other.as_f64()),
        }
    }

    fn mul(self, other: Num) -> Num {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.checked_mul(b).map_or(Num::Float(a as f64 * b as f64), Num::Int),
            _ => Num::Float(self.as_f64() * other.as_f64()),
        }
    }

    /// PHP's `/`: an integer when it divides exactly, else a float; `None` for division by zero.
    fn div(self, other: Num) -> Option<Num> {
        match (self, other) {
            (_, Num::Int(0)) => None,
            (_, Num::Float(0.0)) => None,
            (Num::Int(a), Num::Int(b)) if a.checked_rem(b) == Some(0) => a.checked_div(b).map(Num::Int),
            _ => Some(Num::Float(self.as_f64() / other.as_f64())),
        }
    }

    /// PHP's `(int)`: floats out of range wrap modulo 2^64, NaN and infinities give 0.
    fn to_int(self) -> i64 {
        match self {
            Num::Int(i) => i,
            Num::Float(f) if !f.is_finite() => 0,
            Num::Float(f) => {
                if (-TWO_POW_63..TWO_POW_63).contains(&f) {
                    return f as i64;
                }
                let two_pow_64 = 2.0 * TWO_POW_63;
                let mut wrapped = f % two_pow_64;
                if wrapped < 0.0 {
                    wrapped += two_pow_64;
                }
                if wrapped >= TWO_POW_63 {
                    wrapped -= two_pow_64;
                }
                wrapped as i64
            }
        }
    }
}

/// A PHP array with integer keys: insertion-ordered, and reading a missing key gives `null`.
#[derive(Default)]
struct PhpList {
    entries: Vec<(i64, Option<Num>)>,
}

impl PhpList {
    fn get(&self, key: i64) -> Option<Num> {
        self.entries.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v)
    }

    fn set(&mut self, key: i64, value: Option<Num>) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

/// `decodePunycode($encoded)`, `$encoded` being a label without its `xn--`.
pub(super) fn decode(encoded: &[u8]) -> Decoded {
    // `/^[a-z0-9-]+$/i`, where `$` also matches before a final line feed.
    let body = encoded.strip_suffix(b"\n").unwrap_or(encoded);
    if body.is_empty() || !body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
        return Decoded::Refused;
    }
    match decode_code_points(encoded) {
        Some(list) => to_utf8_bytes(&list),
        None => Decoded::Threw,
    }
}

/// The decoding loop, step by step as PHP runs it; `None` when PHP throws.
fn decode_code_points(encoded: &[u8]) -> Option<PhpList> {
    let mut decoded = PhpList::default();
    let separator = encoded.iter().rposition(|b| *b == b'-');
    if let Some(separator) = separator.filter(|s| *s > 0) {
        for (key, byte) in (0..).zip(&encoded[..separator]) {
            decoded.set(key, Some(Num::Int(i64::from(*byte))));
        }
    }
    let mut decoded_len = decoded.entries.len() as i64;
    let mut init = true;
    let mut base: i64 = 72;
    let mut index = Num::Int(0);
    let mut char_value = Num::Int(0x80);
    let mut next = separator.map_or(0, |s| s + 1);
    'decoding: while next < encoded.len() {
        let old_index = index;
        let mut pos = Num::Int(1);
        let mut key: i64 = 36;
        loop {
            let Some(&byte) = encoded.get(next) else {
                break 'decoding;
            };
            next += 1;
            let hex = i64::from(byte);
            let digit = if hex - 48 < 10 {
                hex - 22
            } else if hex - 65 < 26 {
                hex - 65
            } else if hex - 97 < 26 {
                hex - 97
            } else {
                36
            };
            index = index.add(Num::Int(digit).mul(pos));
            let tag = if key <= base {
                1
            } else if key >= base + 26 {
                26
            } else {
                key - base
            };
            if digit < tag {
                break;
            }
            pos = Num::Int(pos.mul(Num::Int(36 - tag)).to_int());
            key += 36;
        }
        let damp = if init { 700 } else { 2 };
        let mut delta = Num::Int(index.sub(old_index).div(Num::Int(damp))?.to_int());
        delta = delta.add(Num::Int(delta.div(Num::Int(decoded_len + 1))?.to_int()));
        let mut key: i64 = 0;
        while delta.as_f64() > 455.0 {
            delta = Num::Int(delta.div(Num::Int(35))?.to_int());
            key += 36;
        }
        // `$delta + 38` is zero only on the broken input a trailing line feed makes: PHP throws.
        let scaled = Num::Int(36).mul(delta).div(delta.add(Num::Int(38)))?;
        base = Num::Int(key).add(scaled).to_int();
        init = false;
        char_value = char_value.add(Num::Int(index.div(Num::Int(decoded_len + 1))?.to_int()));
        let slot = index.to_int() % (decoded_len + 1);
        let mut i = decoded_len;
        while i > slot {
            decoded.set(i, decoded.get(i - 1));
            i -= 1;
        }
        decoded.set(slot, Some(char_value));
        index = Num::Int(slot + 1);
        decoded_len += 1;
    }
    Some(decoded)
}

/// The final loop: each value as UTF-8-shaped bytes (surrogates and values up to 2^21 too).
fn to_utf8_bytes(list: &PhpList) -> Decoded {
    let mut bytes = Vec::with_capacity(list.entries.len() * 3);
    for (_, value) in &list.entries {
        // `null < 128` holds in PHP, and `chr(null)` is "\0".
        let value = value.unwrap_or(Num::Int(0));
        let number = match value {
            Num::Int(i) => i,
            // `chr()` throws a TypeError for a float that does not fit an int.
            Num::Float(f) if f < 128.0 && !(-TWO_POW_63..TWO_POW_63).contains(&f) => {
                return Decoded::Threw;
            }
            Num::Float(f) if f < f64::from(1 << 21) => f as i64,
            // Too large (or NaN): the `else` branch, `return false`.
            Num::Float(_) => return Decoded::Refused,
        };
        // Every byte below is kept to its low 8 bits, as `chr()` does.
        let byte = |n: i64| (n & 0xff) as u8;
        if number < 128 {
            bytes.push(byte(number));
        } else if number < 1 << 11 {
            bytes.extend([byte(192 + (number >> 6)), byte(128 + (number & 63))]);
        } else if number < 1 << 16 {
            bytes.extend([byte(224 + (number >> 12)), byte(128 + ((number >> 6) & 63)), byte(128 + (number & 63))]);
        } else if number < 1 << 21 {
            bytes.extend([
                byte(240 + (number >> 18)),
                byte(128 + ((number >> 12) & 63)),
                byte(128 + ((number >> 6) & 63)),
                byte(128 + (number & 63)),
            ]);
        } else {
            return Decoded::Refused;
        }
    }
    Decoded::Bytes(bytes)
}
