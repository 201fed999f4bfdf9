//! Expectations from go-yaml v2 (resolve.go, decode_test.go) and
//! sigs.k8s.io/yaml (yaml.go convertToJSONableObject), as Helm sees them.

use super::*;
use serde_json::json;

fn read(text: &str) -> Json {
    from_str(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn err(text: &str) -> String {
    from_str(text).expect_err(text).message
}

#[test]
fn yaml_1_1_booleans_and_nulls() {
    for t in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] {
        assert_eq!(read(&format!("a: {t}")), json!({"a": true}), "{t}");
    }
    for t in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] {
        assert_eq!(read(&format!("a: {t}")), json!({"a": false}), "{t}");
    }
    for t in ["", "~", "null", "Null", "NULL"] {
        assert_eq!(read(&format!("a: {t}")), json!({"a": null}), "{t}");
    }
    // Not in go-yaml's table: strings.
    for t in ["yES", "nULL", "tRUE", "oN"] {
        assert_eq!(read(&format!("a: {t}")), json!({"a": t}), "{t}");
    }
    // Quoted and block scalars never resolve.
    assert_eq!(read("a: 'yes'\nb: \"null\"\nc: |\n  true\n"), json!({"a": "yes", "b": "null", "c": "true\n"}));
}

#[test]
fn keys_are_stringified_like_sigs_yaml() {
    // DESIGN.md: keys `n:`, `y:`, `on:`, `off:` become "false"/"true".
    assert_eq!(read("on: 1\nn: 2"), json!({"true": 1.0, "false": 2.0}));
    assert_eq!(read("1: a\n0x10: b\n1.5: c\n.inf: d\n1e3: e"), json!({"1": "a", "16": "b", "1.5": "c", ".inf": "d", "1000": "e"}));
    // float keys go through FormatFloat(.., 'g', -1, 32).
    assert_eq!(read("3.14159265358979: pi\n1e10: big"), json!({"3.1415927": "pi", "1e+10": "big"}));
    assert_eq!(
        err("~: a"),
        "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""
    );
}

#[test]
fn numbers_all_become_float64() {
    let v = read(
        "dec: 1000000\noct: 0755\noct2: 0o17\nhex: 0x1F\nbin: 0b101\nneg: -12\nplus: +7\n\
         under: 1_000\nflt: 1.5\nexp: 1e3\ndot: .5\nbig: 12345678901234567890\nhuge: 123456789012345678901234567890\n\
         eight: 08\nnegzero: -0\nnegzerof: -0.0\nnegoct: -0755\n",
    );
    let f = |k: &str| v[k].as_f64().unwrap_or_else(|| panic!("{k}: {:?}", v[k]));
    assert_eq!(f("dec"), 1e6);
    assert_eq!(f("oct"), 493.0);
    assert_eq!(f("oct2"), 15.0);
    assert_eq!(f("hex"), 31.0);
    assert_eq!(f("bin"), 5.0);
    assert_eq!(f("neg"), -12.0);
    assert_eq!(f("plus"), 7.0);
    assert_eq!(f("under"), 1000.0);
    assert_eq!(f("flt"), 1.5);
    assert_eq!(f("exp"), 1000.0);
    assert_eq!(f("dot"), 0.5);
    assert_eq!(f("big"), 12345678901234567890.0);
    assert_eq!(f("huge"), 123456789012345678901234567890.0);
    // "08" is no octal, but matches the YAML float pattern.
    assert_eq!(f("eight"), 8.0);
    assert!(f("negzero").is_sign_positive());
    assert!(f("negzerof").is_sign_negative());
    assert_eq!(f("negoct"), -493.0);
    // Every number is a float64 (serde_json f64), never an integer.
    assert!(v["dec"].is_f64());
    assert!(!v["dec"].is_i64());
}

#[test]
fn things_that_stay_strings() {
    let v = read(
        "a: 1e400\nb: 0x\nc: 1.2.3\nd: 2001-12-14\ne: 1:20\nf: +inf\ng: .Nan\nh: '12'\ni: 12abc\nk: 0b102\nl: ._5\n",
    );
    assert_eq!(v["a"], "1e400");
    assert_eq!(v["b"], "0x");
    assert_eq!(v["c"], "1.2.3");
    assert_eq!(v["d"], "2001-12-14");
    // YAML 1.1 sexagesimal is not resolved by go-yaml v2.
    assert_eq!(v["e"], "1:20");
    assert_eq!(v["f"], "+inf");
    assert_eq!(v["g"], ".Nan");
    assert_eq!(v["h"], "12");
    assert_eq!(v["i"], "12abc");
    assert_eq!(read("j: -x"), json!({"j": "-x"}));
    assert_eq!(v["k"], "0b102");
    assert_eq!(v["l"], "._5");
}

#[test]
fn non_finite_numbers_fail_in_json() {
    assert_eq!(err("a: .inf"), "json: unsupported value: +Inf");
    assert_eq!(err("a: -.Inf"), "json: unsupported value: -Inf");
    assert_eq!(err("a: .nan"), "json: unsupported value: NaN");
}

#[test]
fn explicit_tags() {
    let v = read("a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !!bool \"yes\"\ne: !!null ''\nf: !foo 12\ng: ! 12\nh: !!binary aGVsbG8=\ni: !!str\n");
    assert_eq!(v, json!({"a": "12", "b": 12.0, "c": 1.0, "d": true, "e": null, "f": "12", "g": "12", "h": "hello", "i": ""}));
    assert_eq!(err("a: !!int foo"), "yaml: cannot decode !!str `foo` as a !!int");
    assert_eq!(err("a: !!int yes"), "yaml: cannot decode !!bool `yes` as a !!int");
    assert_eq!(err("a: !!binary '%%%'"), "yaml: !!binary value contains invalid base64 data");
}

#[test]
fn anchors_aliases_and_merges() {
    let v = read(
        "base: &b\n  x: 1\n  p: 2\nother: &o {p: 20, z: 30}\n\
         m1:\n  <<: *b\n  p: 3\n\
         m2:\n  p: 3\n  <<: *b\n\
         m3:\n  <<: [*o, *b]\n\
         list: &l [a, b]\ncopy: *l\n",
    );
    assert_eq!(v["m1"], json!({"x": 1.0, "p": 3.0}));
    // go-yaml v2 applies the merge where it appears: it overwrites p.
    assert_eq!(v["m2"], json!({"x": 1.0, "p": 2.0}));
    // Earlier maps in a merge list win.
    assert_eq!(v["m3"], json!({"x": 1.0, "p": 20.0, "z": 30.0}));
    // `y` is a YAML 1.1 boolean, also as a key.
    assert_eq!(read("y: 1"), json!({"true": 1.0}));
    assert_eq!(v["copy"], json!(["a", "b"]));
    // A quoted "<<" is an ordinary key.
    assert_eq!(read("'<<': {a: 1}"), json!({"<<": {"a": 1.0}}));
    assert_eq!(err("a: *nope"), "yaml: unknown anchor 'nope' referenced");
    assert_eq!(err("a: &a [*a]"), "yaml: anchor 'a' value contains itself");
    assert_eq!(err("a: 1\nb:\n  <<: 3"), "yaml: map merge requires map or sequence of maps as the value");
}

#[test]
fn block_scalars_and_folding() {
    let v = read("a: |\n  one\n  two\n\nb: |-\n  x\n\nc: |+\n  y\n\n\nd: >\n  folded\n  text\n\n  para\ne: plain\n  continued\n  line\n");
    assert_eq!(v["a"], "one\ntwo\n");
    assert_eq!(v["b"], "x");
    assert_eq!(v["c"], "y\n\n\n");
    assert_eq!(v["d"], "folded text\npara\n");
    assert_eq!(v["e"], "plain continued line");
}

#[test]
fn documents() {
    assert_eq!(read(""), Json::Null);
    assert_eq!(read("# only a comment\n"), Json::Null);
    assert_eq!(read("---\n"), Json::Null);
    assert_eq!(read("a: 1\n---\nb: 2\n"), json!({"a": 1.0}));
    assert_eq!(from_str_all("a: 1\n---\nb: 2\n---\n").unwrap(), vec![json!({"a": 1.0}), json!({"b": 2.0}), Json::Null]);
    assert_eq!(from_str_all("").unwrap(), Vec::<Json>::new());
    assert_eq!(from_str_all("# only a comment\n").unwrap(), Vec::<Json>::new());
    assert_eq!(from_str_all("---\n").unwrap(), vec![Json::Null]);
    // One document under a header comment (as CRD files are published):
    // the fast reader's stream, the same as libyaml's.
    let crd = "# from upstream\n---\nkind: CustomResourceDefinition\nspec:\n  names: [a, b]\n";
    let mut libyaml = DocReader::new(crd, false);
    let expected = libyaml.next_document().unwrap().unwrap().to_json().unwrap();
    assert!(libyaml.next_document().unwrap().is_none());
    assert!(fast::read(crd).is_some());
    assert_eq!(from_str_all(crd).unwrap(), vec![expected]);
    assert_eq!(read("- 1\n- two"), json!([1.0, "two"]));
    assert_eq!(read("plain"), json!("plain"));
}

#[test]
fn duplicate_keys_last_wins() {
    assert_eq!(read("a: 1\na: 2"), json!({"a": 2.0}));
}

#[test]
fn syntax_errors_read_like_go_yaml() {
    // Scanner error: the problem line, 1-based.
    assert_eq!(err("a: 1\nb: 2\nc\nd: 4\n"), "yaml: line 4: could not find expected ':'");
    // Parser error: go-yaml reports the 0-based problem line (the token
    // ` c` is on the third line).
    assert_eq!(err("a:\n  b: 1\n c: 2\n"), "yaml: line 2: did not find expected key");
    // `-` then a line break starts a block sequence.
    assert_eq!(err("a: 1\nj: -\n"), "yaml: line 2: block sequence entries are not allowed in this context");
    assert_eq!(err("a: b: c"), "yaml: mapping values are not allowed in this context");
    assert_eq!(err("a:\n\t- b"), "yaml: line 2: found character that cannot start any token");
    assert_eq!(err("a: [1, 2"), "yaml: line 1: did not find expected ',' or ']'");
}

#[test]
fn limits() {
    let deep = "[".repeat(20000);
    assert_eq!(err(&deep), "yaml: exceeded max depth of 10000");
    // Billion laughs.
    let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (i, c) in "bcdefghij".chars().enumerate() {
        let prev = (b'a' + i as u8) as char;
        doc.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    assert_eq!(err(&doc), "yaml: document contains excessive aliasing");
}

#[test]
fn nesting_at_the_limit_parses() {
    let depth = 9999;
    let doc = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let v = read(&doc);
    let mut cur = &v;
    let mut n = 0;
    while let Json::Array(a) = cur {
        cur = &a[0];
        n += 1;
    }
    assert_eq!(n, depth);
}

/// Every values.yaml, Chart.yaml and ci/*.yaml of the conformance corpus
/// (/work/shared/corpus, see its README) must read; skipped when absent.
#[test]
fn corpus_chart_files_all_read() {
    let root = std::path::Path::new("/work/shared/corpus/helm/charts");
    if !root.exists() {
        return;
    }
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "templates") {
                    dirs.push(p);
                }
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let in_ci = p.parent().and_then(|x| x.file_name()).is_some_and(|n| n == "ci");
            if name == "values.yaml" || name == "Chart.yaml" || (in_ci && name.ends_with(".yaml")) {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 100, "found only {} files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        match from_str(&text) {
            Ok(v) => assert!(v.is_object() || v.is_null(), "{}", f.display()),
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn block_scalar_at_end_of_input_without_newline() {
    // go-yaml reads no line break after the input's last line (helm 4.1:
    // `fromYaml "a: |\n  x"` is {"a":"x"}, with `|+` too).
    assert_eq!(from_str("a: |\n  x").unwrap(), serde_json::json!({"a": "x"}));
    assert_eq!(from_str("a: |+\n  x").unwrap(), serde_json::json!({"a": "x"}));
    assert_eq!(from_str("a: |\n  x\n").unwrap(), serde_json::json!({"a": "x\n"}));
    // Blank lines after it still end in breaks the input has.
    assert_eq!(from_str("a: |\n  x\n\n").unwrap(), serde_json::json!({"a": "x\n"}));
    assert_eq!(from_str("a: |+\n  x\n\n").unwrap(), serde_json::json!({"a": "x\n\n"}));
    assert_eq!(from_str("a: |+\n  x\n ").unwrap(), serde_json::json!({"a": "x\n"}));
    assert_eq!(from_str("a: |\n  x\n ").unwrap(), serde_json::json!({"a": "x\n"}));
    assert_eq!(from_str("a: >\n  x\n  y").unwrap(), serde_json::json!({"a": "x y"}));
    // The full reader (an anchor sends the document there) agrees.
    assert_eq!(from_str("b: &b 1\na: |\n  x").unwrap(), serde_json::json!({"a": "x", "b": 1.0}));
    assert_eq!(from_str("b: &b 1\na: |+\n  x\n ").unwrap(), serde_json::json!({"a": "x\n", "b": 1.0}));
    assert_eq!(from_str_all("a: |\n  x\n---\nb: |\n  y").unwrap(), vec![serde_json::json!({"a": "x\n"}), serde_json::json!({"b": "y"})]);
    assert_eq!(from_str("a: |-\n  x").unwrap(), serde_json::json!({"a": "x"}));
    assert_eq!(from_str_all("a: >-\n  x\n  y").unwrap(), vec![serde_json::json!({"a": "x y"})]);
}
