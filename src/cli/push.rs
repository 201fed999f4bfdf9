//! `capstan push ARCHIVE oci://REGISTRY/PATH`: upload a packaged chart to an
//! OCI registry as Helm does (Helm: pkg/cmd/push.go, pkg/pusher/ocipusher.go).

use std::path::PathBuf;

use clap::Args;

use super::pull::ClientArgs;
use crate::repo::oci;
use crate::repo::Paths;

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The chart archive (.tgz)
    pub chart: PathBuf,
    /// The registry location, oci://REGISTRY/PATH
    pub remote: String,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn run(args: PushArgs) -> anyhow::Result<()> {
    let paths = Paths::from_env()?;
    let opts = args.client.to_options().registry_options(&paths);
    let res = oci::push(&args.chart, &args.remote, &opts)?;
    // Helm's registry client writes these to stderr.
    eprintln!("Pushed: {}", res.reference);
    eprintln!("Digest: {}", res.manifest_digest);
    if res.reference.contains('_') {
        eprintln!("{} contains an underscore.", res.reference);
        eprintln!("{}", UNDERSCORE_MESSAGE);
    }
    Ok(())
}

/// Helm's registryUnderscoreMessage.
const UNDERSCORE_MESSAGE: &str = "\nOCI artifact references (e.g. tags) do not support the plus sign (+). To support\nstoring semantic versions, Helm adopts the convention of changing plus (+) to\nan underscore (_) in chart version tags when pushing to a registry and back to\na plus (+) when pulling from a registry.";
