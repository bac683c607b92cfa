//! An async property runner on proptest's generators: `cases` inputs drawn from a seeded
//! generator (same seed, same inputs), each sent to the target; a failing input is shrunk the
//! way proptest shrinks, by re-sending simpler ones.

use std::fmt::Debug;
use std::future::Future;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::check::{CheckResult, Failure, Stop};

/// Re-sends at most this many simpler inputs after a failure.
pub const MAX_SHRINK_STEPS: u32 = 200;

/// A generator seeded from the run's seed and the property's name.
pub fn runner(seed: u64, name: &str) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    // FNV-1a of the name, so each property draws its own inputs from one seed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    bytes[8..16].copy_from_slice(&hash.to_le_bytes());
    TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Runs `test` on `cases` inputs from `strategy`. The first failure is shrunk and reported with
/// the simplest failing input; a skip stops the property.
pub async fn check<S, F, Fut>(name: &str, seed: u64, cases: u32, strategy: S, test: F) -> CheckResult
where
    S: Strategy,
    S::Value: Debug + Clone,
    F: Fn(S::Value) -> Fut,
    Fut: Future<Output = CheckResult>,
{
    let mut runner = runner(seed, name);
    for case in 0..cases {
        let mut tree = strategy.new_tree(&mut runner).map_err(|e| Stop::error(format!("generator: {e}")))?;
        let input = tree.current();
        let failure = match test(input.clone()).await {
            Ok(()) => continue,
            Err(Stop::Skip(reason)) => return Err(Stop::Skip(reason)),
            Err(Stop::Deviation(failure)) => failure,
        };
        let (input, failure, steps) = shrink(&mut tree, input, failure, &test).await;
        let summary = format!(
            "property {name} fails for {input:?}\n(case {} of {cases}, seed {seed}, shrunk in {steps} steps): {}",
            case + 1,
            failure.summary
        );
        return Err(Stop::Deviation(Box::new(Failure { summary, ..*failure })));
    }
    Ok(())
}

async fn shrink<T, F, Fut>(
    tree: &mut T,
    mut input: T::Value,
    mut failure: Box<Failure>,
    test: &F,
) -> (T::Value, Box<Failure>, u32)
where
    T: ValueTree,
    T::Value: Clone,
    F: Fn(T::Value) -> Fut,
    Fut: Future<Output = CheckResult>,
{
    let mut steps = 0;
    if !tree.simplify() {
        return (input, failure, steps);
    }
    while steps < MAX_SHRINK_STEPS {
        steps += 1;
        let candidate = tree.current();
        match test(candidate.clone()).await {
            Err(Stop::Deviation(f)) => {
                input = candidate;
                failure = f;
                if !tree.simplify() {
                    break;
                }
            }
            _ => {
                if !tree.complicate() {
                    break;
                }
            }
        }
    }
    (input, failure, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failure_is_shrunk_to_the_simplest_input() {
        let result = check("shrinks", 7, 64, 0u32..1000, |n| async move {
            if n >= 10 { Err(Stop::error(format!("{n} is too big"))) } else { Ok(()) }
        })
        .await;
        let Err(Stop::Deviation(failure)) = result else { panic!("expected a deviation") };
        assert!(failure.summary.contains("fails for 10\n"), "{}", failure.summary);
    }

    #[tokio::test]
    async fn the_same_seed_draws_the_same_inputs() {
        let draw = |seed| {
            let mut runner = runner(seed, "p");
            (0..5).map(|_| (0u32..1_000_000).new_tree(&mut runner).unwrap().current()).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }
}
