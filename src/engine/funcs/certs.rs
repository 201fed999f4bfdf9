//! Sprig's private keys and X.509 certificates (genPrivateKey, genCA,
//! genSelfSignedCert, genSignedCert and their WithKey forms,
//! buildCustomCert).

use super::{call_err, FuncResult};
use crate::engine::value::Value;

fn not_yet(name: &str) -> FuncResult {
    Err(call_err(format!("{name} is not implemented yet")))
}

pub fn gen_private_key(_: &[Value]) -> FuncResult {
    not_yet("genPrivateKey")
}
pub fn build_custom_cert(_: &[Value]) -> FuncResult {
    not_yet("buildCustomCert")
}
pub fn gen_ca(_: &[Value]) -> FuncResult {
    not_yet("genCA")
}
pub fn gen_ca_with_key(_: &[Value]) -> FuncResult {
    not_yet("genCAWithKey")
}
pub fn gen_self_signed_cert(_: &[Value]) -> FuncResult {
    not_yet("genSelfSignedCert")
}
pub fn gen_self_signed_cert_with_key(_: &[Value]) -> FuncResult {
    not_yet("genSelfSignedCertWithKey")
}
pub fn gen_signed_cert(_: &[Value]) -> FuncResult {
    not_yet("genSignedCert")
}
pub fn gen_signed_cert_with_key(_: &[Value]) -> FuncResult {
    not_yet("genSignedCertWithKey")
}
