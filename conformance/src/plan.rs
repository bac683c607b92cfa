//! What a run will send, printed before it starts (and alone with `--dry-run`): requests to the
//! target, reset emails it will trigger, and the accounts it will touch and restore. The figures
//! are estimates before shrinking (a failing property re-sends simpler inputs, up to 200 more).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::check::Check;
use crate::context::{Context, Mode};

/// The estimate for the selected checks.
#[derive(Debug, Default)]
pub struct Plan {
    pub checks: usize,
    pub requests: u64,
    pub emails: u64,
    /// Accounts touched, and how they are restored.
    pub accounts: BTreeSet<String>,
    /// Checks that will be skipped for want of a prerequisite the run lacks, by reason.
    pub mock_only: usize,
    pub mode: Option<Mode>,
}

/// `(requests, emails)` of one check, and whether it changes the active account's password, for
/// `cases` inputs per property.
fn cost(id: &str, cases: u64) -> (u64, u64, bool) {
    let restore = 2; // a fresh token (1 request, 1 email) and the reset back
    match id {
        "snapshot/request-success" | "snapshot/several-fields" => (1, 1, false),
        "snapshot/request-throttled" => (2, 1, false),
        "snapshot/reset-success" | "snapshot/reset-token-used" => (2 + restore, 2, true),
        id if id.starts_with("snapshot/reset-password-") => (2, 1, false),
        "snapshot/reset-token-expired" => (2, 1, false),
        id if id.starts_with("snapshot/") => (1, 0, false),
        "request/php-empty-email" => (9, 0, false),
        "request/lookup-ignores-case" => (1, 1, false),
        "request/literal-variable-alias-agree" => (3 * cases, 0, false),
        id if id.starts_with("request/") => (cases, 0, false),
        "reset/password-policy" => (1 + cases, 1, false),
        id if id.starts_with("reset/") => (cases, 0, false),
        id if id.starts_with("transport/") => (1, 0, false),
        "email/one-documented-email-per-request" => (5, 1, false),
        "email/none-when-refused" => (2, 1, false),
        "email/none-when-transport-fails" => (2, 1, false),
        "lifecycle/token-works-once" => (3 + restore, 2, true),
        "lifecycle/newer-request-supersedes" => (4 + restore, 3, true),
        "lifecycle/new-password-signs-in" => (5 + restore, 2, true),
        "lifecycle/sign-in-throttle-count" => (7 + restore, 1, true),
        "lifecycle/stateful-model" => ((cases / 4).max(8) * 12, (cases / 4).max(8) * 4, false),
        id if id.starts_with("lifecycle/") => (10, 1, false),
        // The account and cart areas sign up their own accounts (counted here) and send no mail
        // the suite waits for.
        "account/sign-up-then-sign-in" => (3, 0, false),
        "account/sign-up-duplicate-email" => (2, 0, false),
        "account/sign-up-check-order" => (8, 0, false),
        "account/create-customer-v1" => (3, 0, false),
        "account/is-email-available" => (4, 0, false),
        "account/customer-needs-a-customer" => (2, 0, false),
        "account/change-password-checks" => (12, 0, false),
        "account/lockout-after-10-failures" => (17, 0, false),
        "account/update-customer" => (7, 0, false),
        "account/update-customer-email" => (10, 0, false),
        "account/revoke-token" => (6, 0, false),
        "account/sign-up-invalid-by-construction" => (cases, 0, false),
        "account/valid-password-signs-up-and-in" => (2 * (cases / 8).clamp(2, 8), 0, false),
        "account/change-password-wrong-current" => (3 + (cases / 4).clamp(3, 9), 0, false),
        "cart/signed-in-cart-is-stable" => (6, 0, false),
        "cart/merge-carts" => (14, 0, false),
        "cart/cart-errors" => (9, 0, false),
        "cart/create-empty-cart" => (3, 0, false),
        "corpus/email-verdicts" => (crate::checks::corpus::entries().map_or(0, |e| e.len() as u64), 0, false),
        _ => (1, 0, false),
    }
}

/// Checks that need the mock's control API, skipped elsewhere.
fn needs_mock(id: &str) -> bool {
    matches!(
        id,
        "snapshot/request-mail-failure"
            | "snapshot/internal-error"
            | "snapshot/reset-token-expired"
            | "email/none-when-transport-fails"
            | "lifecycle/throttle-10-minutes-and-5-an-hour"
            | "lifecycle/token-expires-after-2-hours"
            | "lifecycle/locked-account-cannot-reset"
            | "lifecycle/sign-in-throttle"
            | "lifecycle/stateful-model"
    )
}

/// Estimates what `checks` will send against the target of `ctx`.
pub fn estimate(ctx: &Context, checks: &[Check]) -> Plan {
    let inner = ctx.inner();
    let cases = u64::from(inner.cases);
    let mut plan = Plan { checks: checks.len(), mode: Some(ctx.mode()), ..Plan::default() };
    for check in checks {
        if !ctx.is_mock() && needs_mock(&check.id) {
            plan.mock_only += 1;
            continue;
        }
        let (requests, emails, changes_password) = cost(&check.id, cases);
        plan.requests += requests;
        plan.emails += emails;
        if ctx.is_mock() {
            continue;
        }
        if let Some(account) = inner.active.first() {
            let how = if changes_password { "password changed and reset back" } else { "reset requested" };
            if emails > 0 || changes_password {
                plan.accounts.insert(format!("{} ({how})", account.email));
            }
        }
        if check.id.starts_with("account/") || check.id.starts_with("cart/") {
            plan.accounts.insert(
                "new accounts of the account/ and cart/ checks, signed up with createCustomerV2 (left on the store)"
                    .to_owned(),
            );
        }
        if check.id.contains("locked")
            && let Some(locked) = &inner.locked_email
        {
            plan.accounts.insert(format!("{locked} (read only)"));
        }
    }
    // One account per line, the strongest change wins.
    let changed: BTreeSet<String> = plan
        .accounts
        .iter()
        .filter(|a| a.contains("reset back"))
        .map(|a| a.split(' ').next().unwrap_or("").to_owned())
        .collect();
    plan.accounts.retain(|a| a.contains("reset back") || !changed.contains(a.split(' ').next().unwrap_or("")));
    plan
}

impl Plan {
    /// The plan in words.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "plan: {} checks, about {} requests to the target, about {} reset emails",
            self.checks, self.requests, self.emails
        );
        if self.mock_only > 0 {
            let _ = write!(out, "; {} checks need the mock's control API and will be skipped", self.mock_only);
        }
        out.push('\n');
        match self.mode {
            Some(Mode::Plain) => {
                for account in &self.accounts {
                    let _ = writeln!(out, "  account touched: {account}");
                }
                if self.accounts.is_empty() {
                    out.push_str("  no account is touched\n");
                }
            }
            _ => out.push_str("  accounts: the suite's own, in namespaces of its own, removed afterwards\n"),
        }
        out
    }
}
