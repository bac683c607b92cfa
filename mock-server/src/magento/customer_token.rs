//! Customer tokens as Magento 2.4.4+ issues them (`Magento\JwtUserToken\Model\Issuer`, read in
//! 2.4.7-p3): a JWS signed HS256, protected header `{"kid":"1","alg":"HS256"}`, claims `uid`
//! (the customer id), `utypid` (3, a customer), `iat` and `exp` (`webapi/jwtauth/customer_expiration`,
//! 60 minutes by default). Storefronts treat it as opaque, but some decode `exp` to plan a refresh.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

/// `UserContextInterface::USER_TYPE_CUSTOMER`.
const CUSTOMER_USER_TYPE: u8 = 3;

/// The token for `customer_id`, issued at `now` and valid until `expires`.
pub fn issue(customer_id: u32, now: OffsetDateTime, expires: OffsetDateTime, key: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"kid":"1","alg":"HS256"}"#);
    let claims = format!(
        r#"{{"uid":{customer_id},"utypid":{CUSTOMER_USER_TYPE},"iat":{},"exp":{}}}"#,
        now.unix_timestamp(),
        expires.unix_timestamp()
    );
    let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims));
    let signature = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; this arm cannot be reached.
        Err(_) => String::new(),
    };
    format!("{signing_input}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header and claims of a token a real 2.4.7-p3 store issued to customer 2.
    #[test]
    fn has_the_real_stores_header_and_claims() {
        let iat = OffsetDateTime::from_unix_timestamp(1_796_200_733).unwrap();
        let exp = OffsetDateTime::from_unix_timestamp(1_796_204_333).unwrap();
        let token = issue(2, iat, exp, b"key");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ");
        assert_eq!(parts[1], "eyJ1aWQiOjIsInV0eXBpZCI6MywiaWF0IjoxNzk2MjAwNzMzLCJleHAiOjE3OTYyMDQzMzN9");
        assert_eq!(parts[2].len(), 43);
    }
}
