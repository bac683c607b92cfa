//! Garbled mail never panics the parser and never makes it produce much more than it was given:
//! arbitrary bytes, MIME token soup, and the oddities corpus (`fixtures/mail-oddities/`) cut,
//! flipped and spliced. `FUZZ_CASES` sets the number of cases (CI runs more than the default).

use std::path::Path;

use proptest::prelude::*;

use time::OffsetDateTime;

use super::mailpit::{Message, MessageSummary};
use super::received::{self, Received};
use super::stored::{Content, StoredMessage};

/// The corpus files, cut, flipped and spliced: inputs near real mail reach deep into the parser.
fn corpus_files() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mail-oddities");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files.into_iter().map(|path| std::fs::read(path).unwrap()).collect()
}

/// MIME's own tokens, so random text often forms headers, boundaries and encoded words.
const TOKENS: &[&str] = &[
    "\r\n",
    "\n",
    "\r\n\r\n",
    " ",
    ":",
    ";",
    ",",
    "<",
    ">",
    "\"",
    "(",
    ")",
    "@",
    "=?",
    "?=",
    "?B?",
    "?Q?",
    "=?utf-8?b?",
    "=?x?q?",
    "=C3",
    "=\r\n",
    "--b",
    "--b--",
    "boundary=b",
    "boundary=\"b\"",
    "From: ",
    "To: ",
    "Cc: ",
    "Bcc: ",
    "Subject: ",
    "X-Tags: ",
    "Content-Type: ",
    "multipart/mixed; ",
    "multipart/alternative; ",
    "message/rfc822",
    "text/html",
    "text/plain; charset=",
    "utf-16",
    "Content-Transfer-Encoding: ",
    "base64",
    "quoted-printable",
    "Content-Disposition: attachment; filename*=utf-8''%C3",
    "Content-ID: <",
    "group:",
    "a+b@c",
    "\u{e9}",
    "\0",
];

fn check_bounded(raw: Vec<u8>, envelope: &[String]) -> Result<(), TestCaseError> {
    let len = raw.len();
    let Some(received) = Received::parse(raw, Some("fuzz@example.com"), envelope) else { return Ok(()) };
    let parts = received.parse_parts();
    // Decoding never makes more than a few times the source (UTF-8 of 8-bit bytes, HTML as text).
    let produced = parts.text.len() + parts.html.len() + received.subject.len() + received.snippet.len();
    prop_assert!(produced <= 16 * len + 1024, "{produced} bytes out of {len}");
    let stored: usize = parts.attachments.iter().chain(&parts.inline).map(|a| a.size).sum();
    prop_assert!(stored <= 4 * len + 1024, "{stored} attachment bytes out of {len}");
    for index in 0..parts.attachments.len() + parts.inline.len() + 2 {
        let _ = received::attachment(&received.raw, &(index + 2).to_string());
    }
    prop_assert!(received.bcc.len() <= envelope.len() + len);
    // Everything a Mailpit view or the admin view reads from it.
    let content = Content::Received(Box::new(received));
    let stored = StoredMessage::new("id".into(), "message-id".into(), OffsetDateTime::UNIX_EPOCH, content);
    let _ = stored.reset_link();
    prop_assert!(serde_json::to_string(&Message::from(&stored)).is_ok());
    prop_assert!(serde_json::to_string(&MessageSummary::from(&stored)).is_ok());
    Ok(())
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_parse_without_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_bounded(raw, &["a@example.com".to_owned()])?;
    }

    #[test]
    fn mime_token_soup_parses_without_panic(
        tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..200),
        envelope in proptest::collection::vec("[a-z+]{0,6}@?[a-z.]{0,6}", 0..4),
    ) {
        check_bounded(tokens.concat().into_bytes(), &envelope)?;
    }

    #[test]
    fn mutated_corpus_files_parse_without_panic(
        file in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..24),
        cut in any::<prop::sample::Index>(),
    ) {
        let files = corpus_files();
        let mut raw = files[file.index(files.len())].clone();
        for (at, byte, kind) in edits {
            let at = at.index(raw.len().max(1)).min(raw.len());
            match kind {
                0 if at < raw.len() => raw[at] = byte,
                1 => raw.insert(at, byte),
                2 if at < raw.len() => { raw.remove(at); }
                _ => raw.splice(at..at, TOKENS[usize::from(byte) % TOKENS.len()].bytes()).for_each(drop),
            }
        }
        if cut.index(4) == 0 {
            raw.truncate(cut.index(raw.len().max(1)));
        }
        check_bounded(raw, &["roni_cost@example.com".to_owned()])?;
    }
}
