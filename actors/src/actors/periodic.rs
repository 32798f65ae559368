//! [`Periodic`]: the one actor that runs work on a timer — the expiry timers, recovery,
//! the outbox dispatchers and the event relay are each a [`PeriodicJob`] run by it.
//!
//! It holds the three rules every such worker needs, once:
//! - a tick that finds the previous one still running is skipped (counted in
//!   `giftgate_periodic_ticks_total{outcome="skipped"}`), so rounds never overlap;
//! - [`Stop`] lets the round in progress finish — the job sees [`TickContext::stopping`]
//!   and may end early between batches — and answers only when it has, so a drain that
//!   awaits it leaves no half-done round behind;
//! - no new round starts once stopping;
//! - a round that panics is caught and logged (`outcome="panicked"`), and the next tick
//!   runs as usual: the supervision DESIGN.md asks for, at the grain of one round (what the
//!   round committed stays, what it did not is due again).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix::prelude::*;
use futures::FutureExt;
use tokio::sync::oneshot;

use super::Stop;

/// One round of a periodic job's work.
pub type Round = Pin<Box<dyn Future<Output = ()> + 'static>>;

/// Work run on a timer by a [`Periodic`] actor.
pub trait PeriodicJob: Unpin + Sized + 'static {
    /// Names the job in logs and metrics (`gift_expiry`, `sms_dispatch`, …).
    const NAME: &'static str;

    /// How long from the start of one tick to the next.
    fn every(&self) -> Duration;

    /// Whether the first round runs at once rather than after [`PeriodicJob::every`].
    fn runs_at_start(&self) -> bool {
        false
    }

    /// One round of work; the next tick is skipped while it runs.
    fn round(&mut self, tick: TickContext) -> Round;

    /// Starts the job on its timer.
    fn start(self) -> Addr<Periodic<Self>> {
        Periodic::new(self).start()
    }
}

/// What a round is told about itself.
#[derive(Debug, Clone)]
pub struct TickContext {
    /// Whether this is the round run at start.
    pub first: bool,
    /// Set once the worker is asked to stop: a round that loops over batches ends after
    /// the batch in hand.
    pub stopping: StopSignal,
}

/// Whether the worker running a round has been asked to stop.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    /// True once a stop was asked for.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs a [`PeriodicJob`] on its timer.
pub struct Periodic<J: PeriodicJob> {
    job: J,
    busy: bool,
    first: bool,
    stopping: StopSignal,
    waiting: Vec<oneshot::Sender<()>>,
}

impl<J: PeriodicJob> Periodic<J> {
    /// A runner for `job` (started with [`Actor::start`] or [`PeriodicJob::start`]).
    pub fn new(job: J) -> Self {
        Periodic {
            job,
            busy: false,
            first: true,
            stopping: StopSignal::default(),
            waiting: Vec::new(),
        }
    }
}

/// Run a round now (the timer sends it; tests may too).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct RunNow;

impl<J: PeriodicJob> Actor for Periodic<J> {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        if self.job.runs_at_start() {
            ctx.notify(RunNow);
        }
        ctx.run_interval(self.job.every(), |_, ctx| ctx.notify(RunNow));
    }
}

impl<J: PeriodicJob> Handler<RunNow> for Periodic<J> {
    type Result = ();

    fn handle(&mut self, _: RunNow, ctx: &mut Self::Context) {
        if self.stopping.is_set() {
            return;
        }
        if self.busy {
            metrics::counter!("giftgate_periodic_ticks_total", "job" => J::NAME, "outcome" => "skipped")
                .increment(1);
            return;
        }
        self.busy = true;
        let tick = TickContext {
            first: std::mem::replace(&mut self.first, false),
            stopping: self.stopping.clone(),
        };
        let began = Instant::now();
        let round = AssertUnwindSafe(self.job.round(tick)).catch_unwind();
        ctx.spawn(round.into_actor(self).map(move |finished, runner, ctx| {
            runner.busy = false;
            let outcome = if finished.is_ok() { "ran" } else { "panicked" };
            if finished.is_err() {
                tracing::error!(job = J::NAME, "a round panicked; the next tick runs as usual");
            }
            metrics::counter!("giftgate_periodic_ticks_total", "job" => J::NAME, "outcome" => outcome)
                .increment(1);
            metrics::histogram!("giftgate_periodic_round_seconds", "job" => J::NAME)
                .record(began.elapsed().as_secs_f64());
            if runner.stopping.is_set() {
                runner.finish(ctx);
            }
        }));
    }
}

impl<J: PeriodicJob> Periodic<J> {
    /// Stops the actor and answers everyone waiting for it.
    fn finish(&mut self, ctx: &mut Context<Self>) {
        ctx.stop();
        for waiter in self.waiting.drain(..) {
            // An asker that went away needs no answer.
            waiter.send(()).ok();
        }
    }
}

impl<J: PeriodicJob> Handler<Stop> for Periodic<J> {
    type Result = ResponseFuture<()>;

    /// Answers once the round in progress (if any) has finished and the actor stopped.
    fn handle(&mut self, _: Stop, ctx: &mut Self::Context) -> Self::Result {
        self.stopping.set();
        if !self.busy {
            self.finish(ctx);
            return Box::pin(async {});
        }
        tracing::info!(job = J::NAME, "stopping after the round in progress");
        let (done, finished) = oneshot::channel();
        self.waiting.push(done);
        Box::pin(async move {
            // A dropped sender means the actor is gone, which is what was waited for.
            drop(finished.await);
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A job whose rounds take `round_takes`, logging when each begins and ends.
    struct Slow {
        round_takes: Duration,
        log: Arc<Mutex<Vec<&'static str>>>,
        saw_stopping: Arc<AtomicBool>,
    }

    impl PeriodicJob for Slow {
        const NAME: &'static str = "slow_test_job";

        fn every(&self) -> Duration {
            Duration::from_millis(10)
        }

        fn runs_at_start(&self) -> bool {
            true
        }

        fn round(&mut self, tick: TickContext) -> Round {
            let log = Arc::clone(&self.log);
            let saw_stopping = Arc::clone(&self.saw_stopping);
            let takes = self.round_takes;
            Box::pin(async move {
                log.lock().expect("log").push("begin");
                tokio::time::sleep(takes).await;
                saw_stopping.store(tick.stopping.is_set(), Ordering::SeqCst);
                log.lock().expect("log").push("end");
            })
        }
    }

    fn slow(round_takes: Duration) -> (Slow, Arc<Mutex<Vec<&'static str>>>, Arc<AtomicBool>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let saw_stopping = Arc::new(AtomicBool::new(false));
        let job = Slow {
            round_takes,
            log: Arc::clone(&log),
            saw_stopping: Arc::clone(&saw_stopping),
        };
        (job, log, saw_stopping)
    }

    #[actix_rt::test]
    async fn rounds_never_overlap_although_ticks_come_faster() {
        let (job, log, _) = slow(Duration::from_millis(60));
        let runner = job.start();
        tokio::time::sleep(Duration::from_millis(250)).await;
        runner.send(Stop).await.expect("stopped");
        let log = log.lock().expect("log").clone();
        assert!(log.len() >= 4, "at least two rounds ran: {log:?}");
        for pair in log.chunks(2) {
            assert_eq!(pair, ["begin", "end"], "one round at a time: {log:?}");
        }
    }

    #[actix_rt::test]
    async fn stop_answers_only_after_the_round_in_progress_finished_and_starts_no_other() {
        let (job, log, saw_stopping) = slow(Duration::from_millis(200));
        let runner = job.start();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            *log.lock().expect("log"),
            ["begin"],
            "the first round is running"
        );
        runner.send(Stop).await.expect("stopped");
        assert_eq!(
            *log.lock().expect("log"),
            ["begin", "end"],
            "the round finished before Stop answered"
        );
        assert!(saw_stopping.load(Ordering::SeqCst), "the round was told");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!runner.connected(), "the actor is gone");
        assert_eq!(log.lock().expect("log").len(), 2, "no round after the stop");
    }

    /// A job whose first round panics.
    struct PanicsOnce {
        rounds: Arc<Mutex<u32>>,
    }

    impl PeriodicJob for PanicsOnce {
        const NAME: &'static str = "panics_once_test_job";

        fn every(&self) -> Duration {
            Duration::from_millis(10)
        }

        fn runs_at_start(&self) -> bool {
            true
        }

        fn round(&mut self, _: TickContext) -> Round {
            let rounds = Arc::clone(&self.rounds);
            Box::pin(async move {
                let round = {
                    let mut rounds = rounds.lock().expect("rounds");
                    *rounds += 1;
                    *rounds
                };
                assert!(round > 1, "the first round fails");
            })
        }
    }

    #[actix_rt::test]
    async fn a_round_that_panics_is_caught_and_the_next_ticks_still_run() {
        let rounds = Arc::new(Mutex::new(0));
        let runner = PanicsOnce {
            rounds: Arc::clone(&rounds),
        }
        .start();
        // (Printing the panic's backtrace may take a while: wait for the rounds, bounded.)
        let deadline = Instant::now() + Duration::from_secs(10);
        while *rounds.lock().expect("rounds") < 3 {
            assert!(Instant::now() < deadline, "no rounds after the panic");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(runner.connected());
        runner.send(Stop).await.expect("stopped");
    }

    #[actix_rt::test]
    async fn stop_of_an_idle_runner_answers_at_once() {
        let (mut job, log, _) = slow(Duration::from_millis(1));
        job.round_takes = Duration::ZERO;
        let runner = job.start();
        tokio::time::sleep(Duration::from_millis(30)).await;
        runner.send(Stop).await.expect("stopped");
        let log = log.lock().expect("log").clone();
        assert!(
            !log.is_empty() && log.len() % 2 == 0,
            "whole rounds only: {log:?}"
        );
    }
}
