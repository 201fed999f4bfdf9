//! The async plumbing behind the repository layer's synchronous API: the
//! process-wide rustls crypto provider (ring, never aws-lc-rs: see
//! DESIGN.md) and a way to run a future to completion from sync code.

use std::future::Future;

/// Install ring as the process-wide default rustls crypto provider. Safe to
/// call any number of times (later calls, or a provider installed by
/// someone else first, are left alone). The binary calls this at start-up;
/// every network entry point of this module calls it too.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Run `fut` to completion on a fresh current-thread runtime. Works from
/// plain sync code and from inside another runtime (then on a helper
/// thread, as a runtime cannot be blocked on from its own thread).
pub fn block_on<F>(fut: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    install_crypto_provider();
    let run = move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread tokio runtime can always be built")
            .block_on(fut)
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| s.spawn(run).join().expect("the network helper thread does not panic"))
    } else {
        run()
    }
}
