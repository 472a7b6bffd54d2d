//! libsigx: the C library. Every exported function is defined in
//! `sigx_core::capi` (one module per area of the C API, documented there and
//! in `include/sigx.h`); this crate re-exports them at one path and builds
//! them into `libsigx.so` and `libsigx.a`.

pub use sigx_core::capi::*;
