//! Stage 5, fault: the planned delay, then a scripted transport fault answered instead of
//! Magento (a reset connection, a gateway's error page).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::journal::JournalDraft;
use super::plan::Planned;
use crate::http::connection::Peer;
use crate::scenarios::{State, faults};

/// `None`: no fault (or one that spoils Magento's answer later), Magento answers.
pub(super) async fn fault(planned: &Planned, journal: &JournalDraft, peer: &Peer) -> Option<Response> {
    let Planned { calls, plan } = planned;
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    match plan.fault? {
        State::ConnectionReset => {
            // The client sees no status; the journal keeps 0.
            journal.record(calls, plan, 0, None, None);
            peer.reset.trip();
            Some(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        fault => {
            let answer = faults::gateway_answer(fault)?;
            journal.record(calls, plan, answer.status().as_u16(), None, None);
            Some(answer)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};

    use super::*;
    use crate::config::Config;
    use crate::http::connection::ResetSwitch;
    use crate::journal::Filter;
    use crate::scenarios::plan::{FieldCall, Plan};
    use crate::state::AppState;

    fn planned(fault: Option<State>) -> Planned {
        let call = super::super::plan::RootCall {
            scenario: FieldCall {
                operation: async_graphql::Name::new("requestPasswordResetEmail"),
                response_key: async_graphql::Name::new("requestPasswordResetEmail"),
                email: None,
            },
            arguments: std::sync::Arc::new(serde_json::json!({})),
        };
        Planned { calls: vec![call], plan: Plan { fault, ..Plan::default() } }
    }

    #[tokio::test]
    async fn a_gateway_fault_answers_and_is_journaled_a_reset_trips_the_switch_and_no_fault_passes() {
        let app = AppState::new(&Config::for_tests().unwrap());
        let namespace = app.namespace("fault-test").unwrap();
        let journal = JournalDraft {
            namespace: namespace.clone(),
            operation_type: "mutation",
            operation_name: None,
            variables: serde_json::json!({}),
        };
        let peer = Peer { address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reset: ResetSwitch::default() };
        assert!(fault(&planned(None), &journal, &peer).await.is_none());
        assert!(fault(&planned(Some(State::MalformedJson)), &journal, &peer).await.is_none());
        let gateway = fault(&planned(Some(State::Http502)), &journal, &peer).await.unwrap();
        assert_eq!(gateway.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(namespace.journal().matching(&Filter::default()).count(), 1);
        assert!(format!("{:?}", peer.reset).contains("false"));
        fault(&planned(Some(State::ConnectionReset)), &journal, &peer).await.unwrap();
        assert!(format!("{:?}", peer.reset).contains("true"));
        assert_eq!(namespace.journal().matching(&Filter::default()).count(), 2);
    }
}
