//! Stubs, recording and replay (docs/stubs.md): what the mock does not emulate (a storefront's
//! products, CMS blocks, categories...) is answered from recordings of a real store or from
//! stubs written by hand, or forwarded to the store (`--upstream`) and recorded (`--record`).
//! The emulated operations stay emulated unless a stub overrides one on purpose.
//!
//! The GraphQL handler calls [`stage`] once, before its own checks: it answers the request, or
//! hands it back to the emulation (possibly with a scripted state a stub asked for).

pub mod answer;
pub mod format;
pub mod key;
pub mod matching;
pub mod record;
mod stage;
pub mod upstream;

pub use self::stage::{Stage, StageInput, stage};

use std::path::PathBuf;

use self::format::{FormatError, read_stub_files};
use self::matching::{FileStubs, Stub};
use self::record::{RecordError, Recorder};
use self::upstream::{Upstream, UpstreamError};

/// What a request that nothing answers gets when `--upstream` is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Unrecorded {
    /// Sent on to the store (and recorded with `--record`).
    #[default]
    Forward,
    /// The explanatory error, as without `--upstream`.
    Error,
}

/// The stubs of the `--stubs` paths, the store, the recorder: shared by every namespace.
#[derive(Debug, Default)]
pub struct Stubs {
    files: FileStubs,
    upstream: Option<Upstream>,
    recorder: Option<Recorder>,
    unrecorded: Unrecorded,
}

#[derive(Debug, thiserror::Error)]
pub enum StubsError {
    #[error("--stubs {0}")]
    Format(#[from] FormatError),
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("--record needs --upstream: the store whose answers to record")]
    RecordWithoutUpstream,
}

/// The flags that make [`Stubs`].
#[derive(Debug, Default)]
pub struct StubsOptions<'a> {
    pub stubs: &'a [PathBuf],
    pub upstream: Option<&'a str>,
    pub record: Option<&'a std::path::Path>,
    pub unrecorded: Unrecorded,
    pub scrub_emails: bool,
}

impl Stubs {
    /// Reads every stub file and checks the store's URL and the recording directory, so that a
    /// mistake stops the server at start with the file and the reason.
    pub fn load(options: &StubsOptions<'_>) -> Result<Self, StubsError> {
        let mut stubs = Vec::new();
        for path in options.stubs {
            for (file, stub) in read_stub_files(path)? {
                let shown = file.display().to_string();
                let id = stub.id.clone().unwrap_or_default();
                let compiled = Stub::compile(stub, id, shown.clone())
                    .map_err(|e| FormatError::InFile { path: shown, message: e.to_string() })?;
                stubs.push(compiled);
            }
        }
        let upstream = options.upstream.map(Upstream::new).transpose()?;
        let recorder = match options.record {
            Some(_) if upstream.is_none() => return Err(StubsError::RecordWithoutUpstream),
            Some(dir) => Some(Recorder::new(dir, options.scrub_emails)?),
            None => None,
        };
        Ok(Self { files: FileStubs::new(stubs), upstream, recorder, unrecorded: options.unrecorded })
    }

    /// Whether requests the mock does not emulate are this module's (else Magento's validation
    /// error answers them, as on a store without those modules).
    fn active(&self) -> bool {
        !self.files.is_empty() || self.upstream.is_some()
    }

    pub fn files(&self) -> &FileStubs {
        &self.files
    }
}
