//! The one clock every time-dependent rule reads (token expiry, throttles, locks).
//!
//! It runs with real time plus an offset that tests move forward instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

#[derive(Debug, Default)]
pub struct Clock {
    offset_nanos: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        // Adding a zero offset is not free (date arithmetic), and the clock is read several times
        // a request; it is zero unless a test moved it.
        match self.offset_nanos.load(Ordering::Relaxed) {
            0 => now,
            nanos => now + Duration::nanoseconds(nanos),
        }
    }

    pub fn offset(&self) -> Duration {
        Duration::nanoseconds(self.offset_nanos.load(Ordering::Relaxed))
    }

    /// Moves the clock forward (or back, with a negative amount).
    pub fn advance(&self, by: Duration) {
        let nanos = i64::try_from(by.whole_nanoseconds()).unwrap_or(i64::MAX);
        self.offset_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Back to real time.
    pub fn reset(&self) {
        self.offset_nanos.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_by_the_amount() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::hours(2));
        let moved = clock.now() - before;
        assert!(moved >= Duration::hours(2) && moved < Duration::hours(2) + Duration::seconds(5));
        clock.reset();
        assert_eq!(clock.offset(), Duration::ZERO);
    }
}
