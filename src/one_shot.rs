//! What a one-shot process (the `capstan` command: it runs one command and
//! exits) leaves to the kernel instead of freeing piece by piece.
//!
//! Freeing a large chart's template trees or a lint's caches block by
//! block takes milliseconds that the process's exit does at once. The
//! binary declares itself one-shot at start-up; a library user (tests, or
//! a long-lived program) does not, and everything is dropped as usual.

use std::sync::atomic::{AtomicBool, Ordering};

static ONE_SHOT: AtomicBool = AtomicBool::new(false);

/// Declare this process one-shot (the binary's `main` does).
pub fn begin() {
    ONE_SHOT.store(true, Ordering::Relaxed);
}

/// Whether this process is one-shot.
pub fn active() -> bool {
    ONE_SHOT.load(Ordering::Relaxed)
}

/// Drop `value`, or in a one-shot process leave its memory to the exit.
pub fn drop_or_leave<T>(value: T) {
    if active() {
        std::mem::forget(value);
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    #[test]
    fn a_library_process_drops_as_usual() {
        // Tests never call `begin`: the value is dropped.
        let value = Rc::new(());
        super::drop_or_leave(Rc::clone(&value));
        assert_eq!(Rc::strong_count(&value), 1);
    }
}
