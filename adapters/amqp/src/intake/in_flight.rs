//! The orders an intake has taken and not yet acked or nacked, counted for the instance
//! and for each queue, so a drain or a queue let go of can wait until they are finished.

use std::cell::Cell;
use std::rc::Rc;

use tokio::sync::Notify;

use super::IntakeCore;

/// Orders handed out and not yet acked or nacked.
#[derive(Default)]
pub(super) struct InFlight {
    pub(super) count: Cell<usize>,
    idle: Notify,
}

impl InFlight {
    pub(super) fn enter(self: &Rc<Self>) -> FlightGuard {
        self.count.set(self.count.get() + 1);
        FlightGuard(Rc::clone(self))
    }

    pub(super) async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count.get() == 0 {
                return;
            }
            notified.await;
        }
    }
}

pub(super) struct FlightGuard(Rc<InFlight>);

/// An order's place in the instance's in-flight count and in its queue's.
pub(super) struct Flight {
    _all: FlightGuard,
    _queue: FlightGuard,
}

impl Flight {
    pub(super) fn enter(core: &IntakeCore, queue: &Rc<InFlight>) -> Flight {
        Flight {
            _all: core.in_flight.enter(),
            _queue: queue.enter(),
        }
    }
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        let left = self.0.count.get().saturating_sub(1);
        self.0.count.set(left);
        if left == 0 {
            self.0.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[actix_rt::test]
    async fn idle_returns_at_once_with_nothing_in_flight() {
        let in_flight = Rc::new(InFlight::default());
        tokio::time::timeout(Duration::from_millis(50), in_flight.idle())
            .await
            .expect("nothing to wait for");
    }
}
