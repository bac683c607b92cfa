//! Randomness comes from one place: the thread's CSPRNG (rand's `ThreadRng`, seeded from the OS),
//! or a seeded generator with `--seed` so that tokens and message ids repeat from run to run.
//!
//! Not `OsRng` on every draw: that was three `getrandom` system calls per reset request, the
//! largest share of the kernel time the mock spent beyond the bare hyper ceiling (strace, BENCHMARKS.md).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

const ALPHANUMERIC: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const _: () = assert!(ALPHANUMERIC.is_ascii());

/// Each random byte's character, or 0 for the bytes rejection sampling drops (248 and up:
/// 248 = 4 * 62, so the kept ones map uniformly). One lookup a byte instead of a comparison, a
/// modulo and a lookup: three ids are drawn on every reset.
const CHAR_OF_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 248 {
        table[byte] = ALPHANUMERIC[byte % 62];
        byte += 1;
    }
    table
};

/// Maps `drawn` into `kept` and answers how many were kept. Every byte is written and only the
/// kept ones counted: no branch per byte.
fn keep_alphanumeric(drawn: &[u8], kept: &mut [u8]) -> usize {
    let mut count = 0;
    for &byte in drawn {
        let char = CHAR_OF_BYTE[usize::from(byte)];
        kept[count] = char;
        count += usize::from(char != 0);
    }
    count
}

thread_local! {
    /// Characters drawn ahead for this thread's unseeded ids (see [`take_drawn_ahead`]).
    static AHEAD: RefCell<String> = const { RefCell::new(String::new()) };
}

/// `read` of `len` characters from the thread's characters drawn ahead, drawing more as needed;
/// the characters read are used up. A reset request takes three ids (78 characters): one fill
/// and one mapping for several requests cost about 1,300 instructions a request where a fill
/// and a mapping for each id cost 2,260 (callgrind, BENCHMARKS.md's tenth pass). ThreadRng
/// buffers its output per thread the same way; these are as secret as that.
fn take_drawn_ahead<R>(len: usize, read: impl FnOnce(&str) -> R) -> R {
    AHEAD.with_borrow_mut(|ahead| {
        while ahead.len() < len {
            draw_ahead(ahead);
        }
        let from = ahead.len() - len;
        let taken = read(&ahead[from..]);
        ahead.truncate(from);
        taken
    })
}

/// Appends to `ahead` from the thread's CSPRNG, as [`Random::fill`] draws. 248 of the 256 byte
/// values are kept, so a refill is never empty in practice and the loop above goes on.
fn draw_ahead(ahead: &mut String) {
    let mut drawn = [0u8; 256];
    let mut kept = [0u8; 256];
    rand::rng().fill_bytes(&mut drawn);
    let count = keep_alphanumeric(&drawn, &mut kept);
    // Table characters only, ASCII (asserted where the table is made), so the check passes.
    // It costs about 60 instructions a request; pushing each byte as a `char` cost 1,600, and
    // `from_utf8_lossy` 560.
    if let Ok(text) = std::str::from_utf8(&kept[..count]) {
        ahead.push_str(text);
    }
}

#[derive(Debug)]
pub struct Random {
    // std Mutex: held for a few nanoseconds, never across an await.
    seeded: Option<Mutex<ChaCha20Rng>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the random generator failed: {0}")]
pub struct RandomError(String);

impl Random {
    pub fn from_os() -> Self {
        Self { seeded: None }
    }

    pub fn seeded(seed: u64) -> Self {
        Self { seeded: Some(Mutex::new(ChaCha20Rng::seed_from_u64(seed))) }
    }

    /// `len` characters drawn uniformly from `[A-Za-z0-9]`, as Magento's `Math\Random` does.
    pub fn alphanumeric(&self, len: usize) -> Result<String, RandomError> {
        let mut out = String::with_capacity(len);
        self.push_alphanumeric(&mut out, len)?;
        Ok(out)
    }

    /// [`Random::alphanumeric`] as a shared string, for an id several owners keep (one allocation).
    pub fn shared_alphanumeric(&self, len: usize) -> Result<Arc<str>, RandomError> {
        match &self.seeded {
            Some(_) => self.alphanumeric(len).map(Arc::from),
            None => Ok(take_drawn_ahead(len, |drawn| Arc::from(drawn))),
        }
    }

    /// [`Random::alphanumeric`] appended to `out`, for ids with a fixed suffix (one allocation).
    pub fn push_alphanumeric(&self, out: &mut String, len: usize) -> Result<(), RandomError> {
        match &self.seeded {
            Some(_) => self.push_seeded(out, len),
            None => {
                take_drawn_ahead(len, |drawn| out.push_str(drawn));
                Ok(())
            }
        }
    }

    /// A seeded draw: 64 bytes at a time, the first `len` kept characters taken and the rest
    /// dropped, as seeded runs always have (their tokens must repeat).
    fn push_seeded(&self, out: &mut String, len: usize) -> Result<(), RandomError> {
        let mut left = len;
        let mut drawn = [0u8; 64];
        while left > 0 {
            self.fill(&mut drawn)?;
            let mut kept = [0u8; 64];
            let count = keep_alphanumeric(&drawn, &mut kept).min(left);
            let ascii = std::str::from_utf8(&kept[..count]).map_err(|e| RandomError(e.to_string()))?;
            out.push_str(ascii);
            left -= count;
        }
        Ok(())
    }

    /// `bytes` random bytes as lower-case hex (Magento's error report numbers are 64 of these).
    pub fn hex(&self, bytes: usize) -> Result<String, RandomError> {
        let mut buf = vec![0u8; bytes];
        self.fill(&mut buf)?;
        Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        match &self.seeded {
            Some(rng) => {
                let mut rng = rng.lock().map_err(|e| RandomError(e.to_string()))?;
                rng.fill_bytes(buf);
                Ok(())
            }
            None => {
                // ChaCha12, reseeded from the OS every 64 KiB: cryptographically secure, as
                // PHP's `random_int` behind Magento's `Math\Random` is.
                rand::rng().fill_bytes(buf);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_magentos_shape() {
        let token = Random::from_os().alphanumeric(32).unwrap();
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    /// Draws longer than what is drawn ahead, and many short ones, owned or shared, keep their
    /// length and alphabet.
    #[test]
    fn draws_across_refills_keep_their_shape() {
        let random = Random::from_os();
        let mut seen = std::collections::HashSet::new();
        for (draw, len) in [1, 22, 24, 32, 247, 248, 600].into_iter().cycle().take(70).enumerate() {
            let drawn = match draw % 2 {
                0 => random.alphanumeric(len).unwrap(),
                _ => random.shared_alphanumeric(len).unwrap().to_string(),
            };
            assert_eq!(drawn.len(), len);
            assert!(drawn.bytes().all(|b| b.is_ascii_alphanumeric()), "{drawn}");
            if len >= 22 {
                assert!(seen.insert(drawn), "a {len}-character draw repeated");
            }
        }
    }

    // What `Random::seeded(7)` drew when this test was written.
    const EXPECTED_32: &str = "zhmN7ufuzhCwnImsT71js59czHRqRk6E";
    const EXPECTED_100: &str =
        "8hk1NTD2qEZtumvMA1JP6oTEqoiU8vOhhIwNMOQQNiDOtsntNiAeIHplwEJrdLcQCbjGVS4hgiMO7H4j3W2xj6JcqdVxLP1TGApM";

    /// The characters a seeded run has always drawn (the goldens recorded with `--seed` rely on it).
    #[test]
    fn a_seeded_draw_is_what_it_was() {
        let random = Random::seeded(7);
        let drawn = [random.alphanumeric(32).unwrap(), random.alphanumeric(100).unwrap()];
        assert_eq!(drawn, [EXPECTED_32, EXPECTED_100]);
    }

    #[test]
    fn the_same_seed_gives_the_same_tokens() {
        let (a, b) = (Random::seeded(7), Random::seeded(7));
        assert_eq!(a.alphanumeric(32).unwrap(), b.alphanumeric(32).unwrap());
        assert_ne!(a.alphanumeric(32).unwrap(), Random::seeded(8).alphanumeric(32).unwrap());
    }
}
