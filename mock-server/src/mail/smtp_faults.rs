//! SMTP faults on demand (`/__admin/smtp-faults`): at connect, MAIL, RCPT or the end of DATA,
//! answer a given code and text, drop the connection, or answer slowly; by sender and recipient,
//! `times`, and a seeded probability (Mailpit's "chaos", made reproducible). Mailpit's own
//! `/api/v1/chaos` triggers are kept here too, as three faults of the default namespace.

use std::sync::Arc;
use std::time::Duration;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::journal::Entry;

/// Faults kept per namespace.
pub const MAX_FAULTS: usize = 100;
/// Longest reply text, in bytes.
pub const MAX_TEXT: usize = 200;
/// Longest delay: clients give up long before (PHP's default socket timeout is 60 s).
pub const MAX_FAULT_DELAY: Duration = Duration::from_secs(60);

/// Where in the session a fault strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Instead of the greeting.
    Connect,
    /// The reply to `AUTH <mechanism>`, before any challenge.
    Auth,
    /// The reply to `MAIL FROM`.
    Mail,
    /// The reply to one `RCPT TO`.
    Rcpt,
    /// The reply after the message's final dot: the message is known, and not stored.
    Data,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Auth => "auth",
            Self::Mail => "mail",
            Self::Rcpt => "rcpt",
            Self::Data => "data",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Answer `code` and `message` instead of the usual reply.
    #[default]
    Reply,
    /// Close the connection without a reply.
    Disconnect,
    /// Wait `delay_ms`, then answer as usual.
    Slow,
}

/// A fault as posted.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub stage: Stage,
    #[serde(default)]
    pub action: Action,
    pub code: Option<u16>,
    pub message: Option<String>,
    /// Compared ignoring case with the `RCPT TO` address (at `data`: any recipient).
    pub recipient: Option<String>,
    /// Compared ignoring case with the `MAIL FROM` address.
    pub sender: Option<String>,
    pub times: Option<u32>,
    /// 0.0 to 1.0: the chance that a matching delivery is hit.
    pub probability: Option<f64>,
    pub seed: Option<u64>,
    pub delay_ms: Option<u64>,
}

/// A fault in force, with its uses left.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Fault {
    pub id: String,
    pub stage: Stage,
    pub action: Action,
    pub code: Option<u16>,
    pub message: Option<String>,
    pub recipient: Option<String>,
    pub sender: Option<String>,
    pub times: Option<u32>,
    pub uses_left: Option<u32>,
    pub probability: Option<f64>,
    /// The seed in use (drawn from the server's generator when none was given).
    pub seed: Option<u64>,
    pub delay_ms: Option<u64>,
    /// Deliveries it struck.
    pub used: u64,
    #[serde(skip)]
    draws: Option<ChaCha20Rng>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaultError {
    #[error("action \"reply\" needs a code from 400 to 599")]
    CodeNeeded,
    #[error("code must be from 400 to 599 (a fault refuses; to accept slowly use action \"slow\")")]
    CodeOutOfRange,
    #[error("code and message belong to action \"reply\" only")]
    CodeWithoutReply,
    #[error("message must be 1 to {MAX_TEXT} printable ASCII characters")]
    BadMessage,
    #[error("action \"slow\" needs delay_ms")]
    DelayNeeded,
    #[error("delay_ms must be at most {}", MAX_FAULT_DELAY.as_millis())]
    DelayTooLong,
    #[error("times must be at least 1 (leave it out for always)")]
    ZeroTimes,
    #[error("probability must be from 0.0 to 1.0")]
    BadProbability,
    #[error("seed needs a probability")]
    SeedWithoutProbability,
    #[error("sender and recipient, when given, must not be empty")]
    EmptyMatcher,
    #[error("the sender is not known yet at connect or auth")]
    SenderAtConnect,
    #[error("the recipient is known from stage rcpt on (not at connect, auth or mail)")]
    RecipientTooEarly,
    #[error("at most {MAX_FAULTS} SMTP faults per namespace; clear them with DELETE /__admin/smtp-faults")]
    TooMany,
}

impl FaultSpec {
    /// Checks the spec; `seed` is used when a probability comes without one.
    pub fn into_fault(self, id: String, seed: u64) -> Result<Fault, FaultError> {
        match self.action {
            Action::Reply => match self.code {
                None => return Err(FaultError::CodeNeeded),
                Some(code) if !(400..=599).contains(&code) => return Err(FaultError::CodeOutOfRange),
                Some(_) => {}
            },
            Action::Disconnect | Action::Slow => {
                if self.code.is_some() || self.message.is_some() {
                    return Err(FaultError::CodeWithoutReply);
                }
            }
        }
        // Printable ASCII only: a CR or LF would let the text forge further replies.
        if let Some(text) = &self.message
            && (text.is_empty() || text.len() > MAX_TEXT || !text.bytes().all(|b| (0x20..0x7f).contains(&b)))
        {
            return Err(FaultError::BadMessage);
        }
        if self.action == Action::Slow && self.delay_ms.is_none() {
            return Err(FaultError::DelayNeeded);
        }
        if self.delay_ms.is_some_and(|ms| Duration::from_millis(ms) > MAX_FAULT_DELAY) {
            return Err(FaultError::DelayTooLong);
        }
        if self.times == Some(0) {
            return Err(FaultError::ZeroTimes);
        }
        if self.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
            return Err(FaultError::BadProbability);
        }
        if self.seed.is_some() && self.probability.is_none() {
            return Err(FaultError::SeedWithoutProbability);
        }
        if self.sender.as_deref().is_some_and(str::is_empty) || self.recipient.as_deref().is_some_and(str::is_empty) {
            return Err(FaultError::EmptyMatcher);
        }
        if matches!(self.stage, Stage::Connect | Stage::Auth) && self.sender.is_some() {
            return Err(FaultError::SenderAtConnect);
        }
        if matches!(self.stage, Stage::Connect | Stage::Auth | Stage::Mail) && self.recipient.is_some() {
            return Err(FaultError::RecipientTooEarly);
        }
        let seed = self.probability.map(|_| self.seed.unwrap_or(seed));
        Ok(Fault {
            id,
            stage: self.stage,
            action: self.action,
            message: match (self.action, self.code) {
                (Action::Reply, Some(code)) => Some(self.message.unwrap_or_else(|| default_text(code).to_owned())),
                _ => None,
            },
            code: self.code,
            recipient: self.recipient,
            sender: self.sender,
            times: self.times,
            uses_left: self.times,
            probability: self.probability,
            seed,
            delay_ms: self.delay_ms,
            used: 0,
            draws: seed.map(ChaCha20Rng::seed_from_u64),
        })
    }
}

/// RFC 5321's meaning of the common codes, with an RFC 3463 enhanced status.
fn default_text(code: u16) -> &'static str {
    match code {
        421 => "4.3.2 Service not available, closing transmission channel",
        454 => "4.7.0 Temporary authentication failure",
        450 => "4.2.1 Mailbox unavailable, try again later",
        451 => "4.3.0 Requested action aborted: local error in processing",
        452 => "4.3.1 Insufficient system storage",
        550 => "5.1.1 Mailbox unavailable",
        551 => "5.1.6 User not local",
        552 => "5.2.2 Requested mail action aborted: exceeded storage allocation",
        535 => "5.7.8 Authentication credentials invalid",
        553 => "5.1.3 Mailbox name not allowed",
        554 => "5.0.0 Transaction failed",
        400..=499 => "4.0.0 Temporary failure",
        _ => "5.0.0 Permanent failure",
    }
}

/// What a fault that struck asks of the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Struck {
    pub id: String,
    pub stage: Stage,
    pub action: Action,
    /// `451 4.3.0 ...` for a reply.
    pub reply: Option<String>,
    pub delay: Duration,
}

impl Struck {
    /// The journal's record of it: `type` "smtp", `operation` "smtp-<stage>", `status` the code
    /// answered (0 when none: dropped, or answered as usual after the delay).
    pub fn journal_entry(
        &self,
        namespace: &Arc<str>,
        time: OffsetDateTime,
        sender: Option<&str>,
        recipients: &[&str],
    ) -> Entry {
        let operation = async_graphql::Name::new(format!("smtp-{}", self.stage.name()));
        let status = self.reply.as_deref().and_then(|r| r.get(..3)).and_then(|c| c.parse().ok()).unwrap_or(0);
        let error = match self.action {
            Action::Reply => self.reply.clone(),
            Action::Disconnect => Some("connection dropped".to_owned()),
            Action::Slow => None,
        };
        Entry {
            id: 0,
            time,
            namespace: Arc::clone(namespace),
            operation_type: "smtp".into(),
            operation_name: None,
            response_key: operation.clone(),
            operation,
            email: recipients.first().copied().or(sender).map(Arc::from),
            arguments: Arc::new(json!({ "sender": sender, "recipients": recipients })),
            variables: Value::Null,
            scenario: Some(format!("smtp-fault {} ({})", self.id, action_name(self.action))),
            status,
            result: json!({ "delay_ms": u64::try_from(self.delay.as_millis()).unwrap_or(u64::MAX) }),
            error,
            message_id: None,
            stub: None,
        }
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Reply => "reply",
        Action::Disconnect => "disconnect",
        Action::Slow => "slow",
    }
}

/// A fault as `--data-dir` keeps it: with how far its seeded generator has gone, so that a
/// seeded pattern goes on after a restart rather than starting over.
#[derive(Debug, Serialize, Deserialize)]
pub struct SavedFault {
    #[serde(flatten)]
    pub fault: Fault,
    /// ChaCha20's word position.
    pub drawn: Option<u64>,
}

/// The faults of one namespace, newest first.
#[derive(Debug, Default)]
pub struct SmtpFaults {
    faults: Vec<Fault>,
    /// Counts changes, draws and uses included, so that `--data-dir` writes only changed faults.
    revision: u64,
}

impl SmtpFaults {
    /// What [`SmtpFaults::saved`] gave, generators at the same positions.
    pub fn restored(saved: Vec<SavedFault>) -> Self {
        let faults = saved
            .into_iter()
            .map(|SavedFault { mut fault, drawn }| {
                let mut draws = fault.seed.map(ChaCha20Rng::seed_from_u64);
                if let (Some(draws), Some(drawn)) = (draws.as_mut(), drawn) {
                    draws.set_word_pos(u128::from(drawn));
                }
                fault.draws = draws;
                fault
            })
            .collect();
        Self { faults, revision: 0 }
    }

    pub fn saved(&self) -> Vec<SavedFault> {
        let drawn = |fault: &Fault| fault.draws.as_ref().map(|d| u64::try_from(d.get_word_pos()).unwrap_or(u64::MAX));
        self.faults.iter().map(|fault| SavedFault { drawn: drawn(fault), fault: fault.clone() }).collect()
    }

    pub const fn revision(&self) -> u64 {
        self.revision
    }

    pub fn add(&mut self, fault: Fault) -> Result<(), FaultError> {
        if self.faults.iter().filter(|f| !f.id.starts_with(CHAOS_PREFIX)).count() >= MAX_FAULTS {
            return Err(FaultError::TooMany);
        }
        self.revision += 1;
        self.faults.insert(0, fault);
        Ok(())
    }

    pub fn list(&self) -> &[Fault] {
        &self.faults
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.faults.len();
        self.faults.retain(|f| f.id != id);
        self.revision += 1;
        self.faults.len() != before
    }

    pub fn clear(&mut self) {
        self.revision += 1;
        self.faults.clear();
    }

    /// Mailpit's chaos triggers as they stand: a trigger without its fault has probability 0.
    pub fn chaos(&self) -> ChaosTriggers {
        let trigger = |which: ChaosTrigger| {
            self.faults.iter().find(|f| f.id == which.fault_id()).map_or(which.default_config(), |fault| ChaosConfig {
                error_code: fault.code.map_or(0, i64::from),
                probability: fault.probability.map_or(0, |p| (p * 100.0).round() as i64),
            })
        };
        ChaosTriggers {
            sender: trigger(ChaosTrigger::Sender),
            recipient: trigger(ChaosTrigger::Recipient),
            authentication: trigger(ChaosTrigger::Authentication),
        }
    }

    /// Sets one trigger: a fault that strikes with the percentage, checked after the scripted
    /// ones (it is kept last), or none at 0 %. The range checks are Mailpit's (`chaos.Set`).
    pub fn set_chaos(&mut self, which: ChaosTrigger, config: ChaosConfig, seed: u64) -> Result<(), ChaosError> {
        if !(400..=599).contains(&config.error_code) {
            return Err(ChaosError::ErrorCode);
        }
        if !(0..=100).contains(&config.probability) {
            return Err(ChaosError::Probability);
        }
        self.faults.retain(|f| f.id != which.fault_id());
        if config.probability == 0 {
            return Ok(());
        }
        let code = u16::try_from(config.error_code).map_err(|_| ChaosError::ErrorCode)?;
        #[allow(clippy::cast_precision_loss)]
        let probability = config.probability as f64 / 100.0;
        self.faults.push(Fault {
            id: which.fault_id().to_owned(),
            stage: which.stage(),
            action: Action::Reply,
            code: Some(code),
            message: Some(which.text().to_owned()),
            recipient: None,
            sender: None,
            times: None,
            uses_left: None,
            probability: Some(probability),
            seed: Some(seed),
            delay_ms: None,
            used: 0,
            draws: Some(ChaCha20Rng::seed_from_u64(seed)),
        });
        Ok(())
    }

    /// The first fault of `stage` that matches and strikes; one use is taken. A fault whose
    /// probability does not strike lets the next one try. Each fault draws from its own seeded
    /// generator, so the same seed and the same deliveries strike the same ones.
    pub fn take(&mut self, stage: Stage, sender: Option<&str>, recipients: &[&str]) -> Option<Struck> {
        let same = |wanted: &Option<String>, given: Option<&str>| {
            wanted.as_deref().is_none_or(|w| given.is_some_and(|g| g.eq_ignore_ascii_case(w)))
        };
        for fault in &mut self.faults {
            let matches = fault.stage == stage
                && fault.uses_left != Some(0)
                && same(&fault.sender, sender)
                && (fault.recipient.is_none() || recipients.iter().any(|r| same(&fault.recipient, Some(r))));
            if !matches {
                continue;
            }
            if let (Some(probability), Some(draws)) = (fault.probability, fault.draws.as_mut()) {
                self.revision += 1;
                if unit_interval(draws.next_u64()) >= probability {
                    continue;
                }
            }
            if let Some(left) = fault.uses_left.as_mut() {
                *left -= 1;
            }
            fault.used += 1;
            self.revision += 1;
            return Some(Struck {
                id: fault.id.clone(),
                stage,
                action: fault.action,
                reply: fault.code.zip(fault.message.as_deref()).map(|(code, text)| format!("{code} {text}")),
                delay: Duration::from_millis(fault.delay_ms.unwrap_or(0)),
            });
        }
        None
    }
}

/// The ids of the chaos triggers' faults.
const CHAOS_PREFIX: &str = "chaos-";

/// Mailpit's three chaos triggers (`internal/smtpd/chaos`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChaosTrigger {
    /// `MAIL FROM`.
    Sender,
    /// Each `RCPT TO`.
    Recipient,
    /// `AUTH`.
    Authentication,
}

impl ChaosTrigger {
    fn fault_id(self) -> &'static str {
        match self {
            Self::Sender => "chaos-sender",
            Self::Recipient => "chaos-recipient",
            Self::Authentication => "chaos-authentication",
        }
    }

    fn stage(self) -> Stage {
        match self {
            Self::Sender => Stage::Mail,
            Self::Recipient => Stage::Rcpt,
            Self::Authentication => Stage::Auth,
        }
    }

    /// Mailpit's reply text after the code (`smtpd.go`).
    fn text(self) -> &'static str {
        match self {
            Self::Sender => "Chaos sender error",
            Self::Recipient => "Chaos recipient error",
            Self::Authentication => "Chaos authentication error",
        }
    }

    /// Mailpit's defaults: 451 for sender and recipient, 535 for authentication, never.
    pub fn default_config(self) -> ChaosConfig {
        let error_code = match self {
            Self::Sender | Self::Recipient => 451,
            Self::Authentication => 535,
        };
        ChaosConfig { error_code, probability: 0 }
    }
}

/// One trigger as Mailpit's JSON has it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChaosConfig {
    pub error_code: i64,
    pub probability: i64,
}

/// `GET /api/v1/chaos`, in Mailpit's key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChaosTriggers {
    pub sender: ChaosConfig,
    pub recipient: ChaosConfig,
    pub authentication: ChaosConfig,
}

/// Mailpit's texts (`chaos.Set`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChaosError {
    #[error("error code must be between 400 and 599")]
    ErrorCode,
    #[error("probability must be between 0 and 100")]
    Probability,
}

/// A draw in [0, 1) from 53 random bits.
fn unit_interval(bits: u64) -> f64 {
    // 53 bits fit an f64's mantissa exactly.
    #[allow(clippy::cast_precision_loss)]
    let value = (bits >> 11) as f64;
    value / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(spec: &str) -> Result<Fault, FaultError> {
        serde_json::from_str::<FaultSpec>(spec).unwrap().into_fault("f".into(), 7)
    }

    #[test]
    fn replies_get_rfc_texts_unless_given_one() {
        let f = fault(r#"{"stage":"rcpt","code":452}"#).unwrap();
        assert_eq!(f.message.as_deref(), Some("4.3.1 Insufficient system storage"));
        let f = fault(r#"{"stage":"mail","code":550,"message":"5.7.1 Sender blocked"}"#).unwrap();
        assert_eq!(f.message.as_deref(), Some("5.7.1 Sender blocked"));
    }

    #[test]
    fn bad_specs_are_refused_with_the_reason() {
        for (spec, error) in [
            (r#"{"stage":"mail"}"#, FaultError::CodeNeeded),
            (r#"{"stage":"mail","code":250}"#, FaultError::CodeOutOfRange),
            (r#"{"stage":"mail","action":"disconnect","code":421}"#, FaultError::CodeWithoutReply),
            (r#"{"stage":"mail","code":451,"message":"a\r\n250 ok"}"#, FaultError::BadMessage),
            (r#"{"stage":"mail","action":"slow"}"#, FaultError::DelayNeeded),
            (r#"{"stage":"mail","action":"slow","delay_ms":60001}"#, FaultError::DelayTooLong),
            (r#"{"stage":"mail","code":451,"times":0}"#, FaultError::ZeroTimes),
            (r#"{"stage":"mail","code":451,"probability":1.5}"#, FaultError::BadProbability),
            (r#"{"stage":"mail","code":451,"seed":3}"#, FaultError::SeedWithoutProbability),
            (r#"{"stage":"connect","code":421,"sender":"a@b.test"}"#, FaultError::SenderAtConnect),
            (r#"{"stage":"mail","code":451,"recipient":"a@b.test"}"#, FaultError::RecipientTooEarly),
            (r#"{"stage":"rcpt","code":451,"recipient":""}"#, FaultError::EmptyMatcher),
        ] {
            assert_eq!(fault(spec).unwrap_err(), error, "{spec}");
        }
        let long = format!(r#"{{"stage":"mail","code":451,"message":"{}"}}"#, "x".repeat(MAX_TEXT + 1));
        assert_eq!(fault(&long).unwrap_err(), FaultError::BadMessage);
    }

    #[test]
    fn a_limited_fault_strikes_n_matching_deliveries_then_lets_mail_through() {
        let mut faults = SmtpFaults::default();
        faults.add(fault(r#"{"stage":"rcpt","code":450,"recipient":"A@shop.test","times":2}"#).unwrap()).unwrap();
        assert_eq!(faults.take(Stage::Rcpt, Some("s@x.test"), &["b@shop.test"]), None);
        assert_eq!(faults.take(Stage::Mail, Some("s@x.test"), &[]), None);
        let struck = faults.take(Stage::Rcpt, None, &["a@shop.test"]).unwrap();
        assert_eq!(struck.reply.as_deref(), Some("450 4.2.1 Mailbox unavailable, try again later"));
        assert!(faults.take(Stage::Rcpt, None, &["a@shop.test"]).is_some());
        assert_eq!(faults.take(Stage::Rcpt, None, &["a@shop.test"]), None);
        assert_eq!(faults.list()[0].used, 2);
    }

    #[test]
    fn the_same_seed_strikes_the_same_deliveries() {
        let pattern = |seed: u64| {
            let mut faults = SmtpFaults::default();
            let spec = format!(r#"{{"stage":"data","code":451,"probability":0.3,"seed":{seed}}}"#);
            faults.add(fault(&spec).unwrap()).unwrap();
            (0..200).map(|_| faults.take(Stage::Data, None, &["a@b.test"]).is_some()).collect::<Vec<_>>()
        };
        assert_eq!(pattern(42), pattern(42));
        assert_ne!(pattern(42), pattern(43));
        let struck = pattern(42).iter().filter(|&&s| s).count();
        assert!((40..=80).contains(&struck), "about 30% of 200, got {struck}");
    }

    #[test]
    fn the_cap_holds() {
        let mut faults = SmtpFaults::default();
        for _ in 0..MAX_FAULTS {
            faults.add(fault(r#"{"stage":"mail","code":451}"#).unwrap()).unwrap();
        }
        assert_eq!(faults.add(fault(r#"{"stage":"mail","code":451}"#).unwrap()), Err(FaultError::TooMany));
    }
}
