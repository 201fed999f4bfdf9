//! The `capstan` binary: parse the command line and run it.


fn main() {
    tune_allocator();
    capstan::one_shot::begin();
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = capstan::cli::Cli::parse_args();
    // Resource limits come from CAPSTAN_MAX_* variables: refuse bad ones up front.
    if let Err(e) = capstan::limits::init() {
        eprintln!("Error: {e}");
        std::process::exit(1);
    }
    // One TLS crypto provider (ring) for every HTTPS/OCI client.
    capstan::repo::install_crypto_provider();
    std::process::exit(capstan::cli::run(cli));
}

/// glibc's allocator, tuned for a short process that builds and drops
/// large structures:
/// - No "fast bins": glibc keeps small freed blocks there and merges them
///   all whenever a large block is asked for. A render frees a parsed
///   manifest (thousands of small blocks) and then copies the next
///   document (a large block), so that merge ran once per document and
///   took a tenth of the time. Small blocks still come from the per-thread
///   cache, and freed ones are merged as they go.
/// - Large blocks (record JSON, gzip and base64 buffers, manifests: up to
///   megabytes) come from the heap, not from a fresh mapping each, and
///   freed memory is kept for reuse rather than returned to the OS: every
///   fresh page costs a fault and zeroing, which had been a tenth of an
///   install's CPU. The peak memory stays the same (what is kept is reused).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
    }
}
