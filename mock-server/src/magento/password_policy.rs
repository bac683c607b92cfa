//! The store's password policy, checked in Magento's order (rows 9 to 13 of section 3).

use super::errors::MagentoError;
use super::php;

/// `customer/password/minimum_password_length` and `required_character_classes_number`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: usize,
    pub required_classes: usize,
}

/// Magento refuses longer passwords whatever the store's settings.
pub const MAXIMUM_LENGTH: usize = 256;

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { minimum_length: 8, required_classes: 3 }
    }
}

impl PasswordPolicy {
    /// The first rule `password` breaks for the customer `email`, in Magento's order.
    pub fn check(&self, email: &str, password: &str) -> Result<(), MagentoError> {
        check_different_from_email(email, password)?;
        self.check_strength(password)
    }

    /// `checkPasswordStrength` alone: sign-up runs it before the email rule.
    pub fn check_strength(&self, password: &str) -> Result<(), MagentoError> {
        let length = password.chars().count();
        if length > MAXIMUM_LENGTH {
            return Err(MagentoError::PasswordTooLong);
        }
        if length < self.minimum_length {
            return Err(MagentoError::PasswordTooShort { minimum: self.minimum_length });
        }
        if password.starts_with(php::is_trim_char) || password.ends_with(php::is_trim_char) {
            return Err(MagentoError::PasswordEdgeWhitespace);
        }
        if character_classes(password) < self.required_classes {
            return Err(MagentoError::PasswordTooFewClasses { required: self.required_classes });
        }
        Ok(())
    }
}

/// `checkPasswordDifferentFromEmail`: `strcasecmp`, ASCII case folding only.
pub fn check_different_from_email(email: &str, password: &str) -> Result<(), MagentoError> {
    if password.eq_ignore_ascii_case(email) {
        return Err(MagentoError::PasswordSameAsEmail);
    }
    Ok(())
}

/// How many of lower `[a-z]`, upper `[A-Z]`, digits and special (anything else, non-ASCII
/// letters included) appear in `password`.
fn character_classes(password: &str) -> usize {
    let (mut lower, mut upper, mut digit, mut special) = (false, false, false, false);
    for c in password.chars() {
        match c {
            'a'..='z' => lower = true,
            'A'..='Z' => upper = true,
            '0'..='9' => digit = true,
            _ => special = true,
        }
    }
    [lower, upper, digit, special].into_iter().filter(|&present| present).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Result<(), MagentoError> {
        PasswordPolicy::default().check("roni_cost@example.com", password)
    }

    #[test]
    fn documented_examples() {
        assert_eq!(check("new_password"), Err(MagentoError::PasswordTooFewClasses { required: 3 }));
        assert_eq!(check("new_password123"), Ok(()));
        assert_eq!(check("new_"), Err(MagentoError::PasswordTooShort { minimum: 8 }));
    }

    #[test]
    fn the_email_is_compared_ascii_case_insensitively_before_length() {
        assert_eq!(check("RONI_COST@example.com"), Err(MagentoError::PasswordSameAsEmail));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(check(&"é".repeat(256)), Err(MagentoError::PasswordTooFewClasses { required: 3 }));
        assert_eq!(check(&"é".repeat(257)), Err(MagentoError::PasswordTooLong));
    }

    #[test]
    fn whitespace_at_either_end_is_refused_after_the_length_check() {
        for p in [" Abcdef12", "Abcdef12\t", "Abcdef12\0", "\x0BAbcdef12"] {
            assert_eq!(check(p), Err(MagentoError::PasswordEdgeWhitespace), "{p:?}");
        }
        assert_eq!(check(" a"), Err(MagentoError::PasswordTooShort { minimum: 8 }));
    }

    #[test]
    fn non_ascii_letters_count_as_special() {
        assert_eq!(check("passwordÄ1"), Ok(()));
    }
}
