//! capstan: a Helm-compatible package manager and Kubernetes manifest renderer.
//!
//! The render path follows the data: [`chart`] → [`values`] → [`engine`] →
//! [`manifest`]; it is synchronous and touches no network.

pub mod action;
pub mod chart;
pub mod cli;
pub mod cluster;
pub mod codec;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod huge_pages;
pub mod kustomize;
pub mod limits;
pub mod parallel;
pub mod lint;
pub mod manifest;
pub mod one_shot;
pub mod release;
pub mod repo;
pub mod values;
