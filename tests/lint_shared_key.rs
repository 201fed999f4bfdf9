//! `lint`'s renders are thrown away (`funcs::throwaway`): one RSA key
//! serves every certificate they make and each password is bcrypt-hashed
//! once; everything else gets a fresh key per certificate and a fresh
//! salt per hash. The switch is process-wide, so this test has a process
//! (a test binary) of its own.

use capstan::engine::funcs::throwaway;
use capstan::engine::gotmpl::Templates;
use capstan::engine::value::Value;

fn render(text: &str) -> String {
    let mut set = Templates::new();
    set.parse("t", text).unwrap();
    set.execute("t", &Value::Nil).unwrap()
}

fn same_keys() -> String {
    render(r#"{{ $a := genCA "a" 1 }}{{ $b := genSelfSignedCert "b" nil nil 1 }}{{ eq $a.Key $b.Key }}"#)
}

/// Whether two hashes of one password are equal, and two of different
/// passwords; each hash verifies against its password.
fn same_hashes() -> (String, String) {
    let out = render(r#"{{ bcrypt "pw" }} {{ htpasswd "u" "pw" }} {{ bcrypt "other" }}"#);
    let parts: Vec<&str> = out.split(' ').collect();
    let first = parts[0];
    let second = parts[1].strip_prefix("u:").expect("htpasswd gives user:hash");
    let other = parts[2];
    for (hash, password) in [(first, "pw"), (second, "pw"), (other, "other")] {
        assert!(bcrypt::verify(password, hash).unwrap(), "{hash} is a bcrypt hash of {password}");
    }
    ((first == second).to_string(), (first == other).to_string())
}

#[test]
fn costly_results_are_shared_only_once_renders_are_thrown_away() {
    assert_eq!(same_keys(), "false", "keys are fresh by default");
    assert_eq!(same_hashes(), ("false".into(), "false".into()), "each hash has its own salt by default");
    throwaway::declare();
    assert_eq!(same_keys(), "true", "one key once shared");
    assert_eq!(same_keys(), "true");
    assert_eq!(same_hashes(), ("true".into(), "false".into()), "one hash per password once shared");
}
