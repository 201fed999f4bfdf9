//! The `capstan` binary: parse the command line and run it.

use clap::Parser;

fn main() {
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
