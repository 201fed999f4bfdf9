//! `capstan recover NAME`: settle a release left pending by an operation
//! that died (kill -9, power loss), so the next operation starts clean.

use clap::Args;

use super::flags::configuration;
use super::GlobalArgs;
use crate::action::recover::recover;

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The release name
    pub name: String,
}

pub fn run(global: &GlobalArgs, args: RecoverArgs) -> anyhow::Result<()> {
    let cfg = configuration(global)?;
    let done = recover(&cfg, &global.namespace, &args.name)?;
    if let Some(pid) = done.lock_taken_over_from {
        println!("took over the lock of release {:?} left by pid {pid}", args.name);
    }
    match done.recovery {
        Some(r) => println!("revision {} of release {:?} was {}: marked failed", r.revision, args.name, r.was),
        None => println!("release {:?} has no interrupted operation", args.name),
    }
    Ok(())
}
