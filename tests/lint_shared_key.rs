//! `lint` makes one RSA key for every certificate its renders ask for
//! (`rsa_pool::share_one_key`); everything else gets a fresh key per
//! certificate. The switch is process-wide, so this test has a process
//! (a test binary) of its own.

use capstan::engine::funcs::certs::rsa_pool;
use capstan::engine::gotmpl::Templates;
use capstan::engine::value::Value;

fn same_keys() -> String {
    let mut set = Templates::new();
    set.parse("t", r#"{{ $a := genCA "a" 1 }}{{ $b := genSelfSignedCert "b" nil nil 1 }}{{ eq $a.Key $b.Key }}"#)
        .unwrap();
    set.execute("t", &Value::Nil).unwrap()
}

#[test]
fn keys_are_shared_only_once_asked() {
    assert_eq!(same_keys(), "false", "keys are fresh by default");
    rsa_pool::share_one_key();
    assert_eq!(same_keys(), "true", "one key once shared");
    assert_eq!(same_keys(), "true");
}
