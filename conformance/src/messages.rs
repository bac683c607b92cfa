//! The documented message catalogue (magento-behaviour.md sections 2, 3, 6 and 8), written out
//! from the documentation: the suite's own copy, never the mock's.

pub const EMPTY_EMAIL: &str = "You must specify an email address.";
pub const INVALID_EMAIL: &str = "The email address has an invalid format.";
pub const CANNOT_RESET: &str = "Cannot reset the customer's password";
pub const LOCKED: &str = "The account is locked";
pub const EMPTY_TOKEN: &str = "resetPasswordToken must be specified";
pub const EMPTY_PASSWORD: &str = "newPassword must be specified";
pub const CANNOT_SET: &str = "Cannot set the customer's password";
pub const TOKEN_MISMATCHED: &str = "The password token is mismatched. Reset and try again.";
pub const TOKEN_EXPIRED: &str = "The password token is expired. Reset and try again.";
pub const SAME_AS_EMAIL: &str =
    "The password can't be the same as the email address. Create a new password and try again.";
pub const TOO_LONG: &str = "Please enter a password with at most 256 characters.";
pub const TOO_SHORT: &str = "The password needs at least 8 characters. Create a new password and try again.";
pub const EDGE_WHITESPACE: &str = "The password can't begin or end with a space. Verify the password and try again.";
pub const TOO_FEW_CLASSES: &str = "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.";
pub const SIGN_IN_FAILED: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";
pub const INTERNAL: &str = "Internal server error";

/// Every message `requestPasswordResetEmail` may answer with (section 2, 8.2).
pub const REQUEST_MESSAGES: [&str; 5] = [EMPTY_EMAIL, INVALID_EMAIL, CANNOT_RESET, LOCKED, INTERNAL];

/// The documented reset subject with the store's name.
pub fn subject(store_name: &str) -> String {
    format!("Reset your {store_name} password")
}

/// The phrases the documented "Forgot Password" template puts in the body (section 9).
pub const BODY_PHRASES: [&str; 4] = [
    "There was recently a request to change the password for your account.",
    "If you requested this change, set a new password here:",
    "Set a New Password",
    "If you did not make this request, you can ignore this email and your password will remain the same.",
];

/// Row 11 with the store's minimum length (`storeConfig.minimum_password_length`).
pub fn too_short(minimum: usize) -> String {
    format!("The password needs at least {minimum} characters. Create a new password and try again.")
}

/// Row 13 with the store's number of classes (`storeConfig.required_character_classes_number`).
pub fn too_few_classes(classes: usize) -> String {
    format!(
        "Minimum of different classes of characters in password is {classes}. Classes of characters: Lower Case, Upper Case, Digits, Special Characters."
    )
}
