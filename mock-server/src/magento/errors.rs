//! The error catalogue: every message a resolver can answer, with its category.
//!
//! The texts are Magento's own, byte for byte (see `magento-behaviour.md` sections 2, 3 and 6). The
//! resolvers and the docs refer to this one place.

use std::fmt;

/// `extensions.category` of a GraphQL error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Input,
    Authentication,
    Authorization,
    /// Validation and syntax errors up to 2.4.6.
    Graphql,
    /// An unexpected failure up to 2.4.6 (from 2.4.7 it has no `extensions`).
    Internal,
}

impl Category {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Input => "graphql-input",
            Self::Authentication => "graphql-authentication",
            Self::Authorization => "graphql-authorization",
            Self::Graphql => "graphql",
            Self::Internal => "internal",
        }
    }
}

/// A failure a resolver reports the way Magento does. async-graphql's `From<T: Display>` keeps
/// it as the error's source, where the renderer reads it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MagentoError {
    EmailRequired,
    EmailInvalid,
    /// requestPasswordResetEmail: unknown customer, throttled, or any core failure.
    CannotResetPassword,
    AccountLocked,
    TokenRequired,
    NewPasswordRequired,
    /// resetPassword: unknown customer (and, on 2.4.0 and 2.4.1, every core failure).
    CannotSetPassword,
    TokenMismatched,
    TokenExpired,
    PasswordSameAsEmail,
    PasswordTooLong,
    PasswordTooShort {
        minimum: usize,
    },
    PasswordEdgeWhitespace,
    PasswordTooFewClasses {
        required: usize,
    },
    /// generateCustomerToken: wrong password, throttled, locked or disabled alike.
    SignInIncorrect,
    SpecifyValue {
        field: &'static str,
    },
    CustomerNotAuthorized,
    IsEmailAvailableEmailRequired,
    IsEmailAvailableEmailInvalid,
    /// An unexpected failure: Magento hides the cause.
    Internal,
}

impl MagentoError {
    pub fn category(&self) -> Category {
        match self {
            Self::SignInIncorrect => Category::Authentication,
            Self::CustomerNotAuthorized => Category::Authorization,
            Self::Internal => Category::Internal,
            _ => Category::Input,
        }
    }
}

impl fmt::Display for MagentoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::EmailRequired => "You must specify an email address.",
            Self::EmailInvalid => "The email address has an invalid format.",
            Self::CannotResetPassword => "Cannot reset the customer's password",
            Self::AccountLocked => "The account is locked",
            Self::TokenRequired => "resetPasswordToken must be specified",
            Self::NewPasswordRequired => "newPassword must be specified",
            Self::CannotSetPassword => "Cannot set the customer's password",
            Self::TokenMismatched => "The password token is mismatched. Reset and try again.",
            Self::TokenExpired => "The password token is expired. Reset and try again.",
            Self::PasswordSameAsEmail => {
                "The password can't be the same as the email address. Create a new password and try again."
            }
            Self::PasswordTooLong => "Please enter a password with at most 256 characters.",
            Self::PasswordTooShort { minimum } => {
                return write!(
                    f,
                    "The password needs at least {minimum} characters. Create a new password and try again."
                );
            }
            Self::PasswordEdgeWhitespace => {
                "The password can't begin or end with a space. Verify the password and try again."
            }
            Self::PasswordTooFewClasses { required } => {
                return write!(
                    f,
                    "Minimum of different classes of characters in password is {required}. Classes of characters: Lower Case, Upper Case, Digits, Special Characters."
                );
            }
            Self::SignInIncorrect => {
                "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."
            }
            Self::SpecifyValue { field } => return write!(f, "Specify the \"{field}\" value."),
            Self::CustomerNotAuthorized => "The current customer isn't authorized.",
            Self::IsEmailAvailableEmailRequired => "Email must be specified",
            Self::IsEmailAvailableEmailInvalid => "Email is invalid",
            Self::Internal => "Internal server error",
        };
        f.write_str(text)
    }
}
