//! Sprig's crypto.go: digests, bcrypt/htpasswd, derivePassword (Master
//! Password), random bytes, UUIDs, AES-CBC encryption, private keys and
//! X.509 certificates (see certs.rs for the last two).

use data_encoding::{BASE64, HEXLOWER};
use hmac::{Hmac, KeyInit, Mac};
use rand::RngExt;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::encoding::go_base64_decode;
use super::{arg_int, arg_str, call_err, FuncResult};
use crate::engine::value::{go_bytes, string_from_go_bytes, Value};

pub use super::certs::{
    build_custom_cert, gen_ca, gen_ca_with_key, gen_private_key, gen_self_signed_cert, gen_self_signed_cert_with_key,
    gen_signed_cert, gen_signed_cert_with_key,
};

pub fn sha1sum(a: &[Value]) -> FuncResult {
    Ok(Value::string(HEXLOWER.encode(&Sha1::digest(go_bytes(arg_str(a, 0))))))
}

pub fn sha256sum(a: &[Value]) -> FuncResult {
    Ok(Value::string(HEXLOWER.encode(&Sha256::digest(go_bytes(arg_str(a, 0))))))
}

pub fn sha512sum(a: &[Value]) -> FuncResult {
    Ok(Value::string(HEXLOWER.encode(&Sha512::digest(go_bytes(arg_str(a, 0))))))
}

pub fn adler32sum(a: &[Value]) -> FuncResult {
    let mut h = adler2::Adler32::new();
    h.write_slice(&go_bytes(arg_str(a, 0)));
    Ok(Value::string(h.checksum().to_string()))
}

/// bcrypt with Go's DefaultCost (10), in the `$2a$` form Go writes. A
/// hash costs tens of milliseconds of CPU; renders that are thrown away
/// hash each password once ([`super::throwaway`]).
fn bcrypt_hash(input: &str) -> String {
    super::throwaway::once_per_input("bcrypt", input, || match bcrypt::hash_with_result(input, 10) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    })
}

pub fn bcrypt(a: &[Value]) -> FuncResult {
    Ok(Value::string(bcrypt_hash(arg_str(a, 0))))
}

pub fn htpasswd(a: &[Value]) -> FuncResult {
    let user = arg_str(a, 0);
    if user.contains(':') {
        return Ok(Value::string(format!("invalid username: {user}")));
    }
    Ok(Value::string(format!("{user}:{}", bcrypt_hash(arg_str(a, 1)))))
}

pub fn rand_bytes(a: &[Value]) -> FuncResult {
    let n = arg_int(a, 0);
    if n < 0 {
        return Err(call_err("runtime error: makeslice: len out of range"));
    }
    let mut buf = vec![0u8; n as usize];
    rand::rng().fill(&mut buf[..]);
    Ok(Value::string(BASE64.encode(&buf)))
}

pub fn uuidv4(_: &[Value]) -> FuncResult {
    Ok(Value::string(uuid::Uuid::new_v4().to_string()))
}

const MASTER_PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
            "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(c: u8) -> &'static str {
    match c {
        b'V' => "AEIOU",
        b'C' => "BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => "aeiou",
        b'c' => "bcdfghjklmnpqrstvwxyz",
        b'A' => "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => "0123456789",
        b'o' => "@&%?,=[]_:-+*$#!'^~;()/.",
        b'x' => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        _ => "",
    }
}

/// `derivePassword COUNTER TYPE PASSWORD USER SITE`: the Master Password
/// algorithm (scrypt N=32768 r=8 p=2, then HMAC-SHA256).
pub fn derive_password(a: &[Value]) -> FuncResult {
    let counter = arg_int(a, 0) as u32;
    let (kind, password, user, site) = (arg_str(a, 1), arg_str(a, 2), arg_str(a, 3), arg_str(a, 4));
    let Some(templates) = password_templates(kind) else {
        return Ok(Value::string(format!("cannot find password template {kind}")));
    };
    let mut salt = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let params = scrypt::Params::new(15, 8, 2).map_err(|e| call_err(e.to_string()))?;
    let mut key = [0u8; 64];
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return Ok(Value::string(format!("failed to derive password: {e}")));
    }
    let mut msg = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|e| call_err(e.to_string()))?;
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[seed[0] as usize % templates.len()];
    let out: String = template
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_characters(c).as_bytes();
            chars[seed[i + 1] as usize % chars.len()] as char
        })
        .collect();
    Ok(Value::string(out))
}

/// Sprig's AES key: the password's bytes, zero-padded (or cut) to 32.
fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let b = password.as_bytes();
    let n = b.len().min(32);
    key[..n].copy_from_slice(&b[..n]);
    key
}

/// `encryptAES PASSWORD TEXT`: AES-256-CBC, PKCS#7 padding, random IV
/// prepended, base64.
pub fn encrypt_aes(a: &[Value]) -> FuncResult {
    use aes::cipher::{BlockModeEncrypt, KeyIvInit};
    let plaintext = arg_str(a, 1);
    if plaintext.is_empty() {
        return Ok(Value::str(""));
    }
    let mut iv = [0u8; 16];
    rand::rng().fill(&mut iv[..]);
    let key = aes_key(arg_str(a, 0));
    let enc = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into());
    let ct = enc.encrypt_padded_vec::<aes::cipher::block_padding::Pkcs7>(&go_bytes(plaintext));
    let mut out = iv.to_vec();
    out.extend_from_slice(&ct);
    Ok(Value::string(BASE64.encode(&out)))
}

/// `decryptAES PASSWORD DATA`: the inverse of encryptAES. Like Sprig, the
/// padding is removed by its last byte without further checks.
pub fn decrypt_aes(a: &[Value]) -> FuncResult {
    use aes::cipher::{BlockModeDecrypt, KeyIvInit};
    let crypt64 = arg_str(a, 1);
    if crypt64.is_empty() {
        return Ok(Value::str(""));
    }
    let crypt = go_base64_decode(crypt64.as_bytes())
        .map_err(|at| call_err(format!("illegal base64 data at input byte {at}")))?;
    if crypt.len() < 16 {
        return Err(call_err(format!("runtime error: slice bounds out of range [:16] with capacity {}", crypt.len())));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(call_err("crypto/cipher: input not full blocks"));
    }
    if body.is_empty() {
        return Err(call_err("runtime error: index out of range [-1]"));
    }
    let key = aes_key(arg_str(a, 0));
    let mut buf = body.to_vec();
    let iv: [u8; 16] = iv.try_into().unwrap_or([0u8; 16]);
    let dec = cbc::Decryptor::<aes::Aes256>::new(&key.into(), &iv.into());
    let plain = dec
        .decrypt_padded::<aes::cipher::block_padding::NoPadding>(&mut buf)
        .map_err(|e| call_err(e.to_string()))?;
    let pad = *plain.last().unwrap_or(&0) as usize;
    if pad > plain.len() {
        return Err(call_err(format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - pad as i64
        )));
    }
    Ok(Value::string(string_from_go_bytes(&plain[..plain.len() - pad]).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call_str as call, s};
    use super::*;

    #[test]
    fn digests_match_sprig_tests() {
        // crypto_test.go
        assert_eq!(call("sha1sum", &[s("123456789")]), "f7c3bc1d808e04732adf679965ccc34ca7ae3441");
        assert_eq!(
            call("sha256sum", &[s("123456789")]),
            "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"
        );
        assert_eq!(
            call("sha512sum", &[s("123456789")]),
            "d9e6762dd1c8eaf6d61b3c6192fc408d4d6d5f1176d0c29169bc24e71c3f274ad27fcd5811b313d681f7e55ec02d73d499c95455b6b5bb503acf574fba8ffe85"
        );
        assert_eq!(call("adler32sum", &[s("123456789")]), "152961502");
    }

    #[test]
    fn bcrypt_hashes_verify() {
        let h = call("bcrypt", &[s("abc")]);
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(bcrypt::verify("abc", &h).unwrap());
        let line = call("htpasswd", &[s("myUser"), s("myPassword")]);
        let (user, hash) = line.split_once(':').unwrap();
        assert_eq!(user, "myUser");
        assert!(bcrypt::verify("myPassword", hash).unwrap());
        assert_eq!(call("htpasswd", &[s("my:user"), s("x")]), "invalid username: my:user");
    }

    #[test]
    fn derive_password_matches_master_password() {
        // crypto_test.go TestDerivePassword (scrypt is slow in debug builds:
        // a few of its cases)
        let i = |n| Value::Int(n);
        assert_eq!(call("derivePassword", &[i(1), s("long"), s("password"), s("user"), s("example.com")]), "ZedaFaxcZaso9*");
        assert_eq!(call("derivePassword", &[i(2), s("long"), s("password"), s("user"), s("example.com")]), "Fovi2@JifpTupx");
        assert_eq!(call("derivePassword", &[i(1), s("pin"), s("password"), s("user"), s("example.com")]), "6685");
    }

    #[test]
    fn aes_round_trips() {
        // crypto_test.go TestEncryptDecryptAES
        let ct = call("encryptAES", &[s("secretkey"), s("plaintext")]);
        assert_eq!(call("decryptAES", &[s("secretkey"), s(&ct)]), "plaintext");
        assert_eq!(call("encryptAES", &[s("k"), s("")]), "");
        // A known ciphertext (from Go's Sprig): IV zero.
        let mut iv_ct = vec![0u8; 16];
        {
            use aes::cipher::{BlockModeEncrypt, KeyIvInit};
            let enc = cbc::Encryptor::<aes::Aes256>::new(&aes_key("k").into(), &[0u8; 16].into());
            iv_ct.extend(enc.encrypt_padded_vec::<aes::cipher::block_padding::Pkcs7>(b"hello"));
        }
        assert_eq!(call("decryptAES", &[s("k"), s(&BASE64.encode(&iv_ct))]), "hello");
    }

    #[test]
    fn random_values_have_the_right_shape() {
        let u = call("uuidv4", &[]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let b = call("randBytes", &[Value::Int(12)]);
        assert_eq!(go_base64_decode(b.as_bytes()).unwrap().len(), 12);
    }
}
