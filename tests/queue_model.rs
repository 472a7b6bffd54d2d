//! `sigx_core::queue::Ring` against a model.
//!
//! Sequentially, the ring must behave exactly like a `VecDeque` bounded to
//! the same capacity: same values out, `Full` exactly when the model is full,
//! the same length after every step, `peek` naming the oldest key, and
//! `pop_at` succeeding only for the position `peek` just gave.
//!
//! Concurrently (bounded, a few producers and consumers), nothing may be
//! duplicated or lost: pushed == popped + left over, pushed + refused ==
//! attempted, and each consumer sees each producer's values in the order
//! they were pushed (the ring is FIFO and a consumer's pops are ordered).

use proptest::collection::vec;
use proptest::prelude::*;
use sigx_core::queue::{Full, Pushed, Ring};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Debug, Clone)]
enum Op {
    /// Push this value (the key is a running counter, as sigx's `seq`).
    Push(u32),
    /// `pop()`.
    Pop,
    /// `peek()`, then `pop_at` of exactly that position.
    PeekPopAt,
    /// `peek()`, then `pop_at` of a position that is not the head.
    PopAtWrong(u8),
    /// `peek()`, `pop()`, then `pop_at` of the stale position.
    StalePopAt,
    /// `reset()` (the fork-child path): everything is forgotten.
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u32>().prop_map(Op::Push),
        3 => Just(Op::Pop),
        3 => Just(Op::PeekPopAt),
        1 => (1u8..=40).prop_map(Op::PopAtWrong),
        1 => Just(Op::StalePopAt),
        1 => Just(Op::Reset),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ring_behaves_like_a_bounded_vecdeque(cap in 1usize..=17, ops in vec(op(), 0..400)) {
        let ring = Ring::<u32>::new(cap).unwrap();
        prop_assert_eq!(ring.capacity(), cap);
        let mut model: VecDeque<(u64, u32)> = VecDeque::new();
        let mut key = 0u64;
        for op in ops {
            match op {
                Op::Push(v) => {
                    key += 1;
                    let got = ring.push(key, v);
                    if model.len() < cap {
                        model.push_back((key, v));
                        // Sequentially both figures are exact: how many are
                        // held after the push, and whether the next push
                        // would fail.
                        prop_assert_eq!(
                            got,
                            Ok(Pushed { queued: model.len() as u64, full: model.len() == cap })
                        );
                    } else {
                        prop_assert_eq!(got, Err(Full));
                    }
                }
                Op::Pop => {
                    prop_assert_eq!(ring.pop(), model.pop_front().map(|(_, v)| v));
                }
                Op::PeekPopAt => match ring.peek() {
                    Some((pos, k)) => {
                        let (mk, mv) = model.pop_front().expect("model has a head");
                        prop_assert_eq!(k, mk);
                        prop_assert_eq!(ring.pop_at(pos), Some(mv));
                    }
                    None => prop_assert!(model.is_empty()),
                },
                Op::PopAtWrong(off) => {
                    if let Some((pos, _)) = ring.peek() {
                        prop_assert_eq!(ring.pop_at(pos + u64::from(off)), None);
                        if pos >= u64::from(off) {
                            prop_assert_eq!(ring.pop_at(pos - u64::from(off)), None);
                        }
                    }
                }
                Op::StalePopAt => {
                    if let Some((pos, _)) = ring.peek() {
                        prop_assert_eq!(ring.pop(), model.pop_front().map(|(_, v)| v));
                        prop_assert_eq!(ring.pop_at(pos), None);
                    }
                }
                Op::Reset => {
                    ring.reset();
                    model.clear();
                }
            }
            prop_assert_eq!(ring.len(), model.len() as u64);
            prop_assert_eq!(ring.is_empty(), model.is_empty());
            match (ring.peek(), model.front()) {
                (Some((_, k)), Some(&(mk, _))) => prop_assert_eq!(k, mk),
                (None, None) => {}
                (r, m) => prop_assert!(false, "peek {:?} but model head {:?}", r, m),
            }
        }
        // Drain: the rest comes out in order.
        while let Some((_, v)) = model.pop_front() {
            prop_assert_eq!(ring.pop(), Some(v));
        }
        prop_assert_eq!(ring.pop(), None);
    }
}

/// Values carry (producer << 32 | index) so that order per producer can be
/// checked.
fn interleaved(cap: usize, producers: u64, per_producer: u64, consumers: usize) {
    let ring = Arc::new(Ring::<u64>::new(cap).unwrap());
    let refused = Arc::new(AtomicU64::new(0));
    let pushed = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let takers: Vec<_> = (0..consumers)
        .map(|_| {
            let (ring, done) = (ring.clone(), done.clone());
            std::thread::spawn(move || {
                let mut got = Vec::new();
                loop {
                    // Alternate the two consumer paths.
                    let next = if got.len() % 2 == 0 {
                        ring.pop()
                    } else {
                        ring.peek().and_then(|(pos, _)| ring.pop_at(pos))
                    };
                    match next {
                        Some(v) => got.push(v),
                        None if done.load(Ordering::Acquire) && ring.is_empty() => break got,
                        None => std::thread::yield_now(),
                    }
                }
            })
        })
        .collect();
    let makers: Vec<_> = (0..producers)
        .map(|p| {
            let (ring, refused, pushed) = (ring.clone(), refused.clone(), pushed.clone());
            std::thread::spawn(move || {
                for i in 0..per_producer {
                    let v = p << 32 | i;
                    match ring.push(v, v) {
                        Ok(held) => {
                            assert!(
                                held.queued >= 1,
                                "a successful push reports at least itself"
                            );
                            pushed.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(Full) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for m in makers {
        m.join().unwrap();
    }
    done.store(true, Ordering::Release);
    let taken: Vec<Vec<u64>> = takers.into_iter().map(|t| t.join().unwrap()).collect();
    let mut left = Vec::new();
    while let Some(v) = ring.pop() {
        left.push(v);
    }

    let pushed = pushed.load(Ordering::Relaxed);
    let refused = refused.load(Ordering::Relaxed);
    assert_eq!(
        pushed + refused,
        producers * per_producer,
        "pushed + refused == attempted"
    );
    let popped: u64 = taken.iter().map(|t| t.len() as u64).sum();
    assert_eq!(
        popped + left.len() as u64,
        pushed,
        "popped + left == pushed"
    );
    assert!(ring.is_empty());

    let mut all: Vec<u64> = taken.iter().flatten().chain(left.iter()).copied().collect();
    all.sort_unstable();
    let n = all.len();
    all.dedup();
    assert_eq!(all.len(), n, "a value came out twice");
    for t in &taken {
        let mut last = vec![None::<u64>; producers as usize];
        for &v in t {
            let (p, i) = ((v >> 32) as usize, v & 0xffff_ffff);
            assert!(
                last[p].is_none_or(|l| l < i),
                "one consumer saw producer {p}'s values out of order"
            );
            last[p] = Some(i);
        }
    }
}

proptest! {
    // Each case runs threads: keep the count modest.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn interleaved_threads_lose_nothing(
        cap in 1usize..=9,
        producers in 1u64..=4,
        per_producer in 0u64..=3000,
        consumers in 1usize..=3,
    ) {
        interleaved(cap, producers, per_producer, consumers);
    }
}

/// A ring too small for a burst with nobody consuming: exactly `cap` values
/// fit, every other push is refused, and what is kept is the oldest.
#[test]
fn full_ring_refuses_exactly_the_overflow() {
    for cap in [1usize, 2, 3, 100] {
        let ring = Ring::<u64>::new(cap).unwrap();
        let mut refused = 0;
        for k in 0..1000u64 {
            if ring.push(k, k).is_err() {
                refused += 1;
            }
        }
        assert_eq!(refused, 1000 - cap as u64);
        for k in 0..cap as u64 {
            assert_eq!(ring.pop(), Some(k));
        }
        assert_eq!(ring.pop(), None);
    }
}
