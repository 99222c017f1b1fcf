//! A count of the reader's work, kept only in test and fuzzing builds.
//!
//! One step per byte the reader consumes, per value it starts, and per byte
//! a key comparison may read (`1 + ` the shorter key's length, an upper
//! bound on what `Ord for str` looks at). The tests assert that this stays
//! within `WORK_PER_BYTE` times the body's length for every input: a
//! bound on work that holds on any machine, where a timing would not.

use std::cmp::Ordering;

use super::key::Key;

/// The most work the reader may do per byte of body, plus [`WORK_SLACK`].
/// Scanning costs about one step per byte; sorting an object's keys costs
/// about log2 of their number per key byte, and [`super::MAX_KEYS`] bounds
/// that number.
#[cfg(any(test, fuzzing))]
pub(super) const WORK_PER_BYTE: usize = 16;

/// Fixed work allowed on top of the per-byte bound, for bodies of a few
/// bytes.
#[cfg(any(test, fuzzing))]
pub(super) const WORK_SLACK: usize = 64;

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Work {
    #[cfg(any(test, fuzzing))]
    steps: usize,
}

impl Work {
    #[inline(always)]
    pub(super) fn step(&mut self, n: usize) {
        #[cfg(any(test, fuzzing))]
        {
            self.steps += n;
        }
        let _ = n;
    }

    #[inline(always)]
    pub(super) fn compare(&mut self, a: &Key<'_>, b: &Key<'_>) -> Ordering {
        self.step(1 + a.as_str().len().min(b.as_str().len()));
        a.cmp_key(b)
    }

    #[cfg(any(test, fuzzing))]
    pub(super) fn steps(self) -> usize {
        self.steps
    }
}

/// True when `steps` of work on a body of `len` bytes is within the bound.
#[cfg(any(test, fuzzing))]
pub(super) fn within_bound(steps: usize, len: usize) -> bool {
    steps <= WORK_PER_BYTE * len + WORK_SLACK
}
