//! loom model checks of the wake-up protocols in `wake_protocol.rs`.

mod atomic {
    pub use loom::sync::atomic::*;
    /// Loom models SeqCst accesses as acquire/release: see
    /// `wake_protocol.rs` on `sc_fence`.
    pub fn sc_fence() {
        fence(Ordering::SeqCst);
    }
}
#[allow(dead_code)] // the copy checked here uses only part of the protocol
#[path = "wake_protocol.rs"]
mod protocol;

use atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use protocol::{EventCount, FdArm, FdEntry, FdTable, Sys};
use std::time::Duration;

/// A futex and two eventfds, modelled: the futex's "compare and sleep"
/// is atomic against its wake, as the kernel's hash-bucket lock makes
/// it; an eventfd is a counter, readable while non-zero.
struct Model {
    lock: Mutex<()>,
    cv: Condvar,
    fds: [AtomicU64; 2],
}

impl Model {
    fn new() -> Self {
        Self {
            lock: Mutex::new(()),
            cv: Condvar::new(),
            fds: [AtomicU64::new(0), AtomicU64::new(0)],
        }
    }
    fn readable(&self, fd: i32) -> bool {
        self.fds[fd as usize].load(Ordering::SeqCst) != 0
    }
}

impl Sys for Model {
    fn futex_wait(&self, word: &AtomicU32, expected: u32, _t: Option<Duration>) {
        let g = self.lock.lock().unwrap();
        if word.load(Ordering::SeqCst) == expected {
            drop(self.cv.wait(g).unwrap());
        }
    }
    fn futex_wake(&self, _word: &AtomicU32) {
        let _g = self.lock.lock().unwrap();
        self.cv.notify_all();
    }
    fn fd_signal(&self, fd: i32) {
        self.fds[fd as usize].fetch_add(1, Ordering::SeqCst);
    }
    fn fd_clear(&self, fd: i32) {
        self.fds[fd as usize].swap(0, Ordering::SeqCst);
    }
}

fn events() -> EventCount {
    EventCount {
        epoch: AtomicU32::new(0),
        waiters: AtomicU32::new(0),
        last: AtomicUsize::new(0),
    }
}

/// A waiter never sleeps through a record published concurrently: with
/// one or two publishers, the model never deadlocks (loom reports a
/// thread asleep forever) and the waiter takes what was published.
#[test]
fn event_count_loses_no_wakeup() {
    loom::model(|| {
        let sys = Arc::new(Model::new());
        let ev = Arc::new(events());
        let items = Arc::new(AtomicU32::new(0));
        let publisher = {
            let (sys, ev, items) = (sys.clone(), ev.clone(), items.clone());
            thread::spawn(move || {
                items.fetch_add(1, Ordering::SeqCst);
                ev.notify(&*sys, || 2);
            })
        };
        ev.register(1);
        loop {
            let e = ev.epoch();
            if items.load(Ordering::SeqCst) == 1 {
                break;
            }
            ev.sleep(&*sys, e, None);
        }
        ev.unregister(1);
        publisher.join().unwrap();
    });
}

/// The skip for "the only waiter is the publishing thread": a publisher
/// on the waiter's own thread (as a handler interrupting it) skips the
/// wake, and a second waiter on another thread is still woken by a
/// publisher that runs on the first waiter's thread.
#[test]
fn event_count_skip_is_safe() {
    loom::model(|| {
        let sys = Arc::new(Model::new());
        let ev = Arc::new(events());
        let items = Arc::new(AtomicU32::new(0));
        let other = {
            let (sys, ev, items) = (sys.clone(), ev.clone(), items.clone());
            thread::spawn(move || {
                ev.register(2);
                loop {
                    let e = ev.epoch();
                    if items.load(Ordering::SeqCst) != 0 {
                        break;
                    }
                    ev.sleep(&*sys, e, None);
                }
                ev.unregister(2);
            })
        };
        // Thread 1 registers, then (as its own handler) publishes.
        ev.register(1);
        items.fetch_add(1, Ordering::SeqCst);
        ev.notify(&*sys, || 1);
        ev.unregister(1);
        other.join().unwrap();
    });
}

/// Arming: after publishers and a concurrent settle, the descriptor is
/// readable exactly when it must be: whenever a record is still queued
/// after everything finished, it is readable.
#[test]
fn fd_arming_loses_no_readiness() {
    loom::model(|| {
        let sys = Arc::new(Model::new());
        let arm = Arc::new(FdArm {
            armed: AtomicBool::new(false),
        });
        let queued = Arc::new(AtomicU32::new(0));
        let publisher = {
            let (sys, arm, queued) = (sys.clone(), arm.clone(), queued.clone());
            thread::spawn(move || {
                queued.fetch_add(1, Ordering::SeqCst);
                arm.publish(&*sys, 0);
            })
        };
        // A consumer drains what it finds, then settles.
        let took = queued
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |q| q.checked_sub(1))
            .is_ok();
        arm.settle(&*sys, 0, || queued.load(Ordering::SeqCst) > 0);
        publisher.join().unwrap();
        let left = queued.load(Ordering::SeqCst);
        assert!(
            left == 0 || sys.readable(0),
            "a queued record left the descriptor unreadable"
        );
        assert!(took || left == 1);
    });
}

/// The table: a publisher of one signal arms only the descriptors whose
/// mask holds it, and an entry added concurrently with a publication
/// ends readable if the record is still queued.
#[test]
fn fd_table_arms_by_mask() {
    loom::model(|| {
        let sys = Arc::new(Model::new());
        let table = Arc::new(FdTable::<2> {
            entries: [0, 1].map(|_| FdEntry {
                mask: AtomicU64::new(0),
                fd: AtomicI32::new(-1),
                arm: FdArm {
                    armed: AtomicBool::new(false),
                },
                sleepers: AtomicU32::new(0),
            }),
            count: AtomicUsize::new(0),
            any: AtomicU64::new(0),
        });
        table.add(0b01, 0).unwrap();
        let queued = Arc::new(AtomicU64::new(0));
        let publisher = {
            let (sys, table, queued) = (sys.clone(), table.clone(), queued.clone());
            thread::spawn(move || {
                queued.fetch_or(0b10, Ordering::SeqCst);
                table.publish(&*sys, 0b10);
            })
        };
        let i = table.add(0b10, 1).unwrap();
        table.entries[i]
            .arm
            .settle(&*sys, 1, || queued.load(Ordering::SeqCst) & 0b10 != 0);
        publisher.join().unwrap();
        assert!(sys.readable(1), "the record of signal 2 is queued");
        assert!(
            !sys.readable(0),
            "signal 1's descriptor was armed for signal 2"
        );
    });
}
