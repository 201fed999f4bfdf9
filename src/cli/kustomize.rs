//! `capstan kustomize DIR` (alias `build`): build a kustomization and print
//! it exactly as `kubectl kustomize DIR` does.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::kustomize::{self, Options};

#[derive(Debug, Args)]
pub struct KustomizeArgs {
    /// The directory holding kustomization.yaml (default: the current one)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Let kustomizations read files outside their root
    /// (`LoadRestrictionsRootOnly` is the default, as in kustomize)
    #[arg(long = "load-restrictor", value_parser = ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"], default_value = "LoadRestrictionsRootOnly")]
    pub load_restrictor: String,
    /// Write the output to this file instead of stdout
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: KustomizeArgs) -> anyhow::Result<()> {
    let opts = Options {
        load_restrictions_none: args.load_restrictor == "LoadRestrictionsNone",
        input: None,
    };
    let build = kustomize::build_with(&args.dir, &opts)?;
    for w in &build.warnings {
        eprintln!("{w}");
    }
    match &args.output {
        Some(path) => std::fs::write(path, &build.yaml)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(build.yaml.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
