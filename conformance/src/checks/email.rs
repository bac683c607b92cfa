//! The reset email through the target's inbox (section 9): exactly one per successful request,
//! to the right recipient, with the documented subject, phrases and link; none on failure.

use std::time::Duration;

use crate::check::{Area, Check, Stop, ensure};
use crate::inbox::reset_link;
use crate::messages::{BODY_PHRASES, subject};

/// `<base>customer/account/createPassword/?[id=N&]token=<32 [A-Za-z0-9]>`.
pub fn documented_link(link: &str) -> bool {
    let Some((base, query)) = link.split_once("customer/account/createPassword/?") else { return false };
    if !(base.starts_with("http://") || base.starts_with("https://")) || !base.ends_with('/') {
        return false;
    }
    let token = match query.strip_prefix("id=") {
        Some(rest) => match rest.split_once("&token=") {
            Some((id, token)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => token,
            _ => return false,
        },
        None => match query.strip_prefix("token=") {
            Some(token) => token,
            None => return false,
        },
    };
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            "email/one-documented-email-per-request",
            Area::Email,
            "one email, right recipient, documented subject, phrases and link",
            |ctx| async move {
                ctx.clone()
                    .with_session("email", |s| async move {
                        let inbox = s.inbox("reading the reset email")?.clone();
                        let account = s.account().await?;
                        let store = s.target.store_name().await?;
                        let before = inbox.to(&account.email).await?.1.len();
                        s.make_room_for_request().await?;
                        let answer = s.target.request_reset(&account.email).await?;
                        super::expect_data(&answer, "requestPasswordResetEmail", "true")?;
                        let (mail, _) = inbox.wait_for_new(&account.email, before).await?;
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        let (list, after) = inbox.to(&account.email).await?;
                        ensure(after.len() == before + 1, &list, || {
                            format!("{} emails arrived for one request", after.len() - before)
                        })?;
                        let m = &mail.answer;
                        let to = mail.json["To"].as_array().cloned().unwrap_or_default();
                        ensure(to.len() == 1 && to[0]["Address"].as_str() == Some(account.email.as_str()), m, || {
                            format!("the email is not addressed to {} alone: {:?}", account.email, mail.json["To"])
                        })?;
                        if let Some(name) = &account.name {
                            ensure(to[0]["Name"].as_str() == Some(name.as_str()), m, || {
                                format!("the recipient's name is not {name:?}")
                            })?;
                        }
                        ensure(mail.subject() == subject(&store), m, || {
                            format!("the subject is {:?}, not {:?}", mail.subject(), subject(&store))
                        })?;
                        let body = if mail.text().is_empty() { mail.html().to_owned() } else { mail.text().to_owned() };
                        for phrase in BODY_PHRASES {
                            ensure(body.contains(phrase), m, || format!("the body lacks the phrase {phrase:?}"))?;
                        }
                        if let Some(name) = &account.name {
                            ensure(body.contains(&format!("{name},")), m, || {
                                format!("the body does not greet {name:?}")
                            })?;
                        }
                        let (link, token) = reset_link(&body)
                            .ok_or_else(|| Stop::deviation(m, "the body holds no reset link", None))?;
                        ensure(documented_link(&link), m, || {
                            format!(
                                "the link {link:?} is not <base>customer/account/createPassword/?token=<32 [A-Za-z0-9]>"
                            )
                        })?;
                        if !mail.html().is_empty() {
                            ensure(mail.html().contains(&format!("token={token}")), m, || {
                                "the HTML part links another token".into()
                            })?;
                        }
                        if let Some(admin) = &s.admin {
                            let live = admin.live_token(&account.email).await?;
                            ensure(live.as_deref() == Some(token.as_str()), m, || {
                                format!("the emailed token is not the live one ({live:?})")
                            })?;
                        }
                        Ok(())
                    })
                    .await
            },
        ),
        Check::new(
            "email/none-when-refused",
            Area::Email,
            "no email for an unknown address, nor when the mail transport fails",
            |ctx| async move {
                ctx.clone()
                    .with_session("email-none", |s| async move {
                        let inbox = s.inbox("reading the inbox")?.clone();
                        let unknown = "unregistered.nobody@example.com";
                        s.target.request_reset(unknown).await?;
                        let (list, messages) = inbox.to(unknown).await?;
                        ensure(messages.is_empty(), &list, || "an email went to an unknown address".into())?;
                        if s.ctx.is_mock() {
                            let account = s.account().await?;
                            s.make_room_for_request().await?;
                            let failing = s.target.with_header("x-mock-scenario", "mail-failure")?;
                            let answer = failing.request_reset(&account.email).await?;
                            super::expect_data(&answer, "requestPasswordResetEmail", "false")?;
                            tokio::time::sleep(Duration::from_millis(200)).await;
                            let (list, messages) = inbox.to(&account.email).await?;
                            ensure(messages.is_empty(), &list, || {
                                "an email was captured although the transport failed".into()
                            })?;
                        }
                        Ok(())
                    })
                    .await
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::documented_link;

    #[test]
    fn links_of_the_documented_form() {
        let token = "abcdefghijklmnopqrstuvwxyzABCDEF";
        assert!(documented_link(&format!("http://localhost:3000/customer/account/createPassword/?token={token}")));
        assert!(documented_link(&format!("https://shop.test/de/customer/account/createPassword/?id=12&token={token}")));
        assert!(!documented_link(&format!("https://shop.test/customer/account/createPassword/?token={token}x")));
        assert!(!documented_link(
            "https://shop.test/customer/account/createPassword/?token=0123456789abcdef0123456789abcde"
        ));
        assert!(!documented_link(&format!("shop.test/customer/account/createPassword/?token={token}")));
    }
}
