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
    NoSuchEntity,
    AlreadyExists,
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
            Self::NoSuchEntity => "graphql-no-such-entity",
            Self::AlreadyExists => "graphql-already-exists",
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
    // The account area (`magento-account-area.md` sections 1 to 4).
    /// `"input" value should be specified`.
    InputRequired,
    /// `Required parameters are missing: First Name, Last Name, Email`.
    RequiredParametersMissing(String),
    /// `"x" is not a valid email address.` (the customer model's validator).
    NotAValidEmailAddress(String),
    NotAValidGender(String),
    /// The customer save's validators (`First Name is not valid!`, ...), joined with newlines.
    SaveRejected(String),
    /// 2.4.8's sign-up without an email (`AccountManagement::createAccount`).
    EmailRequiredToCreate,
    /// Sign-up with an email an account has: an input error there.
    EmailTakenOnCreate,
    /// Changing to an email another account has: `graphql-already-exists` there.
    EmailTakenOnUpdate,
    /// A wrong current password (`Magento\Customer\Model\Authentication`).
    InvalidLoginOrPassword,
    /// The account lock, as `GetCustomer` and `Authentication` word it (with a period).
    AccountIsLocked,
    ProvidePasswordToChangeEmail,
    // Carts (`magento-account-area.md` section 8).
    /// `customerCart` for a guest.
    LoggedInCustomerOnly,
    CartNotFound(String),
    CartNotActive,
    CartNotYours(String),
    /// `Required parameter "cart_id" is missing`.
    RequiredParameter(&'static str),
    /// `The parameter "destination_cart_id" cannot be empty`.
    ParameterEmpty(&'static str),
    CartIdLength,
    CartIdTaken(String),
    /// A mutation of a form the store guards with reCAPTCHA, without a valid `X-ReCaptcha`.
    RecaptchaFailed,
    // Confirmation-required stores (`magento-account-area.md` section 1.5).
    /// `confirmEmail`: an unknown account, or any failure the resolver does not name.
    ConfirmationFailed,
    AccountAlreadyActive,
    ConfirmationKeyInvalid,
    /// `confirmation_status` asked without a signed-in customer (`getConfirmationStatus(0)`).
    NoSuchCustomerIdZero,
    // `resendConfirmationEmail` (2.4.8-beta1 `CGQL/Model/Resolver/ResendConfirmationEmail.php`).
    /// Its `EmailAddress` validator refuses the address.
    ResendEmailInvalid,
    /// `NoSuchEntityException` from `AccountManagement::resendConfirmation`.
    ResendNoSuchCustomer,
    /// `InvalidTransitionException`'s raw message: the account needs no confirmation.
    ConfirmationNotNeeded,
    /// Any other exception of `resendConfirmation`.
    ResendFailed,
    /// `recaptchaFormConfig`'s catch-all (2.4.8-beta1 `ReCaptchaFormConfig.php`).
    RecaptchaConfigUnavailable,
    /// An unexpected failure: Magento hides the cause.
    Internal,
}

impl MagentoError {
    pub fn category(&self) -> Category {
        match self {
            Self::SignInIncorrect | Self::InvalidLoginOrPassword | Self::AccountIsLocked => Category::Authentication,
            Self::CustomerNotAuthorized | Self::LoggedInCustomerOnly | Self::CartNotYours(_) => Category::Authorization,
            Self::CartNotFound(_) | Self::CartNotActive => Category::NoSuchEntity,
            Self::EmailTakenOnUpdate | Self::CartIdTaken(_) => Category::AlreadyExists,
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
            Self::RecaptchaFailed => "ReCaptcha validation failed, please try again",
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
            Self::InputRequired => "\"input\" value should be specified",
            Self::RequiredParametersMissing(labels) => {
                return write!(f, "Required parameters are missing: {labels}");
            }
            Self::NotAValidEmailAddress(email) => return write!(f, "\"{email}\" is not a valid email address."),
            Self::NotAValidGender(gender) => return write!(f, "\"{gender}\" is not a valid gender value."),
            Self::SaveRejected(messages) => messages,
            Self::EmailRequiredToCreate => "The email address is required to create a customer account.",
            Self::EmailTakenOnCreate | Self::EmailTakenOnUpdate => {
                "A customer with the same email address already exists in an associated website."
            }
            Self::InvalidLoginOrPassword => "Invalid login or password.",
            Self::AccountIsLocked => "The account is locked.",
            Self::ProvidePasswordToChangeEmail => "Provide the current \"password\" to change \"email\".",
            Self::LoggedInCustomerOnly => "The request is allowed for logged in customer",
            Self::CartNotFound(id) => return write!(f, "Could not find a cart with ID \"{id}\""),
            Self::CartNotActive => "The cart isn't active.",
            Self::CartNotYours(id) => return write!(f, "The current user cannot perform operations on cart \"{id}\""),
            Self::RequiredParameter(name) => return write!(f, "Required parameter \"{name}\" is missing"),
            Self::ParameterEmpty(name) => return write!(f, "The parameter \"{name}\" cannot be empty"),
            Self::CartIdLength => "Cart ID length should to be 32 symbols.",
            Self::CartIdTaken(id) => return write!(f, "Cart with ID \"{id}\" already exists."),
            Self::ConfirmationFailed => "There was an error confirming the account",
            Self::AccountAlreadyActive => "The account is already active.",
            Self::ConfirmationKeyInvalid => "The confirmation token is invalid. Verify the token and try again.",
            Self::NoSuchCustomerIdZero => "No such entity with customerId = 0",
            Self::ResendEmailInvalid => "Email address is not valid",
            Self::ResendNoSuchCustomer => "There is no user registered with that email address.",
            Self::ConfirmationNotNeeded => "Confirmation isn't needed.",
            Self::ResendFailed => "There was an error when sending the confirmation email",
            Self::RecaptchaConfigUnavailable => "Configuration for provided captcha type can not be retrieved.",
            Self::Internal => "Internal server error",
        };
        f.write_str(text)
    }
}
