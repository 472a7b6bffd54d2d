//! The C ABI: every `extern "C"` function of sigx lives below this module.
//!
//! Each exported body runs inside [`boundary`], which turns the core's
//! `Result` into a status code and stops a panic (which the code is written
//! never to raise) from unwinding into C. The bodies only check and convert
//! arguments, call one core function, and write out-parameters on success.
#![allow(non_camel_case_types)]
#![allow(clippy::not_unsafe_ptr_arg_deref)]

// The order of these declarations is the order of include/sigx.h: cbindgen
// emits functions in source order (`sort_by = "None"` in cbindgen.toml), so
// the header tells the API's story instead of the alphabet. A new module
// goes where its functions belong in the story. (One per group: rustfmt
// sorts adjacent `mod` lines.)

// 1. Installing, ignoring, defaulting; queue capacities.
pub mod install;

// 2. Waiting for a record.
pub mod wait;

// 3. Descriptors for event loops.
pub mod fd;

// 4. Callbacks.
pub mod callback;

// 5. Alarms, timers on any clock, per-thread deadlines (blank lines keep
// rustfmt from sorting them).
pub mod alarm;

pub mod timer;

pub mod deadline;

// 6. Child watches.
pub mod child;

// 7. Masks.
pub mod mask;

// 8. Sending.
pub mod send;

// 9. Hosts: who owns a signal, who may send it.
pub mod host;

// 10. Look-ups: names, numbers, actions, the version, status sentences.
pub mod lookup;
pub mod status;

// 11. The figures.
pub mod stats;

// Every C function, type and constant at one path (`sigx_core::capi::*`),
// which is also what libsigx (ffi/) re-exports. The functions that take
// pointers from the caller are `unsafe` for Rust callers; each says why.
pub use crate::disposition::{sigx_disposition, sigx_disposition_kind};
pub use crate::flags::*;
pub use crate::record::{sigx_info, sigx_stats};
pub use alarm::*;
pub use callback::*;
pub use child::*;
pub use deadline::*;
pub use fd::*;
pub use host::*;
pub use install::*;
pub use lookup::*;
pub use mask::*;
pub use send::*;
pub use stats::*;
pub use status::*;
pub use timer::*;
pub use wait::*;

use crate::error::Error;

use std::os::raw::c_int;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Run `f`, returning its value as a C `int`, or the status of its error.
/// For `Error::System`, `errno` is set just before returning.
pub(crate) fn boundary(f: impl FnOnce() -> Result<c_int, Error>) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => status::fail(e),
        Err(_) => sigx_status::SIGX_ERR_INTERNAL as c_int,
    }
}

/// [`boundary`] for functions that return only a status.
pub(crate) fn boundary_status(f: impl FnOnce() -> Result<(), Error>) -> c_int {
    boundary(|| f().map(|()| sigx_status::SIGX_OK as c_int))
}

/// A required out-pointer: NULL is an argument error.
pub(crate) fn out_ptr<T>(p: *mut T) -> Result<OutPtr<T>, Error> {
    if p.is_null() {
        Err(Error::Argument)
    } else {
        Ok(OutPtr(p))
    }
}

/// An optional out-pointer: NULL means "not wanted".
pub(crate) fn opt_out_ptr<T>(p: *mut T) -> Option<OutPtr<T>> {
    (!p.is_null()).then_some(OutPtr(p))
}

/// A non-NULL pointer from C to write one `T` through.
pub(crate) struct OutPtr<T>(*mut T);

impl<T> OutPtr<T> {
    /// Write the value (the only way an out-parameter is ever written).
    pub(crate) fn write(self, value: T) {
        // SAFETY: non-NULL was checked at construction; the C contract says an out-pointer points at writable memory for one `T`. An unaligned pointer from C is tolerated.
        unsafe { self.0.write_unaligned(value) }
    }
}
