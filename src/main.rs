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
/// - Freed memory is kept for reuse rather than returned to the OS, and the
///   heap grows 16 MiB at a time: every fresh page costs a fault and
///   zeroing, which had been a tenth of an install's CPU. The peak memory
///   stays the same (what is kept is reused). Blocks of 128 KiB or more
///   start out as their own mappings; glibc raises that threshold to the
///   size of each such block freed (its default), so later large blocks
///   (record JSON, gzip and base64 buffers, manifests) come from the heap.
///   Fixing the threshold at 32 MiB (glibc refuses more) made the corpus
///   render 2-3% faster but kube-prometheus-stack's peak RSS 1 MiB larger,
///   past the memory target.
/// - The heap sits on 2 MiB pages where the kernel offers transparent huge
///   pages on request (`madvise` mode, the common default): one fault per
///   2 MiB instead of 512. Faults cost about 2 µs each on the benchmark
///   machine, a tenth of a large render. The price is up to 2 MiB more
///   resident memory, the unused end of the last page.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters, and the heap is
    // set up before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
        capstan::huge_pages::for_main_heap();
    }
}
