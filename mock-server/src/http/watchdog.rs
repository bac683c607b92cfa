//! The server's watch over its connections: each one's header-read deadline and its shutdown.
//!
//! hyper's own timer for the header-read timeout (`TokioTimer`) boxes a tokio `Sleep` each time
//! a connection starts reading a request head and drops it once the head is in: a timer-wheel
//! insert and removal for every request; a shutdown channel was polled at every wake of every
//! connection. Replacing both saved 991 of a success request's 28,720 instructions (callgrind,
//! BENCHMARKS.md, the seventeenth pass). Here one task looks at every connection ten times a
//! timeout instead: a head still not in after its deadline is cut off at the next look, so a
//! slow client is cut off between the timeout and one period later: a tenth of the timeout, 10 ms
//! at least and a second at most.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;
use hyper::rt::{Sleep, Timer};

/// Every connection's [`Watch`], looked at every period by [`Watchdog::run`].
#[derive(Clone)]
pub struct Watchdog {
    shared: Arc<Shared>,
}

struct Shared {
    period: Duration,
    /// Registrations kept before the ended ones are swept out, so that a burst of short
    /// connections between two looks cannot grow the list without bound.
    sweep_at: usize,
    watches: Mutex<Vec<Weak<Watch>>>,
    stopping: AtomicBool,
}

/// One connection's state as the watchdog sees it. A connection reads one head at a time.
pub struct Watch {
    head: Mutex<Head>,
    /// The connection's task, woken when its head times out or the server stops.
    task: AtomicWaker,
    stopping: AtomicBool,
}

#[derive(Default)]
struct Head {
    /// Counts the deadlines set, so a dropped [`HeadDeadline`] clears only its own.
    generation: u64,
    deadline: Option<Instant>,
    /// The watchdog found `generation`'s deadline passed.
    timed_out: bool,
}

impl Watchdog {
    /// Looks at the connections a tenth of `timeout` apart (10 ms to 1 s); at most
    /// `max_connections` are open at once.
    pub fn new(timeout: Duration, max_connections: usize) -> Self {
        let period = (timeout / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
        let sweep_at = 2 * max_connections;
        let shared = Shared { period, sweep_at, watches: Mutex::default(), stopping: AtomicBool::new(false) };
        Self { shared: Arc::new(shared) }
    }

    /// A new connection's watch; it is told at once if the server is already stopping.
    pub fn watch(&self) -> Arc<Watch> {
        let watch = Arc::new(Watch {
            head: Mutex::default(),
            task: AtomicWaker::new(),
            stopping: AtomicBool::new(self.shared.stopping.load(Ordering::Acquire)),
        });
        let mut watches = lock(&self.shared.watches);
        if watches.len() >= self.shared.sweep_at {
            watches.retain(|watch| watch.strong_count() > 0);
        }
        watches.push(Arc::downgrade(&watch));
        watch
    }

    /// Looks at every connection each period, until this watchdog and its clones are dropped
    /// (so a server whose future is dropped mid-way leaves no task ticking behind it).
    pub fn run(&self) -> impl Future<Output = ()> + Send + 'static {
        let shared = Arc::downgrade(&self.shared);
        let mut ticks = tokio::time::interval(self.shared.period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        async move {
            loop {
                ticks.tick().await;
                let Some(shared) = shared.upgrade() else { return };
                Watchdog { shared }.look(Instant::now());
            }
        }
    }

    /// Cuts off the heads whose deadline is `now` or before, and forgets ended connections.
    fn look(&self, now: Instant) {
        lock(&self.shared.watches).retain(|watch| {
            let Some(watch) = watch.upgrade() else { return false };
            watch.look(now);
            true
        });
    }

    /// Tells every connection, and any accepted after, that the server is stopping.
    pub fn stop(&self) {
        self.shared.stopping.store(true, Ordering::Release);
        for watch in lock(&self.shared.watches).iter().filter_map(Weak::upgrade) {
            watch.stopping.store(true, Ordering::Release);
            watch.task.wake();
        }
    }
}

impl Watch {
    /// Whether the server is stopping; until it is, `cx`'s task is woken when it starts to.
    pub fn stopping(&self, cx: &Context<'_>) -> bool {
        self.task.register(cx.waker());
        self.stopping.load(Ordering::Acquire)
    }

    fn look(&self, now: Instant) {
        let mut head = lock(&self.head);
        if head.deadline.is_some_and(|deadline| deadline <= now) {
            head.deadline = None;
            head.timed_out = true;
            drop(head);
            self.task.wake();
        }
    }

    fn arm(&self, deadline: Instant) -> u64 {
        let mut head = lock(&self.head);
        head.generation += 1;
        head.deadline = Some(deadline);
        head.timed_out = false;
        head.generation
    }

    fn rearm(&self, generation: u64, deadline: Instant) {
        let mut head = lock(&self.head);
        if head.generation == generation {
            head.deadline = Some(deadline);
            head.timed_out = false;
        }
    }

    fn timed_out(&self, generation: u64) -> bool {
        let head = lock(&self.head);
        head.generation == generation && head.timed_out
    }

    fn disarm(&self, generation: u64) {
        let mut head = lock(&self.head);
        if head.generation == generation {
            head.deadline = None;
        }
    }
}

/// hyper's timer for one connection: its sleeps are that connection's head deadlines.
#[derive(Clone)]
pub struct HeadTimer(pub Arc<Watch>);

impl Timer for HeadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(Instant::now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        let generation = self.0.arm(deadline);
        Box::pin(HeadDeadline { watch: Arc::clone(&self.0), generation })
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<HeadDeadline>() {
            Some(own) => own.watch.rearm(own.generation, new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// Completes once the watchdog finds its deadline passed.
struct HeadDeadline {
    watch: Arc<Watch>,
    generation: u64,
}

impl Future for HeadDeadline {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.watch.task.register(cx.waker());
        if self.watch.timed_out(self.generation) { Poll::Ready(()) } else { Poll::Pending }
    }
}

impl Sleep for HeadDeadline {}

impl Drop for HeadDeadline {
    fn drop(&mut self) {
        self.watch.disarm(self.generation);
    }
}

/// Nothing holding these locks can panic, so a poisoned one still holds consistent state.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_millis(200);
    const CONNECTIONS: usize = 16;

    async fn completes_within(sleep: Pin<Box<dyn Sleep>>, limit: Duration) -> bool {
        tokio::time::timeout(limit, sleep).await.is_ok()
    }

    /// A running watchdog (its task ends when the watchdog is dropped) and one connection's timer.
    fn watching_one_connection() -> (Watchdog, HeadTimer) {
        let watchdog = Watchdog::new(TIMEOUT, CONNECTIONS);
        tokio::spawn(watchdog.run());
        let timer = HeadTimer(watchdog.watch());
        (watchdog, timer)
    }

    #[tokio::test]
    async fn a_head_still_not_in_is_cut_off_between_its_deadline_and_one_period_after() {
        let (watchdog, timer) = watching_one_connection();
        let started = Instant::now();
        let sleep = timer.sleep(TIMEOUT);
        assert!(completes_within(sleep, Duration::from_secs(5)).await);
        let waited = started.elapsed();
        assert!(waited >= TIMEOUT, "cut off early, after {waited:?}");
        // The period, plus room for a busy test machine.
        assert!(waited <= TIMEOUT + watchdog.shared.period + Duration::from_millis(300), "{waited:?}");
    }

    #[tokio::test]
    async fn a_head_read_in_time_is_not_cut_off_and_the_next_gets_its_own_deadline() {
        let (_watchdog, timer) = watching_one_connection();
        for _ in 0..3 {
            // Read in time: hyper drops the sleep once the head is in.
            let sleep = timer.sleep(TIMEOUT);
            assert!(!completes_within(sleep, TIMEOUT / 2).await);
        }
        // Three half-timeouts have passed on this connection; a new head still has its whole timeout.
        let started = Instant::now();
        assert!(completes_within(timer.sleep(TIMEOUT), Duration::from_secs(5)).await);
        assert!(started.elapsed() >= TIMEOUT);
    }

    #[tokio::test]
    async fn a_reset_deadline_moves() {
        let (_watchdog, timer) = watching_one_connection();
        let started = Instant::now();
        let mut sleep = timer.sleep_until(started + Duration::from_secs(60));
        timer.reset(&mut sleep, started + TIMEOUT);
        assert!(completes_within(sleep, Duration::from_secs(5)).await);
        assert!(started.elapsed() >= TIMEOUT);
    }

    #[tokio::test]
    async fn stopping_wakes_every_connection_and_reaches_later_ones() {
        let watchdog = Watchdog::new(TIMEOUT, CONNECTIONS);
        let watch = watchdog.watch();
        let waiting =
            tokio::spawn(std::future::poll_fn(
                move |cx| {
                    if watch.stopping(cx) { Poll::Ready(()) } else { Poll::Pending }
                },
            ));
        tokio::task::yield_now().await;
        watchdog.stop();
        assert!(tokio::time::timeout(Duration::from_secs(5), waiting).await.is_ok());
        let later = watchdog.watch();
        assert!(later.stopping(&Context::from_waker(std::task::Waker::noop())));
    }

    #[tokio::test]
    async fn the_look_ends_with_the_watchdog() {
        let watchdog = Watchdog::new(TIMEOUT, CONNECTIONS);
        let running = tokio::spawn(watchdog.run());
        drop(watchdog);
        assert!(tokio::time::timeout(Duration::from_secs(5), running).await.is_ok());
    }

    #[test]
    fn ended_connections_are_forgotten() {
        let watchdog = Watchdog::new(TIMEOUT, CONNECTIONS);
        let kept = watchdog.watch();
        for _ in 0..2 * CONNECTIONS + 10 {
            drop(watchdog.watch());
        }
        assert!(lock(&watchdog.shared.watches).len() <= 2 * CONNECTIONS + 1);
        watchdog.look(Instant::now());
        assert_eq!(lock(&watchdog.shared.watches).len(), 1);
        drop(kept);
    }
}
