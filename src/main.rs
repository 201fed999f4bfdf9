//! The `capstan` binary: parse the command line and run it.

use clap::Parser;

fn main() {
    tune_allocator();
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = capstan::cli::Cli::parse();
    // Resource limits come from CAPSTAN_MAX_* variables: refuse bad ones up front.
    if let Err(e) = capstan::limits::init() {
        eprintln!("Error: {e}");
        std::process::exit(1);
    }
    // One TLS crypto provider (ring) for every HTTPS/OCI client.
    capstan::repo::install_crypto_provider();
    std::process::exit(capstan::cli::run(cli));
}

/// glibc keeps small freed blocks in "fast bins" and merges them all
/// whenever a large block is asked for. A render frees a parsed manifest
/// (thousands of small blocks) and then copies the next document (a large
/// block), so that merge ran once per document and took a tenth of the
/// time. Without fast bins small blocks still come from the per-thread
/// cache, and freed ones are merged as they go.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
    }
}
