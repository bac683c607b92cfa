//! The reset email through the target's inbox (section 9): exactly one per successful request,
//! to the right recipient, with the documented subject, phrases and link, and a token that works;
//! none when the request is refused, proven by a later email that does arrive.

use std::time::Duration;

use crate::check::{Area, Check, CheckResult, Parts, Stop, ensure};
use crate::context::Session;
use crate::inbox::Mail;
use crate::messages::{BODY_PHRASES, CANNOT_RESET, subject};

/// `<base>customer/account/createPassword/?<query>` where the query has exactly the parameters of
/// one of `shapes`, in that order: `token` is 32 `[A-Za-z0-9]`, `id` digits, `email` any
/// URL-encoded address.
pub fn documented_link(link: &str, shapes: &[&[&str]]) -> bool {
    let Some((base, query)) = link.split_once("customer/account/createPassword/?") else { return false };
    if !(base.starts_with("http://") || base.starts_with("https://")) || !base.ends_with('/') {
        return false;
    }
    let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|pair| pair.split_once('=')).collect();
    let names: Vec<&str> = pairs.iter().map(|(name, _)| *name).collect();
    if !shapes.contains(&names.as_slice()) {
        return false;
    }
    pairs.iter().all(|(name, value)| match *name {
        "token" => value.len() == 32 && value.bytes().all(|b| b.is_ascii_alphanumeric()),
        "id" => !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()),
        "email" => value.contains("%40"),
        _ => false,
    })
}

/// The part of the email a reader sees: the text part, else the HTML.
fn body(mail: &Mail) -> String {
    if mail.text().is_empty() { mail.html().to_owned() } else { mail.text().to_owned() }
}

/// Proves the emailed token is the live one without using it up: a reset with a password the
/// policy refuses for its length gets past the token checks (rows 7 and 8) to row 11.
async fn token_is_live(s: &Session, email: &str, token: &str) -> CheckResult {
    let (minimum, _) = s.ctx.inner().policy;
    if minimum < 5 {
        return Err(Stop::skip(format!(
            "the store's minimum password length is {minimum}: no short password to probe with"
        )));
    }
    let answer = s.target.reset_password(email, token, "Ab1!").await?;
    let message = crate::messages::too_short(minimum);
    super::expect_error(&s.ctx, &answer, "resetPassword", super::reset_message(&s.ctx, &message))
}

async fn one_documented_email(s: Session) -> CheckResult {
    let inbox = s.inbox("reading the reset email")?.clone();
    let account = s.account().await?;
    let before = inbox.count(&account.email).await?;
    s.make_room_for_request().await?;
    let answer = s.target.request_reset(&account.email).await?;
    super::expect_data(&answer, "requestPasswordResetEmail", "true")?;
    let (mail, _) = inbox.wait_for_new(&account.email, before).await?;
    let m = &mail.answer;
    let mut parts = Parts::new(&s.ctx);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = inbox.count(&account.email).await?;
    let (list, _) = inbox.to(&account.email).await?;
    parts.check(
        "one email",
        ensure(after == before + 1, &list, || {
            format!("{} emails arrived for one request", after.saturating_sub(before))
        }),
    );
    let to = mail.json["To"].as_array().cloned().unwrap_or_default();
    parts.check(
        "recipient",
        ensure(to.len() == 1 && to[0]["Address"].as_str() == Some(account.email.as_str()), m, || {
            format!("the email is not addressed to {} alone: {:?}", account.email, mail.json["To"])
        }),
    );
    let name = s.account_name(&account).await;
    parts.check(
        "recipient name",
        name.clone().and_then(|name| {
            ensure(to.first().and_then(|t| t["Name"].as_str()) == Some(name.as_str()), m, || {
                format!("the recipient's name is {:?}, not {name:?}", to.first().map(|t| &t["Name"]))
            })
        }),
    );
    let store = s.ctx.inner().store_name.clone().ok_or_else(|| {
        Stop::skip("the store's frontend name is unknown: storeConfig has no store_group_name; give --store-name")
    });
    parts.check(
        "subject",
        store.and_then(|store| {
            ensure(mail.subject() == subject(&store), m, || {
                format!(
                    "the subject is {:?}, not {:?} (the store's frontend name; --store-name when it is not \
                     storeConfig.store_group_name)",
                    mail.subject(),
                    subject(&store)
                )
            })
        }),
    );
    let text = body(&mail);
    let missing: Vec<&str> = BODY_PHRASES.iter().copied().filter(|phrase| !text.contains(phrase)).collect();
    parts.check("phrases", ensure(missing.is_empty(), m, || format!("the body lacks the phrases {missing:?}")));
    parts.check(
        "greeting",
        name.and_then(|name| {
            ensure(text.contains(&format!("{name},")), m, || format!("the body does not greet {name:?}"))
        }),
    );
    let Some((link, token)) = mail.reset_link() else {
        parts.check("link", Err(Stop::deviation(m, "the body holds no reset link", None)));
        return parts.finish();
    };
    let shapes = s.ctx.release().link_queries();
    parts.check(
        "link",
        ensure(documented_link(&link, shapes), m, || {
            let shapes: Vec<String> = shapes.iter().map(|s| s.iter().map(|p| format!("{p}=…")).collect::<Vec<_>>().join("&")).collect();
            format!(
                "the link {link:?} is not <base>customer/account/createPassword/?<{}> (Magento {}; token: 32 [A-Za-z0-9])",
                shapes.join(" or "),
                s.ctx.release()
            )
        }),
    );
    if !mail.text().is_empty() && !mail.html().is_empty() {
        parts.check(
            "HTML link",
            ensure(mail.html().contains(&format!("token={token}")), m, || "the HTML part links another token".into()),
        );
    }
    if let Some(admin) = &s.admin {
        let live = admin.live_token(&account.email).await;
        parts.check(
            "token is the live one (control API)",
            live.and_then(|live| {
                ensure(live.as_deref() == Some(token.as_str()), m, || {
                    format!("the emailed token is not the live one ({live:?})")
                })
            }),
        );
    }
    parts.check("token works", token_is_live(&s, &account.email, &token).await);
    parts.finish()
}

/// No email for a refused request: after it, a request that must mail is sent and its email
/// awaited, so a store that sends mail late cannot pass by being slow.
async fn none_when_refused(s: Session) -> CheckResult {
    let inbox = s.inbox("reading the inbox")?.clone();
    let account = s.account().await?;
    let unknown = format!("unregistered.{}.{}@example.com", s.ctx.inner().run_id, s.ctx.next_number());
    let refused = s.target.request_reset(&unknown).await?;
    super::expect_error(&s.ctx, &refused, "requestPasswordResetEmail", CANNOT_RESET)?;
    let before = inbox.count(&account.email).await?;
    s.make_room_for_request().await?;
    let answer = s.target.request_reset(&account.email).await?;
    super::expect_data(&answer, "requestPasswordResetEmail", "true")?;
    inbox.wait_for_new(&account.email, before).await?;
    let (list, messages) = inbox.to(&unknown).await?;
    ensure(messages.is_empty(), &list, || format!("an email went to the unknown address {unknown}"))
}

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            "email/one-documented-email-per-request",
            Area::Email,
            "one email, right recipient and name, documented subject, phrases and link, a token that works",
            |ctx| async move { ctx.clone().with_session("email", one_documented_email).await },
        ),
        Check::new(
            "email/none-when-refused",
            Area::Email,
            "no email for an unknown address (proven by a later email that arrives)",
            |ctx| async move { ctx.clone().with_session("email-none", none_when_refused).await },
        ),
        Check::new(
            "email/none-when-transport-fails",
            Area::Email,
            "the mail transport failing answers false and captures nothing (a scripted state of the mock, or a store whose inbox is a mock-server refusing the delivery)",
            |ctx| async move {
                if ctx.is_mock() {
                    return ctx.clone().with_session("email-failure", scripted_mail_failure).await;
                }
                ctx.clone().with_session("email-failure", refused_delivery).await
            },
        ),
    ]
}

/// On the mock: the scripted state, then a request that mails, awaited: the failed one must still
/// be absent.
async fn scripted_mail_failure(s: Session) -> CheckResult {
    let inbox = s.inbox("reading the inbox")?.clone();
    let account = s.account().await?;
    s.make_room_for_request().await?;
    let failing = s.target.with_header("x-mock-scenario", "mail-failure")?;
    let answer = failing.request_reset(&account.email).await?;
    super::expect_data(&answer, "requestPasswordResetEmail", "false")?;
    s.make_room_for_request().await?;
    let answer = s.target.request_reset(&account.email).await?;
    super::expect_data(&answer, "requestPasswordResetEmail", "true")?;
    let (mail, count) = inbox.wait_for_new(&account.email, 0).await?;
    ensure(count == 1, &mail.answer, || format!("{count} emails: one was captured although the transport failed"))
}

/// On a store whose mail goes to a mock-server: that server refuses the next delivery with 554
/// after DATA, and Magento's `initiatePasswordReset` catches the MailException and answers false
/// (2.4.7-p3, fixtures/real-store/2.4.7-p3-mail-failures.jsonl). Then one that mails, as above.
async fn refused_delivery(s: Session) -> CheckResult {
    let inbox = s.inbox("reading the inbox")?.clone();
    let account = s.account().await?;
    let before = inbox.count(&account.email).await?;
    s.make_room_for_request().await?;
    let Some(fault) = inbox.refuse_next_delivery_to(&account.email).await? else {
        return Err(Stop::skip(
            "a failing mail transport needs the mock's control API (--admin), or an inbox that is a mock-server (its /__admin/smtp-faults)",
        ));
    };
    let answer = s.target.request_reset(&account.email).await;
    inbox.remove_fault(&fault).await?;
    super::expect_data(&answer?, "requestPasswordResetEmail", "false")?;
    s.make_room_for_request().await?;
    let answer = s.target.request_reset(&account.email).await?;
    super::expect_data(&answer, "requestPasswordResetEmail", "true")?;
    let (mail, count) = inbox.wait_for_new(&account.email, before).await?;
    ensure(count == before + 1, &mail.answer, || {
        format!("{} emails since the check began: one was captured although the transport refused it", count - before)
    })
}

#[cfg(test)]
mod tests {
    use super::documented_link;

    #[test]
    fn links_of_the_documented_form_for_each_release() {
        let token = "abcdefghijklmnopqrstuvwxyzABCDEF";
        let shapes = |v: &str| v.parse::<crate::release::Release>().unwrap().link_queries();
        let plain = format!("http://localhost:3000/customer/account/createPassword/?token={token}");
        let with_id = format!("https://shop.test/de/customer/account/createPassword/?id=12&token={token}");
        let with_email =
            format!("https://shop.test/customer/account/createPassword/?email=a%40shop.test&id=12&token={token}");
        assert!(documented_link(&plain, shapes("2.4.2")));
        assert!(!documented_link(&plain, shapes("2.4.7")), "2.4.7 links carry the customer id");
        assert!(documented_link(&with_id, shapes("2.4.7")));
        assert!(!documented_link(&with_id, shapes("2.4.8")), "2.4.8 links carry the email first");
        assert!(documented_link(&with_email, shapes("2.4.8")));
        let seven = shapes("2.4.7");
        assert!(!documented_link(
            &format!("https://shop.test/customer/account/createPassword/?id=1&token={token}x"),
            seven
        ));
        assert!(!documented_link(
            "https://shop.test/customer/account/createPassword/?id=1&token=0123456789abcdef0123456789abcde",
            seven
        ));
        assert!(!documented_link(&format!("shop.test/customer/account/createPassword/?id=1&token={token}"), seven));
    }
}
