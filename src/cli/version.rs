//! `capstan version`.

use clap::Args;

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print the version number only
    #[arg(long)]
    pub short: bool,
}

pub fn run(args: VersionArgs) -> anyhow::Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    if args.short {
        println!("v{version}");
    } else {
        println!(
            "capstan v{version} (renders as Helm {}, default Kubernetes {})",
            crate::engine::context::HELM_VERSION,
            crate::engine::context::DEFAULT_KUBE_VERSION
        );
    }
    Ok(())
}
