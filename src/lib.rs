//! sigx: POSIX signal handling with a lock-free pending queue, for C.
//!
//! A signal handler may run at any instruction, so sigx's handler does almost
//! nothing: it fills a fixed-size record (who sent what, when), pushes it into
//! a pre-allocated per-signal ring and wakes whoever waits. Everything else —
//! installing, waiting, callbacks, figures — runs in normal context.
//!
//! ```text
//! kernel ─► handler (signal zone) ─► per-signal ring ─► futex epoch / eventfd
//!                                                          │
//!        sigx_wait / sigx_dispatch / sigx_fd + drain ◄──────┘
//! ```
//!
//! Layers, each depending only on those below it:
//!
//! - [`capi`]: the C ABI. Checks arguments, calls one core function, maps the
//!   result to a status code.
//! - [`registry`]: installed signals, saved dispositions, callbacks (one
//!   mutex); [`pending`]: taking records and waiting (lock-free);
//!   [`child`]: watched children, one exit record each (pidfds; own lock).
//! - [`handler`]: the signal zone and the static table it shares.
//! - [`queue`]: the bounded MPMC ring (loom-tested); [`wake`]: the futex event
//!   count and the eventfd; [`os`]: system-call wrappers; [`signals`]: names,
//!   numbers and masks.
//! - [`timer`] and [`deadline`]: POSIX timers on any clock, and per-thread
//!   deadlines (normal context; the handler's one deadline test is
//!   [`deadline::hide`]).

pub mod capi;
/// cbindgen:ignore
pub mod child;
/// cbindgen:ignore
pub mod deadline;
pub mod disposition;
/// cbindgen:ignore
pub mod error;
/// cbindgen:ignore
pub mod filter;
pub mod flags;
/// cbindgen:ignore
pub mod handler;
/// cbindgen:ignore
pub mod os;
/// cbindgen:ignore
pub mod pending;
/// cbindgen:ignore
pub mod queue;
pub mod record;
/// cbindgen:ignore
pub mod registry;
/// cbindgen:ignore
pub mod signals;
/// cbindgen:ignore
pub mod timer;
/// cbindgen:ignore
pub mod wake;
