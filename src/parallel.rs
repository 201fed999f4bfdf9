//! Independent work spread over every core. The render path's large inputs
//! (a chart's template files, its rendered documents, CRD files, lint's
//! values sets) are handled item by item, and no item depends on another,
//! so each thread takes the next item until none is left.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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

/// [`map`] started before its results are needed: helper threads begin on
/// the items at once, while the caller goes on with other work; the caller
/// may then say which items it still wants, and [`Ahead::finish`] joins in
/// on the calling thread. Items are taken in order, each by one thread.
pub struct Ahead<T, R> {
    shared: Arc<Shared<T, R>>,
    helpers: Vec<std::thread::JoinHandle<()>>,
}

struct Shared<T, R> {
    items: Vec<T>,
    next: AtomicUsize,
    /// Items no longer wanted: a thread that takes one leaves it undone.
    unwanted: Vec<AtomicBool>,
    results: Vec<Mutex<Option<R>>>,
    f: Box<dyn Fn(&T) -> R + Send + Sync>,
}

impl<T, R> Shared<T, R> {
    fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = self.items.get(i) else { break };
            if !self.unwanted[i].load(Ordering::Relaxed) {
                let r = (self.f)(item);
                *self.results[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
            }
        }
    }
}

impl<T: Send + Sync + 'static, R: Send + 'static> Ahead<T, R> {
    /// Start `f` on `items` on `helpers` new threads (none when they
    /// cannot be started: the caller then does all of it in `finish`).
    pub fn start(items: Vec<T>, helpers: usize, f: impl Fn(&T) -> R + Send + Sync + 'static) -> Self {
        let shared = Arc::new(Shared {
            unwanted: items.iter().map(|_| AtomicBool::new(false)).collect(),
            results: items.iter().map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
            items,
            f: Box::new(f),
        });
        let helpers = (0..helpers.min(shared.items.len()))
            .map_while(|_| {
                let shared = shared.clone();
                std::thread::Builder::new().name("ahead".into()).spawn(move || shared.work()).ok()
            })
            .collect();
        Ahead { shared, helpers }
    }

    pub fn items(&self) -> &[T] {
        &self.shared.items
    }

    /// Items for which `wanted` is false are left undone from now on.
    pub fn keep_only(&self, wanted: impl Fn(usize) -> bool) {
        for (i, flag) in self.shared.unwanted.iter().enumerate() {
            if !wanted(i) {
                flag.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Every item's result, in order (None for the items left undone),
    /// once this thread has helped with what was left.
    pub fn finish(self) -> Vec<Option<R>> {
        self.shared.work();
        for h in self.helpers {
            h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        self.shared.results.iter().map(|r| r.lock().unwrap_or_else(|p| p.into_inner()).take()).collect()
    }
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

    #[test]
    fn ahead_work_gives_every_wanted_result_in_order() {
        for helpers in [0, 1, 3] {
            let ahead = Ahead::start((0..500u64).collect(), helpers, |n| n * n);
            assert_eq!(ahead.items().len(), 500);
            ahead.keep_only(|i| i % 7 != 3);
            let results = ahead.finish();
            assert_eq!(results.len(), 500);
            for (i, r) in results.iter().enumerate() {
                let n = i as u64;
                // Unwanted items may have been done before keep_only.
                if i % 7 != 3 {
                    assert_eq!(*r, Some(n * n), "item {i} with {helpers} helpers");
                } else {
                    assert!(r.is_none() || *r == Some(n * n));
                }
            }
        }
    }
}
