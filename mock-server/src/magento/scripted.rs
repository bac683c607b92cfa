//! What a scripted state (`X-Mock-Scenario`, rules) means to an operation that has no outcome of
//! its own for it: one exhaustive match, so a new state makes the compiler ask here.

use super::errors::MagentoError;
use crate::scenarios::State;

/// The answer each scripted state stands for before the operation's own checks run.
pub struct Refusals {
    /// For an unknown account or cart, when the operation has such an answer.
    pub unknown: Option<MagentoError>,
    /// For a locked account, when the operation has such an answer.
    pub locked: Option<MagentoError>,
}

impl Refusals {
    /// Nothing but Magento's internal error: the operation does not depend on an account.
    pub const NONE: Refusals = Refusals { unknown: None, locked: None };

    /// `Err` with the refusal `scripted` asks for; `Ok` when the operation decides as usual
    /// (a mail failure matters only where mail is sent, and throttling only where Magento has one).
    pub fn check(self, scripted: Option<State>) -> Result<(), MagentoError> {
        let refusal = match scripted {
            Some(State::InternalError) => Some(MagentoError::Internal),
            Some(State::Unknown) => self.unknown,
            Some(State::Locked) => self.locked,
            Some(State::Ok | State::Throttled | State::MailFailure) | None => None,
            // Transport faults are answered before any resolver runs.
            Some(
                State::Delay(_)
                | State::Http500
                | State::Http502
                | State::Http503
                | State::ConnectionReset
                | State::MalformedJson,
            ) => None,
        };
        refusal.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_asks_for_its_refusal_or_none() {
        let account = || Refusals {
            unknown: Some(MagentoError::CustomerNotAuthorized),
            locked: Some(MagentoError::AccountIsLocked),
        };
        assert_eq!(account().check(Some(State::InternalError)), Err(MagentoError::Internal));
        assert_eq!(account().check(Some(State::Unknown)), Err(MagentoError::CustomerNotAuthorized));
        assert_eq!(account().check(Some(State::Locked)), Err(MagentoError::AccountIsLocked));
        for state in [State::Ok, State::Throttled, State::MailFailure, State::Http503, State::MalformedJson] {
            assert_eq!(account().check(Some(state)), Ok(()), "{state}");
        }
        assert_eq!(account().check(None), Ok(()));
        assert_eq!(Refusals::NONE.check(Some(State::Unknown)), Ok(()));
        assert_eq!(Refusals::NONE.check(Some(State::InternalError)), Err(MagentoError::Internal));
    }
}
