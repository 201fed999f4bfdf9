//! Sprig's private keys and X.509 certificates (genPrivateKey, genCA,
//! genSelfSignedCert, genSignedCert and their WithKey forms,
//! buildCustomCert), built as Sprig's crypto.go builds them: RSA-2048 keys
//! (4096 for genPrivateKey), a random 128-bit serial, subject CN only,
//! NotBefore now, NotAfter now + days, key usage digitalSignature +
//! keyEncipherment (+ certSign for CAs), extended key usage serverAuth +
//! clientAuth, basic constraints, and keys PEM-encoded as Go's
//! `pemBlockForKey` does (PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 for
//! Ed25519, Sprig's ASN.1 sequence for DSA). Certificates are signed with
//! rcgen (ring).

use std::net::IpAddr;
use std::rc::Rc;

use data_encoding::BASE64;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rand::RngExt;
use sha1::{Digest, Sha1};

use super::encoding::go_base64_decode;
use super::{arg_int, arg_str, call_err, FuncError, FuncResult};
use crate::engine::gofmt::sprint_value;
use crate::engine::value::{Map, Object, Value};

// ---- Sprig's certificate struct ----

/// Sprig's `certificate{Cert, Key string}`.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.cert)),
            "Key" => Some(Value::str(&self.key)),
            _ => None,
        }
    }

    fn to_data(&self) -> Value {
        let mut m = Map::new();
        m.insert("Cert".into(), Value::str(&self.cert));
        m.insert("Key".into(), Value::str(&self.key));
        Value::map(m)
    }

    fn go_string(&self) -> Option<String> {
        Some(format!("{{{} {}}}", self.cert, self.key))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

fn cert_value(c: Certificate) -> Value {
    Value::Object(Rc::new(c))
}

// ---- PEM and DER ----

/// Go `pem.EncodeToMemory` (no headers): base64 in 64-column lines.
fn pem_encode(kind: &str, der: &[u8]) -> String {
    let b64 = BASE64.encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// Go `pem.Decode`, enough for keys and certificates: the first block's
/// type and bytes.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let type_end = rest.find("-----")?;
    let kind = rest[..type_end].to_string();
    let body = &rest[type_end + 5..];
    let end_marker = format!("-----END {kind}-----");
    let end = body.find(&end_marker)?;
    let b64: String = body[..end]
        .lines()
        .filter(|l| !l.contains(':')) // skip PEM headers
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = go_base64_decode(b64.as_bytes()).ok()?;
    Some((kind, der))
}

/// DER length octets.
fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// A non-negative DER INTEGER from big-endian magnitude bytes.
fn der_uint(be: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = be.iter().copied().skip_while(|b| *b == 0).collect();
    let mut content = if trimmed.is_empty() { vec![0] } else { trimmed };
    if content[0] & 0x80 != 0 {
        content.insert(0, 0);
    }
    der_tlv(0x02, &content)
}

const OID_RSA_ENCRYPTION: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];

/// A PKCS#8 PrivateKeyInfo around an algorithm's private key.
fn pkcs8_wrap(algorithm: &[u8], private_key: &[u8]) -> Vec<u8> {
    let mut body = der_uint(&[0]);
    body.extend(der_tlv(0x30, algorithm));
    body.extend(der_tlv(0x04, private_key));
    der_tlv(0x30, &body)
}

// ---- keys ----

/// A private key as Sprig holds it.
enum PrivateKey {
    Rsa(Box<rsa::PrivateKey>),
    EcP256(Box<p256::SecretKey>),
    Ed25519([u8; 32]),
    Dsa(Box<dsa::SigningKey>),
}

impl PrivateKey {
    /// Go `pemBlockForKey`, encoded.
    fn to_pem(&self) -> Result<String, String> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        Ok(match self {
            PrivateKey::Rsa(k) => {
                pem_encode("RSA PRIVATE KEY", k.to_pkcs1_der().map_err(|e| e.to_string())?.as_bytes())
            }
            PrivateKey::EcP256(k) => pem_encode("EC PRIVATE KEY", &k.to_sec1_der().map_err(|e| e.to_string())?),
            PrivateKey::Ed25519(seed) => pem_encode("PRIVATE KEY", &self.ed25519_pkcs8(seed)),
            PrivateKey::Dsa(k) => {
                let vk = k.verifying_key();
                let c = vk.components();
                let mut body = der_uint(&[0]);
                for n in [c.p().as_ref(), c.q().as_ref(), c.g().as_ref(), vk.y().as_ref(), k.x().as_ref()] {
                    body.extend(der_uint(&n.to_be_bytes()));
                }
                pem_encode("DSA PRIVATE KEY", &der_tlv(0x30, &body))
            }
        })
    }

    /// Go `MarshalPKCS8PrivateKey` for Ed25519 (RFC 8410, no public key).
    fn ed25519_pkcs8(&self, seed: &[u8; 32]) -> Vec<u8> {
        pkcs8_wrap(OID_ED25519, &der_tlv(0x04, seed))
    }

    /// An rcgen signing key (ring).
    fn key_pair(&self) -> Result<KeyPair, String> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let (pkcs8, alg) = match self {
            PrivateKey::Rsa(k) => {
                let pkcs1 = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                let mut alg = OID_RSA_ENCRYPTION.to_vec();
                alg.extend([0x05, 0x00]);
                (pkcs8_wrap(&alg, pkcs1.as_bytes()), &rcgen::PKCS_RSA_SHA256)
            }
            PrivateKey::EcP256(k) => {
                let mut alg = OID_EC_PUBLIC_KEY.to_vec();
                alg.extend_from_slice(OID_P256);
                let sec1 = k.to_sec1_der().map_err(|e| e.to_string())?;
                (pkcs8_wrap(&alg, &sec1), &rcgen::PKCS_ECDSA_P256_SHA256)
            }
            PrivateKey::Ed25519(seed) => (self.ed25519_pkcs8(seed), &rcgen::PKCS_ED25519),
            PrivateKey::Dsa(_) => return Err("x509: only RSA, ECDSA and Ed25519 keys supported".into()),
        };
        KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.into(), alg).map_err(|e| e.to_string())
    }
}

fn generate_rsa(bits: usize) -> Result<rsa::PrivateKey, String> {
    if bits == 2048 {
        // Variable-time prime search, faster (see primes.rs).
        return super::primes::generate_rsa_2048(&mut rand::rng()).map_err(|e| e.to_string());
    }
    rsa::PrivateKey::new(&mut rand::rng(), bits).map_err(|e| e.to_string())
}

/// `genPrivateKey TYPE`: "rsa" (4096 bits, also ""), "dsa", "ecdsa"
/// (P-256), "ed25519".
pub fn gen_private_key(a: &[Value]) -> FuncResult {
    let typ = arg_str(a, 0);
    let key = match typ {
        "" | "rsa" => generate_rsa(4096).map(|k| PrivateKey::Rsa(Box::new(k))),
        "dsa" => {
            let comps = dsa::Components::try_generate_from_rng_with_key_size(
                &mut rand::rng(),
                dsa::KeySize::DSA_2048_256,
            );
            match comps {
                Ok(c) => dsa::SigningKey::try_generate_from_rng_with_components(&mut rand::rng(), c)
                    .map(|k| PrivateKey::Dsa(Box::new(k)))
                    .map_err(|e| format!("{e:?}")),
                Err(e) => return Ok(Value::string(format!("failed to generate dsa params: {e:?}"))),
            }
        }
        "ecdsa" => Ok(PrivateKey::EcP256(Box::new(<p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(&mut rand::rng())))),
        "ed25519" => {
            let mut seed = [0u8; 32];
            rand::rng().fill(&mut seed);
            Ok(PrivateKey::Ed25519(seed))
        }
        _ => return Ok(Value::string(format!("Unknown type {typ}"))),
    };
    let key = match key {
        Ok(k) => k,
        Err(e) => return Ok(Value::string(format!("failed to generate private key: {e}"))),
    };
    // Go's pem.EncodeToMemory of a nil block is empty.
    Ok(Value::string(key.to_pem().unwrap_or_default()))
}

/// Go `x509.ParsePKCS8PrivateKey` for the algorithms we can sign with.
fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    use rsa::pkcs8::DecodePrivateKey;
    if let Ok(k) = rsa::PrivateKey::from_pkcs8_der(der) {
        return Ok(PrivateKey::Rsa(Box::new(k)));
    }
    if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
        return Ok(PrivateKey::EcP256(Box::new(k)));
    }
    // Ed25519: the seed is an OCTET STRING inside the privateKey OCTET STRING.
    let prefix = pkcs8_wrap(OID_ED25519, &der_tlv(0x04, &[0u8; 32]));
    if der.len() == prefix.len() && der[..der.len() - 32] == prefix[..prefix.len() - 32] {
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&der[der.len() - 32..]);
        return Ok(PrivateKey::Ed25519(seed));
    }
    Err("x509: unknown or unsupported key in PKCS#8 wrapping".into())
}

/// Sprig `parsePrivateKeyPEM`.
fn parse_private_key_pem(text: &str) -> Result<PrivateKey, String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let (kind, der) = pem_decode(text).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::PrivateKey::from_pkcs1_der(&der)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(|k| PrivateKey::EcP256(Box::new(k)))
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => Err("parsing DSA private key from PEM: DSA keys cannot sign certificates here".into()),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

// ---- certificates ----

/// Sprig `getNetIPs`.
fn net_ips(v: &Value) -> Result<Vec<IpAddr>, String> {
    let Value::List(items) = v else { return Ok(Vec::new()) };
    items
        .iter()
        .map(|ip| match ip {
            Value::String(s) => s.parse::<IpAddr>().map_err(|_| format!("error parsing ip: {s}")),
            other => Err(format!("error parsing ip: {} is not a string", sprint_value(other))),
        })
        .collect()
}

/// Sprig `getAlternateDNSStrs`.
fn dns_names(v: &Value) -> Result<Vec<String>, String> {
    let Value::List(items) = v else { return Ok(Vec::new()) };
    items
        .iter()
        .map(|d| match d {
            Value::String(s) => Ok(s.to_string()),
            other => Err(format!("error processing alternate dns name: {} is not a string", sprint_value(other))),
        })
        .collect()
}

/// Sprig `getBaseCertTemplate`.
fn base_params(cn: &str, ips: &Value, dns: &Value, days_valid: i64) -> Result<CertificateParams, String> {
    let ips = net_ips(ips)?;
    let dns = dns_names(dns)?;
    let mut params = CertificateParams::default();
    let mut serial = [0u8; 16];
    rand::rng().fill(&mut serial);
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let mut dn = DistinguishedName::new();
    if !cn.is_empty() {
        dn.push(DnType::CommonName, cn);
    }
    params.distinguished_name = dn;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now;
    params.not_after = now + time::Duration::hours(24 * days_valid);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    params.is_ca = IsCa::ExplicitNoCa;
    for name in dns {
        let ia5 = name
            .clone()
            .try_into()
            .map_err(|_| format!("error creating certificate: x509: {} cannot be encoded as an IA5String", crate::engine::gofmt::strconv::quote(&name)))?;
        params.subject_alt_names.push(SanType::DnsName(ia5));
    }
    params.subject_alt_names.extend(ips.into_iter().map(SanType::IpAddress));
    Ok(params)
}

/// Go's subject key identifier: SHA-1 of the public key bits.
fn go_key_id(kp: &KeyPair) -> Vec<u8> {
    Sha1::digest(kp.public_key_raw()).to_vec()
}

/// Sign `params` for `key` by `issuer` (self-signed when `None`); the
/// certificate and key as PEM.
fn issue(
    mut params: CertificateParams,
    key: &PrivateKey,
    issuer: Option<(&str, &PrivateKey)>,
) -> Result<Certificate, String> {
    let kp = key.key_pair().map_err(|e| format!("error creating certificate: {e}"))?;
    params.key_identifier_method = KeyIdMethod::PreSpecified(go_key_id(&kp));
    let cert = match issuer {
        None => params.self_signed(&kp),
        Some((ca_pem, ca_key)) => {
            let ca_kp = ca_key.key_pair().map_err(|e| format!("error creating certificate: {e}"))?;
            let (_, ca_der) = pem_decode(ca_pem).ok_or("unable to decode certificate")?;
            let issuer = Issuer::from_ca_cert_der(&ca_der.into(), ca_kp)
                .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
            params.use_authority_key_identifier_extension = true;
            params.signed_by(&kp, &issuer)
        }
    }
    .map_err(|e| format!("error creating certificate: {e}"))?;
    Ok(Certificate { cert: pem_encode("CERTIFICATE", cert.der()), key: key.to_pem()? })
}

fn ca_params(cn: &str, days: i64) -> Result<CertificateParams, String> {
    let mut params = base_params(cn, &Value::Nil, &Value::Nil, days)?;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    Ok(params)
}

fn result(r: Result<Certificate, String>) -> FuncResult {
    r.map(cert_value).map_err(call_err)
}

fn new_rsa_2048() -> Result<PrivateKey, String> {
    if let Some(key) = rsa_pool::shared_key() {
        return Ok(PrivateKey::Rsa(Box::new(key)));
    }
    let key = match rsa_pool::take() {
        Some(key) => key,
        None => generate_rsa(2048).map_err(|e| format!("error generating rsa key: {e}"))?,
    };
    Ok(PrivateKey::Rsa(Box::new(key)))
}

/// RSA-2048 keys generated ahead of use on a core the render leaves idle.
/// Prime search makes each key cost tens of milliseconds, and a chart that
/// issues certificates (a CA, then one per service) asks for several in a
/// row: from the first request on, a helper thread keeps [`AHEAD`] keys
/// ready while the template thread renders (and makes its own key when
/// none is ready). (Starting the helper before the render cost charts
/// whose certificate templates are switched off a fifth of their render:
/// the key search slowed the other core.) At most [`AHEAD`] keys are made
/// that no one uses. Each key is fresh and used once, except in a process
/// whose renders are thrown away ([`super::throwaway`]): one key then
/// serves every certificate (helm lint spends most of its time on harbor
/// making keys).
pub mod rsa_pool {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Mutex, OnceLock};

    /// Keys the helper keeps ready. One left it idle while the template
    /// thread made its own key and then rendered on: harbor asks for
    /// eight (its deployments include the secret templates again for
    /// their checksums).
    pub const AHEAD: usize = 2;

    /// Keys made ahead, ready for use.
    static READY: Mutex<Vec<rsa::PrivateKey>> = Mutex::new(Vec::new());
    /// Whether a helper thread is making keys.
    static MAKING: AtomicBool = AtomicBool::new(false);
    /// The one key of a process whose renders are thrown away, once made.
    static SHARED: OnceLock<Option<rsa::PrivateKey>> = OnceLock::new();

    fn ready() -> std::sync::MutexGuard<'static, Vec<rsa::PrivateKey>> {
        READY.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The shared key when renders are thrown away (None otherwise, or
    /// when it cannot be made). The first caller makes it, or waits for
    /// the key a helper thread is making; callers meanwhile wait for the
    /// first.
    pub(super) fn shared_key() -> Option<rsa::PrivateKey> {
        if !super::super::throwaway::active() {
            return None;
        }
        SHARED
            .get_or_init(|| loop {
                if let Some(key) = ready().pop() {
                    break Some(key);
                }
                if !MAKING.load(Ordering::Acquire) {
                    // An error is left to each caller's own attempt.
                    break super::generate_rsa(2048).ok();
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            })
            .clone()
    }

    /// Start making keys on another core until [`AHEAD`] are ready (one
    /// when renders are thrown away), unless they are, or a helper is at
    /// it, or there is no other core.
    pub fn prefetch() {
        let throwaway = super::super::throwaway::active();
        if (throwaway && SHARED.get().is_some_and(Option::is_some))
            || crate::limits::cores() < 2
            || ready().len() >= AHEAD
            || MAKING.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let wanted = if throwaway { 1 } else { AHEAD };
        let spawned = std::thread::Builder::new().name("rsa-keygen".into()).spawn(move || loop {
            let key = super::generate_rsa(2048).ok();
            // Decided under the lock, so that a `take` that finds the
            // helper still at work can count on it to go on.
            let mut ready = ready();
            let failed = key.is_none();
            ready.extend(key);
            if failed || ready.len() >= wanted {
                MAKING.store(false, Ordering::Release);
                break;
            }
        });
        if spawned.is_err() {
            MAKING.store(false, Ordering::Release);
        }
    }

    /// A key ready for use, if there is one; either way the helper is
    /// (re)started, so that the next caller finds one.
    pub fn take() -> Option<rsa::PrivateKey> {
        let key = ready().pop();
        prefetch();
        key
    }
}

fn key_from_pem(text: &str) -> Result<PrivateKey, String> {
    parse_private_key_pem(text).map_err(|e| format!("parsing private key: {e}"))
}

/// `genCA CN DAYS`.
pub fn gen_ca(a: &[Value]) -> FuncResult {
    result((|| {
        let key = new_rsa_2048()?;
        issue(ca_params(arg_str(a, 0), arg_int(a, 1))?, &key, None)
    })())
}

/// `genCAWithKey CN DAYS KEY`.
pub fn gen_ca_with_key(a: &[Value]) -> FuncResult {
    result((|| {
        let key = key_from_pem(arg_str(a, 2))?;
        issue(ca_params(arg_str(a, 0), arg_int(a, 1))?, &key, None)
    })())
}

/// `genSelfSignedCert CN IPS DNS DAYS`.
pub fn gen_self_signed_cert(a: &[Value]) -> FuncResult {
    result((|| {
        let key = new_rsa_2048()?;
        issue(base_params(arg_str(a, 0), &a[1], &a[2], arg_int(a, 3))?, &key, None)
    })())
}

/// `genSelfSignedCertWithKey CN IPS DNS DAYS KEY`.
pub fn gen_self_signed_cert_with_key(a: &[Value]) -> FuncResult {
    result((|| {
        let key = key_from_pem(arg_str(a, 4))?;
        issue(base_params(arg_str(a, 0), &a[1], &a[2], arg_int(a, 3))?, &key, None)
    })())
}

/// The CA argument (declared `Param::Cert`).
fn ca_arg(v: &Value) -> Certificate {
    match v {
        Value::Object(o) => o.as_any().and_then(|x| x.downcast_ref::<Certificate>()).cloned(),
        _ => None,
    }
    .unwrap_or(Certificate { cert: String::new(), key: String::new() })
}

/// Sprig `generateSignedCertificateWithKeyInternal`.
fn signed(a: &[Value], key: Result<PrivateKey, String>) -> Result<Certificate, String> {
    let ca = ca_arg(&a[4]);
    let key = key?;
    let (_, ca_der) = pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    x509_parser::parse_x509_certificate(&ca_der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: x509: {e}"))?;
    let ca_key = parse_private_key_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    let params = base_params(arg_str(a, 0), &a[1], &a[2], arg_int(a, 3))?;
    issue(params, &key, Some((&ca.cert, &ca_key)))
}

/// `genSignedCert CN IPS DNS DAYS CA`.
pub fn gen_signed_cert(a: &[Value]) -> FuncResult {
    result(signed(a, new_rsa_2048()))
}

/// `genSignedCertWithKey CN IPS DNS DAYS CA KEY`.
pub fn gen_signed_cert_with_key(a: &[Value]) -> FuncResult {
    result(signed(a, key_from_pem(arg_str(a, 5))))
}

/// `buildCustomCert B64CERT B64KEY`: check and wrap an existing pair.
pub fn build_custom_cert(a: &[Value]) -> FuncResult {
    let check = || -> Result<Certificate, String> {
        let cert = go_base64_decode(arg_str(a, 0).as_bytes()).map_err(|_| "unable to decode base64 certificate")?;
        let key = go_base64_decode(arg_str(a, 1).as_bytes()).map_err(|_| "unable to decode base64 private key")?;
        let cert = String::from_utf8_lossy(&cert).into_owned();
        let key = String::from_utf8_lossy(&key).into_owned();
        let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
        x509_parser::parse_x509_certificate(&der)
            .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: x509: {e}"))?;
        parse_private_key_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
        Ok(Certificate { cert, key })
    };
    check().map(cert_value).map_err(|e: String| -> FuncError { call_err(e) })
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, s};
    use super::*;
    use x509_parser::prelude::*;

    fn parts(v: &Value) -> Certificate {
        ca_arg(v)
    }

    fn parsed(pem: &str) -> Vec<u8> {
        pem_decode(pem).expect("PEM").1
    }

    #[test]
    fn keys_generated_ahead_are_distinct_rsa_2048_keys() {
        use rsa::traits::PublicKeyParts;
        rsa_pool::prefetch();
        let a = match new_rsa_2048().unwrap() {
            PrivateKey::Rsa(k) => k,
            _ => panic!("not RSA"),
        };
        let b = match new_rsa_2048().unwrap() {
            PrivateKey::Rsa(k) => k,
            _ => panic!("not RSA"),
        };
        assert_eq!(a.n().bit_width(), 2048);
        assert_eq!(b.n().bit_width(), 2048);
        assert_ne!(a.n(), b.n());
    }

    #[test]
    fn ecdsa_and_ed25519_keys_are_valid_pem() {
        let ec = match call("genPrivateKey", &[s("ecdsa")]).unwrap() {
            Value::String(k) => k.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
        assert!(matches!(parse_private_key_pem(&ec), Ok(PrivateKey::EcP256(_))));
        let ed = match call("genPrivateKey", &[s("ed25519")]).unwrap() {
            Value::String(k) => k.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(parsed(&ed).len(), 48, "Go's RFC 8410 PKCS#8 form");
        assert!(matches!(parse_private_key_pem(&ed), Ok(PrivateKey::Ed25519(_))));
        assert_eq!(call("genPrivateKey", &[s("foo")]), Ok(s("Unknown type foo")));
    }

    #[test]
    fn ca_and_signed_certificates_chain() {
        // crypto_test.go TestGenCA / TestGenSignedCert
        let ca = call("genCA", &[s("foo ca"), Value::Int(365)]).unwrap();
        assert_eq!(ca.type_name(), "sprig.certificate");
        let ca_parts = parts(&ca);
        assert!(ca_parts.cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(ca_parts.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let ca_der = parsed(&ca_parts.cert);
        let (_, ca_x509) = parse_x509_certificate(&ca_der).unwrap();
        assert_eq!(ca_x509.subject().to_string(), "CN=foo ca");
        assert!(ca_x509.is_ca());
        let days = (ca_x509.validity().not_after.timestamp() - ca_x509.validity().not_before.timestamp()) / 86400;
        assert_eq!(days, 365);

        let ips = Value::list(vec![s("10.0.0.1"), s("::1")]);
        let dns = Value::list(vec![s("bar.com"), s("*.bar.com")]);
        let leaf = call("genSignedCert", &[s("foo.com"), ips, dns, Value::Int(30), ca.clone()]).unwrap();
        let leaf_der = parsed(&parts(&leaf).cert);
        let (_, leaf_x509) = parse_x509_certificate(&leaf_der).unwrap();
        assert_eq!(leaf_x509.subject().to_string(), "CN=foo.com");
        assert_eq!(leaf_x509.issuer().to_string(), "CN=foo ca");
        assert!(!leaf_x509.is_ca());
        let san = leaf_x509.subject_alternative_name().unwrap().unwrap();
        assert_eq!(san.value.general_names.len(), 4);
        // The leaf's signature verifies with the CA's public key.
        leaf_x509.verify_signature(Some(ca_x509.public_key())).expect("signed by the CA");
        // Sprig's template use: the PEM is base64-encoded into a Secret.
        let b64 = call("b64enc", &[Value::str(&parts(&leaf).cert)]).unwrap();
        assert!(matches!(b64, Value::String(ref t) if t.starts_with("LS0tLS1CRUdJTi")));
    }

    #[test]
    fn self_signed_and_custom_certificates() {
        let key = match call("genPrivateKey", &[s("ecdsa")]).unwrap() {
            Value::String(k) => k.to_string(),
            other => panic!("{other:?}"),
        };
        let cert = call(
            "genSelfSignedCertWithKey",
            &[s("self"), Value::Nil, Value::list(vec![s("a.example")]), Value::Int(10), s(&key)],
        )
        .unwrap();
        let c = parts(&cert);
        assert_eq!(c.key, key, "the key comes back as given (SEC 1)");
        let der = parsed(&c.cert);
        let (_, x) = parse_x509_certificate(&der).unwrap();
        x.verify_signature(None).expect("self-signed");

        let b64 = |t: &str| Value::string(BASE64.encode(t.as_bytes()));
        let custom = call("buildCustomCert", &[b64(&c.cert), b64(&c.key)]).unwrap();
        assert_eq!(parts(&custom).cert, c.cert);
        assert_eq!(
            call("buildCustomCert", &[s("!!"), b64(&c.key)]),
            Err(call_err("unable to decode base64 certificate"))
        );
        assert_eq!(
            call("buildCustomCert", &[b64("junk"), b64(&c.key)]),
            Err(call_err("unable to decode certificate"))
        );
        assert_eq!(
            call("genCAWithKey", &[s("x"), Value::Int(1), s("nope")]),
            Err(call_err("parsing private key: no PEM data in input"))
        );
        assert_eq!(
            call("genSelfSignedCert", &[s("x"), Value::list(vec![s("1.2.3")]), Value::Nil, Value::Int(1)]),
            Err(call_err("error parsing ip: 1.2.3"))
        );
        assert_eq!(sprint_value(&cert).chars().next(), Some('{'));
    }

    #[test]
    #[ignore = "RSA-4096 and DSA key generation are slow in debug builds"]
    fn rsa_and_dsa_private_keys() {
        for (kind, header) in [("rsa", "RSA PRIVATE KEY"), ("dsa", "DSA PRIVATE KEY")] {
            match call("genPrivateKey", &[s(kind)]).unwrap() {
                Value::String(k) => assert!(k.starts_with(&format!("-----BEGIN {header}-----\n")), "{k}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
