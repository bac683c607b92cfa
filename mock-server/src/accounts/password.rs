//! Stored passwords: Argon2id, as Magento 2.4 stores them, with a cost kept low so that signing
//! in stays fast in a test double.

use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 8 KiB of memory, one pass, one lane: the smallest Argon2 allows.
const MEMORY_KIB: u32 = 8;
const PASSES: u32 = 1;
const LANES: u32 = 1;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct PasswordHash {
    salt: [u8; 16],
    hash: [u8; 32],
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(argon2id)")
    }
}

impl PasswordHash {
    /// Hashes `password` for the account `email` (the salt is derived from the email, so
    /// equal passwords of different accounts differ).
    pub fn new(email: &str, password: &str) -> Self {
        let digest = Sha256::digest(format!("mock-server salt\0{}", email.to_lowercase()));
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&digest[..16]);
        Self { salt, hash: derive(password, &salt) }
    }

    /// Timing-safe.
    pub fn matches(&self, candidate: &str) -> bool {
        bool::from(derive(candidate, &self.salt).ct_eq(&self.hash))
    }
}

fn derive(password: &str, salt: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // These parameters are within Argon2's limits, so neither step can fail; a failure would
    // leave an all-zero hash that no password matches.
    if let Ok(params) = Params::new(MEMORY_KIB, PASSES, LANES, Some(out.len())) {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        if argon2.hash_password_into(password.as_bytes(), salt, &mut out).is_err() {
            out = [0u8; 32];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_password_matches_and_nothing_is_kept_in_clear() {
        let hash = PasswordHash::new("a@example.com", "Secret-123");
        assert!(hash.matches("Secret-123"));
        assert!(!hash.matches("secret-123"));
        assert!(!hash.matches(""));
        assert_ne!(hash.hash, PasswordHash::new("b@example.com", "Secret-123").hash, "salted per account");
        assert!(!format!("{hash:?}").contains("Secret"));
    }
}
