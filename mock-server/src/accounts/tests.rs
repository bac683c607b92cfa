use std::net::{IpAddr, Ipv4Addr};

use time::macros::datetime;

use super::*;

const NOW: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);
const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn new_customer(email: &str) -> NewCustomer {
    NewCustomer {
        email: email.into(),
        password: "roni_cost3@example.com".into(),
        firstname: "Veronica".into(),
        lastname: "Costello".into(),
        lock_expires: None,
    }
}

fn accounts() -> Accounts {
    let mut accounts = Accounts::new(SecuritySettings::default());
    accounts.create(new_customer("Roni_Cost@example.com")).unwrap();
    accounts
}

#[test]
fn lookups_ignore_case_by_default_and_duplicates_are_refused() {
    let mut accounts = accounts();
    assert!(accounts.find("roni_cost@EXAMPLE.com").is_some());
    let duplicate = accounts.create(new_customer("RONI_COST@example.com"));
    assert!(matches!(duplicate, Err(AccountError::Duplicate(_))));
}

#[test]
fn a_token_is_good_for_one_fifty_nine_fifty_nine_and_expired_at_two_hours() {
    let token = ResetToken { token: "t".into(), created_at: NOW };
    assert!(!token.is_expired(NOW + Duration::seconds(7199), 2));
    assert!(token.is_expired(NOW + Duration::seconds(7200), 2));
    assert!(token.is_expired(NOW - Duration::seconds(1), 2), "created in the future");
}

#[test]
fn reset_requests_are_throttled_by_ip_or_email() {
    let mut accounts = accounts();
    assert!(accounts.admit_reset_request("roni_cost@example.com", LOCALHOST, NOW));
    let other_ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    assert!(!accounts.admit_reset_request("RONI_COST@example.com", other_ip, NOW + Duration::minutes(9)), "same email");
    assert!(!accounts.admit_reset_request("other@example.com", LOCALHOST, NOW + Duration::minutes(9)), "same IP");
    assert!(accounts.admit_reset_request("roni_cost@example.com", LOCALHOST, NOW + Duration::minutes(10)));
}

#[test]
fn at_most_five_reset_requests_an_hour() {
    let mut accounts = accounts();
    accounts.settings.min_time_between_reset_requests = Duration::ZERO;
    for minute in 0..5 {
        assert!(accounts.admit_reset_request("a@example.com", LOCALHOST, NOW + Duration::minutes(minute)));
    }
    assert!(!accounts.admit_reset_request("a@example.com", LOCALHOST, NOW + Duration::minutes(59)));
    assert!(accounts.admit_reset_request("a@example.com", LOCALHOST, NOW + Duration::minutes(60)));
}

#[test]
fn six_failed_sign_ins_throttle_for_thirty_minutes() {
    let mut accounts = accounts();
    for _ in 0..5 {
        accounts.record_sign_in_failure("roni_cost@example.com", NOW);
    }
    assert!(!accounts.sign_in_throttled("roni_cost@example.com", NOW));
    accounts.record_sign_in_failure("roni_cost@example.com", NOW);
    assert!(accounts.sign_in_throttled("roni_cost@example.com", NOW + Duration::seconds(1799)));
    assert!(!accounts.sign_in_throttled("roni_cost@example.com", NOW + Duration::seconds(1800)));
}

#[test]
fn ten_wrong_passwords_within_ten_minutes_lock_the_account_for_ten_minutes() {
    let mut accounts = accounts();
    for _ in 0..9 {
        accounts.record_authentication_failure("roni_cost@example.com", NOW);
    }
    assert!(!accounts.find("roni_cost@example.com").unwrap().is_locked(NOW));
    accounts.record_authentication_failure("roni_cost@example.com", NOW + Duration::minutes(9));
    let customer = accounts.find("roni_cost@example.com").unwrap();
    assert!(customer.is_locked(NOW + Duration::minutes(18)));
    assert!(!customer.is_locked(NOW + Duration::minutes(19)));
}

#[test]
fn failures_older_than_the_threshold_start_a_new_count() {
    let mut accounts = accounts();
    for _ in 0..9 {
        accounts.record_authentication_failure("roni_cost@example.com", NOW);
    }
    accounts.record_authentication_failure("roni_cost@example.com", NOW + Duration::minutes(10));
    assert!(!accounts.find("roni_cost@example.com").unwrap().is_locked(NOW + Duration::minutes(10)));
}
