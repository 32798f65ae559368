//! A subscriber's chain of orders: each order waits for the turn of the one delivered
//! before it for the same MSISDN, so one subscriber's orders run in delivery order while
//! different subscribers' run concurrently.

use std::cell::Cell;
use std::rc::Rc;

use tokio::sync::Notify;

/// One order's place in its subscriber's chain: finished once acked or nacked (or its
/// task ended any other way).
#[derive(Default)]
pub(super) struct Turn {
    pub(super) finished: Cell<bool>,
    done: Notify,
}

impl Turn {
    pub(super) async fn wait(&self) {
        loop {
            let notified = self.done.notified();
            if self.finished.get() {
                return;
            }
            notified.await;
        }
    }
}

pub(super) struct TurnGuard(pub(super) Rc<Turn>);

impl Drop for TurnGuard {
    fn drop(&mut self) {
        self.0.finished.set(true);
        self.0.done.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::time::Duration;

    use super::*;
    use crate::intake::InFlight;

    #[actix_rt::test]
    async fn an_order_waits_for_the_previous_order_of_its_subscriber() {
        let in_flight = Rc::new(InFlight::default());
        let applied = Rc::new(RefCell::new(Vec::new()));
        let first = Rc::new(Turn::default());
        let first_turn = TurnGuard(Rc::clone(&first));
        let first_flight = in_flight.enter();

        let second_flight = in_flight.enter();
        let second = {
            let applied = Rc::clone(&applied);
            actix::spawn(async move {
                first.wait().await;
                applied.borrow_mut().push("second");
                drop(second_flight);
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(applied.borrow().is_empty(), "the second order waits");
        assert_eq!(in_flight.count.get(), 2);

        applied.borrow_mut().push("first");
        drop(first_turn);
        drop(first_flight);
        tokio::time::timeout(Duration::from_secs(1), in_flight.idle())
            .await
            .expect("in flight drops to zero");
        second.await.expect("second ran");
        assert_eq!(*applied.borrow(), vec!["first", "second"]);
    }
}
