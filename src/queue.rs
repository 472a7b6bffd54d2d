//! The bounded lock-free ring that holds one signal's pending records.
//!
//! This is Dmitry Vyukov's bounded multi-producer/multi-consumer queue: every
//! slot carries a turn number that says who may use it next. Position `pos`
//! lives in slot `pos % cap` during lap `pos / cap`. The slot is free for the
//! producer of `pos` when its turn is `2 * lap`; that producer claims `pos`
//! with one CAS on `tail`, writes the value and hands the slot to consumers by
//! storing `2 * lap + 1`. A consumer claims `pos` with one CAS on `head`,
//! copies the value out and hands the slot to the next lap's producer by
//! storing `2 * (lap + 1)`. Neither side ever waits for the other: a producer
//! that finds its slot still owned by the previous lap reports `Full` (the
//! caller counts a drop), and a consumer that finds it not yet published
//! reports empty. (Counting laps rather than positions, unlike Vyukov's
//! original, is what lets an all-zero slot mean "free for lap 0".)
//!
//! That is what makes capacity a limit rather than an allocation: the slots
//! live in an anonymous mapping reserved for the whole capacity, whose pages
//! the kernel hands out zero-filled on first touch, so a new ring needs no
//! initialising pass and memory is used only as records pass through it. A
//! ring is never resized or moved: a handler may hold a reference to it at
//! any time, so it lives as long as the process.
//!
//! Each slot also keeps a copy of the record's `key` (sigx's delivery `seq`) in
//! an atomic, so that a consumer can compare the heads of several rings
//! without touching the non-atomic payload ([`Ring::peek`]), and then pop
//! exactly the record it looked at ([`Ring::pop_at`]) — the CAS on `head`
//! fails if another consumer took it first.
//!
//! The payload must be `Copy`: the ring never runs destructors, which is what
//! lets a signal handler push into it. Capacity is exact (any value >= 1).
//!
//! Producers are signal handlers. The ring is safe for them because a push is
//! a bounded number of atomic operations plus one plain copy into a slot that
//! the CAS made exclusively theirs; it never allocates, locks or blocks.
//!
//! Under `--cfg loom` the atomics and the cell come from loom (and the slots
//! from the heap), and the tests at the bottom model-check push, pop,
//! peek/pop_at and overflow.

#[cfg(loom)]
use loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU64, Ordering};

use std::mem::MaybeUninit;
use std::num::NonZeroU64;

/// Storage for one slot's payload, with loom's access-tracking API.
#[cfg(loom)]
use loom::cell::UnsafeCell;

#[cfg(not(loom))]
#[derive(Debug)]
#[repr(transparent)]
struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }
    fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// The producer found the ring full; the value was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// What a successful push saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// How many values the ring held just after the push (an estimate under
    /// concurrency).
    pub queued: u64,
    /// Whether the slot the next push needs was still taken: the next push
    /// would fail if nothing changes. Besides a ring holding `cap` values,
    /// this covers a consumer that has claimed the oldest value but not yet
    /// freed its slot.
    pub full: bool,
}

/// One slot. All-zero bytes are a valid slot that is free for lap 0.
#[repr(C)]
struct Slot<T> {
    /// Whose turn, for the slot's current lap `l`: `2 * l` (free for the
    /// producer of lap `l`), `2 * l + 1` (holds the value pushed in lap `l`).
    turn: AtomicU64,
    /// Copy of the value's key, readable without racing on `value`.
    key: AtomicU64,
    value: UnsafeCell<MaybeUninit<T>>,
}

/// The slots: a private anonymous mapping, zero-filled by the kernel on
/// first touch (so untouched pages cost no memory), or under loom a boxed
/// slice built slot by slot.
struct Slots<T> {
    #[cfg(not(loom))]
    ptr: std::ptr::NonNull<Slot<T>>,
    #[cfg(loom)]
    slots: Box<[Slot<T>]>,
    #[cfg(not(loom))]
    len: usize,
}

#[cfg(not(loom))]
impl<T> Slots<T> {
    fn zeroed(len: usize) -> Option<Self> {
        let bytes = len.checked_mul(std::mem::size_of::<Slot<T>>())?;
        let ptr = crate::os::map_zeroed(bytes)?;
        Some(Self {
            ptr: ptr.cast(),
            len,
        })
    }

    fn get(&self, index: usize) -> &Slot<T> {
        debug_assert!(index < self.len);
        // SAFETY: `index < len` (the callers reduce positions modulo `len`), and the mapping holds `len` slots; all-zero bytes are a valid `Slot` (atomics at 0, an uninitialised payload), and the kernel zero-fills anonymous pages.
        unsafe { &*self.ptr.as_ptr().add(index) }
    }
}

#[cfg(not(loom))]
impl<T> Drop for Slots<T> {
    fn drop(&mut self) {
        let bytes = self.len * std::mem::size_of::<Slot<T>>();
        // SAFETY: the mapping was made by `map_zeroed` with this size, and `&mut self` means no slot reference outlives it.
        unsafe { crate::os::unmap(self.ptr.cast(), bytes) };
    }
}

#[cfg(loom)]
impl<T> Slots<T> {
    fn zeroed(len: usize) -> Option<Self> {
        let slots = (0..len)
            .map(|_| Slot {
                turn: AtomicU64::new(0),
                key: AtomicU64::new(0),
                value: UnsafeCell::new(MaybeUninit::uninit()),
            })
            .collect();
        Some(Self { slots })
    }

    fn get(&self, index: usize) -> &Slot<T> {
        &self.slots[index]
    }
}

/// A bounded MPMC ring of `Copy` values, each tagged with a `u64` key.
pub struct Ring<T> {
    slots: Slots<T>,
    /// `slots.len`, never 0 (so `%` and `/` need no zero check).
    cap: NonZeroU64,
    /// `log2(cap)` when `cap` is a power of two (lap and index are then a
    /// shift and a mask, not a division), else `u32::MAX`.
    shift: u32,
    /// Next position to pop.
    head: AtomicU64,
    /// Next position to push.
    tail: AtomicU64,
}

// SAFETY: a slot's payload is only written by the one producer whose CAS on
// `tail` claimed it and only read by the one consumer whose CAS on `head`
// claimed it; the `turn` release/acquire pair orders those accesses. `T: Send`
// because values move between threads.
unsafe impl<T: Copy + Send> Sync for Ring<T> {}
// SAFETY: the ring owns its slots; moving it moves a pointer and atomics.
unsafe impl<T: Copy + Send> Send for Ring<T> {}

impl<T: Copy> Ring<T> {
    /// Reserve a ring of exactly `cap` slots (`cap >= 1`). Returns `None` if
    /// `cap` is 0 or the address space cannot be had. Touches no slot.
    pub fn new(cap: usize) -> Option<Self> {
        let cap64 = NonZeroU64::new(cap as u64)?;
        Some(Self {
            slots: Slots::zeroed(cap)?,
            cap: cap64,
            shift: if cap.is_power_of_two() {
                cap.trailing_zeros()
            } else {
                u32::MAX
            },
            head: AtomicU64::new(0),
            tail: AtomicU64::new(0),
        })
    }

    /// How many values the ring holds at most.
    pub fn capacity(&self) -> usize {
        self.cap.get() as usize
    }

    /// The slot of `pos` and its lap.
    #[inline(always)]
    fn locate(&self, pos: u64) -> (&Slot<T>, u64) {
        let (index, lap) = if self.shift != u32::MAX {
            (pos & (self.cap.get() - 1), pos >> self.shift)
        } else {
            (pos % self.cap, pos / self.cap)
        };
        (self.slots.get(index as usize), lap)
    }

    /// Append `value`, or fail with [`Full`] when the slot it needs is not
    /// free. Async-signal-safe.
    pub fn push(&self, key: u64, value: T) -> Result<Pushed, Full> {
        // Relaxed: `tail` is only a hint of where to start; the slot's `turn`
        // (acquire) decides ownership.
        let mut pos = self.tail.load(Ordering::Relaxed);
        loop {
            let (slot, lap) = self.locate(pos);
            // Acquire: pairs with the consumer's release of this slot, so our
            // write below cannot overtake its read of the previous lap.
            let turn = slot.turn.load(Ordering::Acquire);
            if turn == 2 * lap {
                // Relaxed CAS: ownership is published through `turn` below.
                match self.tail.compare_exchange_weak(
                    pos,
                    pos + 1,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        slot.value.with_mut(|p| {
                            // SAFETY: the CAS made `pos` ours alone, and `turn == 2 * lap` says the last consumer is done with the slot.
                            unsafe { p.write(MaybeUninit::new(value)) }
                        });
                        slot.key.store(key, Ordering::Relaxed);
                        // Release: publishes the value and key to the consumer.
                        slot.turn.store(2 * lap + 1, Ordering::Release);
                        let head = self.head.load(Ordering::Relaxed);
                        let (next, next_lap) = self.locate(pos + 1);
                        // Acquire, as above: the same test the next push
                        // will make.
                        let free = next.turn.load(Ordering::Acquire) >= 2 * next_lap;
                        return Ok(Pushed {
                            // At least this value was there when it was
                            // published; consumers may have taken it (and
                            // later ones) before `head` was read.
                            queued: (pos + 1).saturating_sub(head).max(1),
                            full: !free,
                        });
                    }
                    Err(now) => pos = now,
                }
            } else if turn < 2 * lap {
                // The slot still holds (or is being filled with) the value of
                // one lap ago: full.
                return Err(Full);
            } else {
                // Another producer got `pos` first; start again from the tail.
                pos = self.tail.load(Ordering::Relaxed);
            }
        }
    }

    /// Position and key of the oldest value, if one is ready.
    pub fn peek(&self) -> Option<(u64, u64)> {
        let pos = self.head.load(Ordering::Acquire);
        let (slot, lap) = self.locate(pos);
        // Acquire: pairs with the producer's release, making `key` visible.
        if slot.turn.load(Ordering::Acquire) == 2 * lap + 1 {
            // The key may already belong to a later lap if the value was
            // popped meanwhile; `pop_at(pos)` then fails, so it is harmless.
            Some((pos, slot.key.load(Ordering::Relaxed)))
        } else {
            None
        }
    }

    /// Pop the value at `pos` as returned by [`Ring::peek`], or `None` if some
    /// other consumer took it first.
    pub fn pop_at(&self, pos: u64) -> Option<T> {
        let (slot, lap) = self.locate(pos);
        // Acquire: if the slot is (still) published for `pos`, its value is
        // visible to us.
        if slot.turn.load(Ordering::Acquire) != 2 * lap + 1 {
            return None;
        }
        // Relaxed CAS: the acquire above already synchronised with the
        // producer, and `head == pos` proves nobody consumed the slot since.
        self.head
            .compare_exchange(pos, pos + 1, Ordering::Relaxed, Ordering::Relaxed)
            .ok()?;
        // SAFETY: the CAS made us the only consumer of `pos`; `turn == 2*lap+1` (acquired above) says the producer finished writing it.
        let value = slot.value.with(|p| unsafe { (*p).assume_init() });
        // Release: our read is done before a producer may reuse the slot.
        slot.turn.store(2 * (lap + 1), Ordering::Release);
        Some(value)
    }

    /// Pop the oldest value, if any.
    pub fn pop(&self) -> Option<T> {
        loop {
            let (pos, _) = self.peek()?;
            if let Some(v) = self.pop_at(pos) {
                return Some(v);
            }
        }
    }

    /// How many values are queued (an estimate while others push or pop).
    pub fn len(&self) -> u64 {
        let tail = self.tail.load(Ordering::Acquire);
        let head = self.head.load(Ordering::Acquire);
        tail.saturating_sub(head)
    }

    /// True when nothing is queued (same caveat as [`Ring::len`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forget every value: the ring becomes empty where it stands.
    ///
    /// Only for a process with no other thread and no handler that can touch
    /// the ring (the child side of `fork`, with signals blocked). It repairs
    /// the slots of the last lap, which a thread of the parent may have left
    /// claimed but unpublished (a push) or claimed but not freed (a pop): each
    /// becomes free for its next lap. Those slots were touched already, so
    /// this touches no new page.
    pub fn reset(&self) {
        let tail = self.tail.load(Ordering::Relaxed);
        for pos in tail.saturating_sub(self.cap.get())..tail {
            let (slot, lap) = self.locate(pos);
            slot.turn.store(2 * (lap + 1), Ordering::Relaxed);
        }
        // Release: orders the slot repairs before any later push sees the
        // head.
        self.head.store(tail, Ordering::Release);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A consumer that claimed the oldest value (head moved) but has not
    /// freed its slot yet, as when a handler interrupts it on its own
    /// thread: the count says there is room, `full` says the next push
    /// would fail, and it does.
    #[test]
    fn full_sees_a_pop_in_flight() {
        let r = Ring::new(4).unwrap();
        for i in 0..3 {
            r.push(i, i).unwrap();
        }
        let (pos, _) = r.peek().unwrap();
        // The first half of `pop_at`: claim position `pos`, keep the slot.
        r.head.store(pos + 1, Ordering::Relaxed);
        let p = r.push(3, 3).unwrap();
        assert_eq!(p.queued, 3);
        assert!(p.full);
        assert_eq!(r.push(4, 4), Err(Full));
    }

    /// Resident memory of this process, in bytes (`/proc/self/statm`).
    fn resident() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    }

    /// Capacity is a limit: a ring of a million records reserves 80 MB of
    /// address space but touches only the pages its records pass through.
    #[test]
    fn a_new_ring_touches_no_memory() {
        let before = resident();
        let r = Ring::<[u64; 8]>::new(1 << 20).unwrap();
        let reserved = resident();
        for i in 0..100 {
            r.push(i, [i; 8]).unwrap();
        }
        let used = resident();
        assert_eq!(r.capacity(), 1 << 20);
        // Other tests run in parallel threads of this process: allow them
        // some noise, far below the 80 MB a touched ring would cost.
        assert!(
            reserved.saturating_sub(before) < 4 << 20,
            "{before} -> {reserved}"
        );
        assert!(used.saturating_sub(before) < 4 << 20, "{before} -> {used}");
        for i in 0..100 {
            assert_eq!(r.pop(), Some([i; 8]));
        }
    }

    /// The fork child's reset: a push claimed but not published and a pop
    /// claimed but not freed (threads that do not exist in the child) leave
    /// no slot stuck, wherever the ring stood.
    #[test]
    fn reset_repairs_claims_in_flight() {
        for cap in [1usize, 3, 4] {
            for start in 0..(2 * cap as u64 + 1) {
                let r = Ring::new(cap).unwrap();
                for i in 0..start {
                    r.push(i, i).unwrap();
                    r.pop().unwrap();
                }
                r.push(100, 100).unwrap();
                // A pop's first half: the head moved, the slot not freed.
                let (pos, _) = r.peek().unwrap();
                r.head.store(pos + 1, Ordering::Relaxed);
                // A push's first half: the tail moved, nothing published.
                if cap > 1 {
                    r.tail.fetch_add(1, Ordering::Relaxed);
                }
                r.reset();
                assert!(r.is_empty());
                assert_eq!(r.pop(), None);
                for i in 0..cap as u64 {
                    r.push(i, i)
                        .unwrap_or_else(|_| panic!("cap {cap} start {start}: push {i}"));
                }
                assert_eq!(r.push(99, 99), Err(Full));
                for i in 0..cap as u64 {
                    assert_eq!(r.pop(), Some(i));
                }
            }
        }
    }

    #[test]
    fn zero_capacity_is_refused() {
        assert!(Ring::<u64>::new(0).is_none());
    }

    #[test]
    fn fifo_and_full() {
        let r = Ring::new(3).unwrap();
        let pushed = |queued, full| Ok(Pushed { queued, full });
        assert_eq!(r.push(1, 10u32), pushed(1, false));
        assert_eq!(r.push(2, 20), pushed(2, false));
        assert_eq!(r.push(3, 30), pushed(3, true));
        assert_eq!(r.push(4, 40), Err(Full));
        assert_eq!(r.len(), 3);
        assert_eq!(r.peek(), Some((0, 1)));
        assert_eq!(r.pop(), Some(10));
        assert_eq!(r.push(5, 50), pushed(3, true));
        assert_eq!(r.pop(), Some(20));
        assert_eq!(r.pop(), Some(30));
        assert_eq!(r.pop(), Some(50));
        assert_eq!(r.pop(), None);
        assert!(r.is_empty());
    }

    #[test]
    fn wraps_many_laps_with_odd_capacity() {
        let r = Ring::new(7).unwrap();
        let mut expect = 0u64;
        for i in 0..1000u64 {
            r.push(i, i).unwrap();
            if i % 3 == 2 {
                while let Some(v) = r.pop() {
                    assert_eq!(v, expect);
                    expect += 1;
                }
            }
        }
        while let Some(v) = r.pop() {
            assert_eq!(v, expect);
            expect += 1;
        }
        assert_eq!(expect, 1000);
    }

    #[test]
    fn pop_at_stale_position_fails() {
        let r = Ring::new(2).unwrap();
        r.push(7, 'a').unwrap();
        let (pos, key) = r.peek().unwrap();
        assert_eq!(key, 7);
        assert_eq!(r.pop(), Some('a'));
        assert_eq!(r.pop_at(pos), None);
        r.push(8, 'b').unwrap();
        r.push(9, 'c').unwrap();
        // Position `pos` now names a slot two laps old.
        assert_eq!(r.pop_at(pos), None);
        assert_eq!(r.pop(), Some('b'));
    }

    #[test]
    fn reset_forgets_everything() {
        let r = Ring::new(4).unwrap();
        for i in 0..4 {
            r.push(i, i).unwrap();
        }
        r.reset();
        assert!(r.is_empty());
        assert_eq!(r.pop(), None);
        r.push(9, 9).unwrap();
        assert_eq!(r.pop(), Some(9));
    }

    /// Many producers and consumers: every value comes out exactly once, and
    /// pushed + refused == attempted.
    #[test]
    fn threads_lose_nothing() {
        const PRODUCERS: u64 = 4;
        const PER: u64 = 20_000;
        let ring = Arc::new(Ring::new(64).unwrap());
        let refused = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (ring, refused) = (ring.clone(), refused.clone());
                std::thread::spawn(move || {
                    for i in 0..PER {
                        let v = p * PER + i;
                        if ring.push(v, v).is_err() {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..3)
            .map(|_| {
                let (ring, done) = (ring.clone(), done.clone());
                std::thread::spawn(move || {
                    let mut got = Vec::new();
                    loop {
                        match ring.pop() {
                            Some(v) => got.push(v),
                            None if done.load(Ordering::Acquire) => match ring.pop() {
                                Some(v) => got.push(v),
                                None => break got,
                            },
                            None => std::thread::yield_now(),
                        }
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        done.store(true, Ordering::Release);
        let mut all: Vec<u64> = consumers
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();
        let n = all.len() as u64;
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len() as u64, n, "a value came out twice");
        assert_eq!(n + refused.load(Ordering::Relaxed), PRODUCERS * PER);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    /// Two producers into a ring of one slot: exactly one wins, the other is
    /// told `Full`, and the winner's value comes out intact.
    #[test]
    fn concurrent_push_overflow() {
        loom::model(|| {
            let r = Arc::new(Ring::new(1).unwrap());
            let r2 = r.clone();
            let t = thread::spawn(move || r2.push(1, 1u32).is_ok());
            let mine = r.push(2, 2u32).is_ok();
            let theirs = t.join().unwrap();
            assert!(mine ^ theirs, "exactly one push fits");
            let v = r.pop().unwrap();
            assert_eq!(v, if mine { 2 } else { 1 });
            assert_eq!(r.pop(), None);
        });
    }

    /// A producer and a consumer race on a ring of two: the consumer sees
    /// either nothing or the whole value, never a torn one, and nothing is
    /// lost.
    #[test]
    fn push_pop_race() {
        loom::model(|| {
            let r = Arc::new(Ring::new(2).unwrap());
            let r2 = r.clone();
            let t = thread::spawn(move || {
                r2.push(1, (1u32, 1u32)).unwrap();
                r2.push(2, (2u32, 2u32)).unwrap();
            });
            let mut got = Vec::new();
            if let Some(v) = r.pop() {
                got.push(v);
            }
            t.join().unwrap();
            while let Some(v) = r.pop() {
                got.push(v);
            }
            assert_eq!(got, vec![(1, 1), (2, 2)]);
        });
    }

    /// Two consumers race for one value through peek + pop_at: exactly one
    /// gets it.
    #[test]
    fn consumers_take_each_value_once() {
        loom::model(|| {
            let r = Arc::new(Ring::new(2).unwrap());
            r.push(1, 7u32).unwrap();
            let r2 = r.clone();
            let t = thread::spawn(move || {
                let (pos, _) = r2.peek()?;
                r2.pop_at(pos)
            });
            let mine = r.peek().and_then(|(pos, _)| r.pop_at(pos));
            let theirs = t.join().unwrap();
            assert_eq!(mine.is_some() as u8 + theirs.is_some() as u8, 1);
        });
    }

    /// A full ring, one consumer freeing a slot while a producer pushes: the
    /// push either fits or is refused, and the counts always add up.
    #[test]
    fn overflow_while_popping() {
        loom::model(|| {
            let r = Arc::new(Ring::new(1).unwrap());
            r.push(1, 1u32).unwrap();
            let r2 = r.clone();
            let t = thread::spawn(move || r2.push(2, 2u32).is_ok());
            let first = r.pop();
            let pushed = t.join().unwrap();
            assert_eq!(first, Some(1));
            assert_eq!(r.pop().is_some(), pushed);
        });
    }

    /// A ring of three (index by division, not mask) whose positions cross
    /// from lap 0 to lap 1 while a producer and a consumer race: the lap
    /// counting keeps "free" and "published" apart.
    #[test]
    fn lap_boundary_with_odd_capacity() {
        loom::model(|| {
            let r = Arc::new(Ring::new(3).unwrap());
            for i in 0..2u32 {
                r.push(u64::from(i), i).unwrap();
                assert_eq!(r.pop(), Some(i));
            }
            let r2 = r.clone();
            let t = thread::spawn(move || {
                // Positions 2 (lap 0) and 3 (lap 1, slot 0).
                r2.push(2, 2u32).unwrap();
                r2.push(3, 3u32).unwrap();
            });
            let mut got = Vec::new();
            if let Some(v) = r.pop() {
                got.push(v);
            }
            t.join().unwrap();
            while let Some(v) = r.pop() {
                got.push(v);
            }
            assert_eq!(got, vec![2, 3]);
        });
    }

    /// Two producers and a consumer on a ring of two, with one value already
    /// queued: whatever the interleaving, every value is popped at most once
    /// and pushed == popped + left, and the payloads are never torn.
    #[test]
    fn two_producers_one_consumer() {
        loom::model(|| {
            let r = Arc::new(Ring::new(2).unwrap());
            r.push(0, (0u32, 0u32)).unwrap();
            let producers: Vec<_> = (1..=2u32)
                .map(|k| {
                    let r = r.clone();
                    thread::spawn(move || r.push(k as u64, (k, k)).is_ok())
                })
                .collect();
            let mut got = Vec::new();
            if let Some(v) = r.pop() {
                got.push(v);
            }
            let pushed = producers
                .into_iter()
                .map(|t| t.join().unwrap() as usize)
                .sum::<usize>()
                + 1;
            while let Some(v) = r.pop() {
                got.push(v);
            }
            assert_eq!(got.len(), pushed);
            assert!(got.iter().all(|&(a, b)| a == b));
            let mut keys: Vec<u32> = got.iter().map(|&(a, _)| a).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), got.len(), "a value came out twice");
        });
    }
}
