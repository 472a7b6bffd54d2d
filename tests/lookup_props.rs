//! The look-up functions through the C ABI, on arbitrary input.
//!
//! `src/signals.rs` already checks the pure Rust side (`number` on byte
//! slices, names round-tripping, real-time offsets). These properties go
//! through the exported `extern "C"` functions instead, the way a C caller
//! reaches them: NUL-terminated buffers (so an interior NUL ends the name),
//! NULL and empty names, statuses instead of `Option`, and every number an
//! `int` can hold.

use proptest::collection::vec;
use proptest::prelude::*;
use sigx_core::capi::lookup::{
    sigx_default_action, sigx_describe, sigx_is_catchable, sigx_name, sigx_number, sigx_rtmax,
    sigx_rtmin, sigx_valid_signals,
};
use sigx_core::capi::status::sigx_status;
use std::ffi::{CStr, CString, c_char};

const ARGUMENT: i32 = sigx_status::SIGX_ERR_ARGUMENT as i32;
const SIGNAL: i32 = sigx_status::SIGX_ERR_SIGNAL as i32;

fn valid(signo: i32) -> bool {
    (1..=64).contains(&signo) && sigx_valid_signals() >> (signo - 1) & 1 == 1
}

/// `sigx_number` on raw bytes: a NUL is appended, as a C string would have.
fn number_of(bytes: &[u8]) -> i32 {
    let mut buf = bytes.to_vec();
    buf.push(0);
    // SAFETY: `buf` is NUL-terminated and outlives the call.
    unsafe { sigx_number(buf.as_ptr() as *const c_char) }
}

fn name_of(signo: i32) -> Option<String> {
    let p = sigx_name(signo);
    // SAFETY: sigx_name returns NULL or a static NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
}

#[test]
fn null_and_empty_are_argument_errors() {
    // SAFETY: NULL is allowed.
    assert_eq!(unsafe { sigx_number(std::ptr::null()) }, ARGUMENT);
    assert_eq!(number_of(b""), ARGUMENT);
    assert_eq!(number_of(b"\0SIGINT"), ARGUMENT); // C sees ""
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Anything at all: an interior NUL ends the name; the answer is
    /// ARGUMENT for an empty name, otherwise SIGNAL or a valid number; and
    /// it never depends on what follows the first NUL.
    #[test]
    fn any_bytes(bytes in vec(any::<u8>(), 0..96), tail in vec(any::<u8>(), 0..32)) {
        let got = number_of(&bytes);
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let prefix = &bytes[..end];
        if prefix.is_empty() {
            prop_assert_eq!(got, ARGUMENT);
        } else {
            prop_assert!(got == SIGNAL || valid(got), "{:?} -> {}", prefix, got);
        }
        prop_assert_eq!(number_of(prefix), got);
        let mut with_tail = prefix.to_vec();
        with_tail.push(0);
        with_tail.extend_from_slice(&tail);
        prop_assert_eq!(number_of(&with_tail), got);
        // Names are ASCII: a byte >= 0x80 anywhere in the name names nothing.
        if prefix.iter().any(|&b| b >= 0x80) {
            prop_assert_eq!(got, SIGNAL);
        }
        // So is anything longer than any signal's name.
        if prefix.len() > 32 {
            prop_assert_eq!(got, SIGNAL);
        }
    }

    /// Every `int`: the look-ups agree with each other and with
    /// sigx_valid_signals().
    #[test]
    fn any_int(signo in any::<i32>()) {
        let ok = valid(signo);
        prop_assert_eq!(!sigx_name(signo).is_null(), ok);
        prop_assert_eq!(!sigx_describe(signo).is_null(), ok);
        let action = sigx_default_action(signo);
        let action_ok = if ok { (0..=4).contains(&action) } else { action == SIGNAL };
        prop_assert!(action_ok, "sigx_default_action({}) = {}", signo, action);
        let catchable = sigx_is_catchable(signo);
        let catchable_ok = if ok { catchable == 0 || catchable == 1 } else { catchable == SIGNAL };
        prop_assert!(catchable_ok, "sigx_is_catchable({}) = {}", signo, catchable);
    }

    /// Decimal text through the C ABI: exactly the number when it is a
    /// valid signal (leading zeros allowed, up to the length limit), SIGNAL
    /// for anything else, including signs, spaces and overflow.
    #[test]
    fn decimal_text(n in any::<i64>(), zeros in 0usize..40, sign in 0u8..4, space in any::<bool>()) {
        let digits = format!("{}{}", "0".repeat(zeros), n.unsigned_abs());
        let text = match sign {
            0 => digits.clone(),
            1 => format!("+{digits}"),
            2 => format!("-{digits}"),
            _ => digits.clone(),
        };
        let text = if space { format!(" {text}") } else { text };
        let got = number_of(text.as_bytes());
        let plain = sign == 0 || sign == 3;
        let want = if plain && !space && digits.len() <= 32 && valid_i64(n.unsigned_abs()) {
            n.unsigned_abs() as i32
        } else {
            SIGNAL
        };
        prop_assert_eq!(got, want, "{:?}", text);
    }

    /// Every valid signal's name, with any letter case and with or without
    /// "SIG", comes back through the C ABI to the same number; junk after an
    /// interior NUL changes nothing; a non-alphanumeric suffix breaks it.
    #[test]
    fn names_round_trip_through_the_abi(
        signo in 1i32..=64,
        flips in any::<u64>(),
        strip in any::<bool>(),
        junk in vec(any::<u8>(), 0..16),
        suffix in "[ .,;:!?/_*#@=~^-]{1,3}",
    ) {
        prop_assume!(valid(signo));
        let name = name_of(signo).unwrap();
        let base = if strip { name.strip_prefix("SIG").unwrap().to_owned() } else { name.clone() };
        let mixed: String = base
            .chars()
            .enumerate()
            .map(|(i, c)| if flips >> (i % 64) & 1 == 1 { c.to_ascii_lowercase() } else { c })
            .collect();
        prop_assert_eq!(number_of(mixed.as_bytes()), signo);
        let mut nul_junk = mixed.clone().into_bytes();
        nul_junk.push(0);
        nul_junk.extend_from_slice(&junk);
        prop_assert_eq!(number_of(&nul_junk), signo);
        // "SIGRTMAX-1" with "-" appended is still junk; only digits could
        // turn one real-time name into another, and the suffix has none.
        prop_assert_eq!(number_of(format!("{mixed}{suffix}").as_bytes()), SIGNAL);
        // The static strings are stable: the same pointer every time.
        prop_assert_eq!(sigx_name(signo), sigx_name(signo));
        prop_assert_eq!(sigx_describe(signo), sigx_describe(signo));
    }
}

fn valid_i64(n: u64) -> bool {
    i32::try_from(n).is_ok_and(valid)
}

/// The real-time range seen through the ABI matches the C library's and the
/// valid mask, and its two ends have the names `kill -l` gives them.
#[test]
fn real_time_ends() {
    let (lo, hi) = (sigx_rtmin(), sigx_rtmax());
    assert_eq!(lo, libc::SIGRTMIN());
    assert_eq!(hi, libc::SIGRTMAX());
    assert_eq!(name_of(lo).as_deref(), Some("SIGRTMIN"));
    assert_eq!(name_of(hi).as_deref(), Some("SIGRTMAX"));
    for s in 1..=64 {
        assert_eq!(valid(s), s <= 31 || (lo..=hi).contains(&s), "signal {s}");
    }
    let c = CString::new("sigrtmin+0").unwrap();
    // SAFETY: `c` is a CString that outlives the call.
    assert_eq!(unsafe { sigx_number(c.as_ptr()) }, lo);
}
