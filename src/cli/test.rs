//! `capstan test NAME` (Go: pkg/cmd/release_testing.go): run a release's
//! tests, print its status with the TEST SUITE section (notes hidden), and
//! with `--logs` each test Pod's logs. Exit 1 when a test fails.

use std::time::Duration;

use anyhow::anyhow;
use clap::Args;

use super::flags::{self, configuration};
use super::output::{color_enabled, status_text, StatusOptions};
use super::GlobalArgs;
use crate::action::release_testing::{run_tests, test_pod_logs, TestFilters, TestRequest};
use crate::action::ActionError;
use crate::cluster::TargetError;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The release name
    pub name: String,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s", value_parser = flags::parse_duration)]
    pub timeout: Duration,
    /// Dump the logs from test pods (this runs after all tests are complete, but before any cleanup)
    #[arg(long)]
    pub logs: bool,
    /// Specify tests by attribute (currently "name") using attribute=value syntax or '!attribute=value' to
    /// exclude a test (can specify multiple or separate values with commas: name=test1,name=test2)
    #[arg(long, value_delimiter = ',', value_name = "FILTER")]
    pub filter: Vec<String>,
}

pub fn run(global: &GlobalArgs, args: TestArgs) -> anyhow::Result<()> {
    let cfg = configuration(global)?;
    let req = TestRequest {
        timeout: args.timeout,
        filters: TestFilters::parse(&args.filter),
        ..TestRequest::new(&args.name, &global.namespace)
    };
    let tested = run_tests(&cfg, &req)?;
    let opts =
        StatusOptions { debug: global.debug, hide_notes: true, color: color_enabled(), ..StatusOptions::default() };
    let status = match status_text(&tested.release, opts) {
        Ok(text) => text,
        Err(e) => {
            tested.finish(&cfg)?;
            return Err(e);
        }
    };
    print!("{status}");
    // Go: errors.Join(runErr, logsErr), one error per line.
    let mut errors: Vec<String> = tested.outcome.clone().err().into_iter().collect();
    if args.logs {
        // Go: a new line separates the status from the logs.
        println!();
        let (logs, read) = test_pod_logs(&cfg, &tested.release, &req.filters);
        for pod in logs {
            println!("POD LOGS: {}\n{}", pod.pod, pod.logs);
        }
        match read {
            Ok(()) => {}
            // Nothing to read on this target: say so, the tests' outcome stands.
            Err(ActionError::Target(e @ TargetError::Unsupported(_))) => eprintln!("capstan: {e}"),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let finished = tested.finish(&cfg);
    if !errors.is_empty() {
        return Err(anyhow!(errors.join("\n")));
    }
    Ok(finished?)
}
