//! Scripted states: outcomes a storefront can ask for on demand, and faults of the transport.

pub mod faults;
pub mod plan;
pub mod rules;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The magic domain: `<state>@scenario.test` answers that state with no set-up (RFC 2606
/// reserves `.test`, so no real customer collides).
pub const MAGIC_DOMAIN: &str = "scenario.test";

/// A state a request can be made to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// The mutation succeeds (a reset request captures an email).
    Ok,
    /// As if no account had the email.
    Unknown,
    Locked,
    Throttled,
    /// The mail transport fails: the request answers `false`, no email is captured.
    MailFailure,
    /// Magento's `Internal server error`.
    InternalError,
    /// The answer is held back this long, then given as usual.
    Delay(Duration),
    Http500,
    Http502,
    Http503,
    ConnectionReset,
    MalformedJson,
}

impl State {
    /// Faults happen at the transport instead of in the resolver.
    pub fn is_transport_fault(self) -> bool {
        match self {
            Self::Ok | Self::Unknown | Self::Locked | Self::Throttled | Self::MailFailure | Self::InternalError => {
                false
            }
            Self::Delay(_)
            | Self::Http500
            | Self::Http502
            | Self::Http503
            | Self::ConnectionReset
            | Self::MalformedJson => true,
        }
    }

    /// Whether the mail transport fails: an operation that mails answers without sending.
    pub fn fails_mail(self) -> bool {
        match self {
            Self::MailFailure => true,
            Self::Ok
            | Self::Unknown
            | Self::Locked
            | Self::Throttled
            | Self::InternalError
            | Self::Delay(_)
            | Self::Http500
            | Self::Http502
            | Self::Http503
            | Self::ConnectionReset
            | Self::MalformedJson => false,
        }
    }

    /// The state a magic address asks for: `locked@scenario.test`, `delay-3000@scenario.test`.
    pub fn from_magic_address(email: &str) -> Option<Self> {
        let (local, domain) = crate::magento::email_address::split_at_last_at(email)?;
        if !domain.eq_ignore_ascii_case(MAGIC_DOMAIN) {
            return None;
        }
        local.parse().ok()
    }
}

/// Delays above this are refused, so a typo cannot park a connection for hours.
pub const MAX_DELAY: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown state {0:?}: expected ok, unknown, locked, throttled, mail-failure, internal-error, delay-<ms> (up to 300000), http-500, http-502, http-503, connection-reset or malformed-json"
)]
pub struct UnknownState(pub String);

impl FromStr for State {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let state = match s {
            "ok" => Self::Ok,
            "unknown" => Self::Unknown,
            "locked" => Self::Locked,
            "throttled" => Self::Throttled,
            "mail-failure" => Self::MailFailure,
            "internal-error" => Self::InternalError,
            "http-500" => Self::Http500,
            "http-502" => Self::Http502,
            "http-503" => Self::Http503,
            "connection-reset" => Self::ConnectionReset,
            "malformed-json" => Self::MalformedJson,
            other => {
                let millis = other
                    .strip_prefix("delay-")
                    .and_then(|ms| ms.parse::<u64>().ok())
                    .map(Duration::from_millis)
                    .filter(|d| *d <= MAX_DELAY);
                return millis.map(Self::Delay).ok_or_else(|| UnknownState(s.to_owned()));
            }
        };
        Ok(state)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Ok => "ok",
            Self::Unknown => "unknown",
            Self::Locked => "locked",
            Self::Throttled => "throttled",
            Self::MailFailure => "mail-failure",
            Self::InternalError => "internal-error",
            Self::Delay(d) => return write!(f, "delay-{}", d.as_millis()),
            Self::Http500 => "http-500",
            Self::Http502 => "http-502",
            Self::Http503 => "http-503",
            Self::ConnectionReset => "connection-reset",
            Self::MalformedJson => "malformed-json",
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_name_round_trips() {
        for name in [
            "ok",
            "unknown",
            "locked",
            "throttled",
            "mail-failure",
            "internal-error",
            "delay-3000",
            "http-500",
            "http-502",
            "http-503",
            "connection-reset",
            "malformed-json",
        ] {
            assert_eq!(name.parse::<State>().unwrap().to_string(), name);
        }
        for bad in ["", "OK", "delay-", "delay-x", "delay-300001", "http-404"] {
            assert!(bad.parse::<State>().is_err(), "{bad}");
        }
    }

    #[test]
    fn magic_addresses_name_their_state() {
        assert_eq!(State::from_magic_address("locked@scenario.test"), Some(State::Locked));
        assert_eq!(State::from_magic_address("mail-failure@SCENARIO.test"), Some(State::MailFailure));
        assert_eq!(State::from_magic_address("locked@example.com"), None);
        assert_eq!(State::from_magic_address("nobody@scenario.test"), None);
    }
}
