//! Independent work spread over every core. The render path's large inputs
//! (a chart's template files, its rendered documents, CRD files, lint's
//! values sets) are handled item by item, and no item depends on another,
//! so each thread takes the next item until none is left.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads `work` bytes of input are worth: every core from
/// `from` bytes on, else one (below that, starting a thread costs more
/// than it saves).
pub fn threads_for(work: usize, from: usize) -> usize {
    if work < from {
        1
    } else {
        crate::limits::cores()
    }
}

/// `f` of each item, in order, on `threads` threads (the calling one
/// included).
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_while(items, threads, || (), f).1
}

/// [`map`], running `meanwhile` on the calling thread while the other
/// threads start on the items; the calling thread then joins them.
pub fn map_while<T: Sync, R: Send, M>(
    items: &[T],
    threads: usize,
    meanwhile: impl FnOnce() -> M,
    f: impl Fn(&T) -> R + Sync,
) -> (M, Vec<R>) {
    let helpers = threads.min(items.len()).saturating_sub(1);
    if helpers == 0 {
        let done = meanwhile();
        return (done, items.iter().map(f).collect());
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    let done = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers).map(|_| s.spawn(work)).collect();
        let done = meanwhile();
        for (i, r) in work() {
            results[i] = Some(r);
        }
        for h in handles {
            for (i, r) in h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
                results[i] = Some(r);
            }
        }
        done
    });
    (done, results.into_iter().map(|r| r.expect("every item was taken")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_on_any_number_of_threads() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [1, 2, 5] {
            let (ran, squares) = map_while(&items, threads, || "meanwhile", |n| n * n);
            assert_eq!(ran, "meanwhile");
            assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        }
        assert!(map(&[] as &[u8], 4, |b| *b).is_empty());
        assert_eq!(threads_for(10, 100), 1);
    }
}
