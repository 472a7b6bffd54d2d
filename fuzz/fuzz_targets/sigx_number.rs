//! Fuzz `sigx_number` through the C ABI, the way a C caller reaches it: the
//! input bytes become a NUL-terminated buffer (so an interior NUL ends the
//! name). Whatever the bytes, it must not crash, must answer ARGUMENT for an
//! empty name, SIGNAL or a valid signal otherwise, must ignore everything
//! after the first NUL, and a number it returns must name itself back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigx_core::capi::lookup::{sigx_name, sigx_number, sigx_valid_signals};
use sigx_core::capi::status::sigx_status;
use std::ffi::c_char;

fn number_of(bytes: &[u8]) -> i32 {
    let mut buf = Vec::with_capacity(bytes.len() + 1);
    buf.extend_from_slice(bytes);
    buf.push(0);
    // SAFETY: `buf` is NUL-terminated and outlives the call.
    unsafe { sigx_number(buf.as_ptr() as *const c_char) }
}

fuzz_target!(|data: &[u8]| {
    let got = number_of(data);
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let name = &data[..end];
    if name.is_empty() {
        assert_eq!(got, sigx_status::SIGX_ERR_ARGUMENT as i32);
        return;
    }
    assert_eq!(number_of(name), got, "bytes after the NUL changed the answer");
    if got < 0 {
        assert_eq!(got, sigx_status::SIGX_ERR_SIGNAL as i32);
        return;
    }
    assert!((1..=64).contains(&got), "out of range: {got}");
    assert!(sigx_valid_signals() >> (got - 1) & 1 == 1, "not valid: {got}");
    assert!(name.len() <= 32, "a name longer than any signal's was accepted");
    assert!(name.is_ascii(), "a non-ASCII name was accepted");
    let canonical = sigx_name(got);
    assert!(!canonical.is_null());
    // SAFETY: `canonical` is a static NUL-terminated name.
    assert_eq!(unsafe { sigx_number(canonical) }, got);
});
