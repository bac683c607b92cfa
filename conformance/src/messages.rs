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

// The account area (magento-account-area.md sections 1 to 4, 8), as the real 2.4.7-p3 store
// answered them (fixtures/real-store/2.4.7-p3-account-area.jsonl).

/// `createCustomer*` with an address already registered (section 1.2 row 9: graphql-input there,
/// graphql-already-exists in `updateCustomerEmail`).
pub const DUPLICATE_EMAIL: &str = "A customer with the same email address already exists in an associated website.";
pub const NOT_AUTHORIZED: &str = "The current customer isn't authorized.";
pub const INVALID_LOGIN: &str = "Invalid login or password.";
/// `GetCustomer` and the lockout (section 2.3), with its period (the reset mutations' has none).
pub const ACCOUNT_LOCKED: &str = "The account is locked.";
pub const SPECIFY_CURRENT: &str = "Specify the \"currentPassword\" value.";
pub const SPECIFY_NEW: &str = "Specify the \"newPassword\" value.";
pub const INPUT_REQUIRED: &str = "\"input\" value should be specified";
pub const EMAIL_MUST_BE_SPECIFIED: &str = "Email must be specified";
pub const EMAIL_IS_INVALID: &str = "Email is invalid";
pub const CART_SIGNED_IN_ONLY: &str = "The request is allowed for logged in customer";
pub const CART_ID_LENGTH: &str = "Cart ID length should to be 32 symbols.";
pub const CART_INACTIVE: &str = "The cart isn't active.";
pub const SOURCE_CART_MISSING: &str = "Required parameter \"source_cart_id\" is missing";
pub const DESTINATION_CART_EMPTY: &str = "The parameter \"destination_cart_id\" cannot be empty";
pub const CART_ID_MISSING: &str = "Required parameter \"cart_id\" is missing";

/// Section 1.2 row 4 (2.4.7 and before): `Required parameters are missing: First Name, Last Name`.
pub fn required_missing(labels: &[&str]) -> String {
    format!("Required parameters are missing: {}", labels.join(", "))
}

/// Section 1.4 (2.4.8): the EAV validator's `"First Name" is a required value.`
pub fn required_value(label: &str) -> String {
    format!("\"{label}\" is a required value.")
}

pub fn not_a_valid_email(email: &str) -> String {
    format!("\"{email}\" is not a valid email address.")
}

pub fn not_a_valid_gender(gender: i64) -> String {
    format!("\"{gender}\" is not a valid gender value.")
}

pub fn no_such_cart(id: &str) -> String {
    format!("Could not find a cart with ID \"{id}\"")
}

pub fn cart_not_yours(id: &str) -> String {
    format!("The current user cannot perform operations on cart \"{id}\"")
}

pub fn cart_exists(id: &str) -> String {
    format!("Cart with ID \"{id}\" already exists.")
}
