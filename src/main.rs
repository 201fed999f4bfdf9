//! The `capstan` binary: parse the command line and run it.

use clap::Parser;

fn main() {
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = capstan::cli::Cli::parse();
    // One TLS crypto provider (ring) for every HTTPS/OCI client.
    capstan::repo::install_crypto_provider();
    std::process::exit(capstan::cli::run(cli));
}
