//! Expectations from go-yaml v2 (encode_test.go, emitterc.go) as reached
//! through sigs.k8s.io/yaml.Marshal.

use super::*;
use serde_json::json;

fn y(v: Json) -> String {
    to_yaml(&v)
}

#[test]
fn scalars_at_the_root() {
    assert_eq!(y(json!(null)), "null\n");
    assert_eq!(y(json!(true)), "true\n");
    assert_eq!(y(json!(12)), "12\n");
    assert_eq!(y(json!("hello")), "hello\n");
    assert_eq!(y(json!({})), "{}\n");
    assert_eq!(y(json!([])), "[]\n");
}

#[test]
fn numbers_go_through_json_then_yaml() {
    assert_eq!(y(json!({"a": 1000000.0})), "a: 1000000\n");
    assert_eq!(y(json!({"a": 1.5})), "a: 1.5\n");
    assert_eq!(y(json!({"a": 0.000001})), "a: 1e-06\n");
    assert_eq!(y(json!({"a": 1e20})), "a: 1e+20\n");
    assert_eq!(y(json!({"a": 1.2345678901234567e19})), "a: 12345678901234567000\n");
    assert_eq!(y(json!({"a": -0.0})), "a: 0\n");
    assert_eq!(y(json!({"a": 1e21})), "a: 1e+21\n");
}

#[test]
fn strings_that_would_read_as_other_types_are_double_quoted() {
    for s in ["true", "no", "ON", "y", "null", "~", "", "1", "0x1F", "1.5", "1e3", ".inf", "-.5", "0755", "2001-12-14", "1:20", "2001-12-14 21:59:43.10"] {
        let want = format!("a: \"{s}\"\n");
        assert_eq!(y(json!({"a": s})), want, "{s:?}");
    }
    // Not numbers or booleans for go-yaml v2: plain.
    for s in ["yES", "1.2.3", "2001-13-45", "1e400", "+inf", "v1", "12abc", "0b2"] {
        assert_eq!(y(json!({"a": s})), format!("a: {s}\n"), "{s:?}");
    }
}

#[test]
fn indicators_make_single_quotes() {
    assert_eq!(y(json!({"a": "*x"})), "a: '*x'\n");
    assert_eq!(y(json!({"a": "- x"})), "a: '- x'\n");
    assert_eq!(y(json!({"a": "-x"})), "a: -x\n");
    assert_eq!(y(json!({"a": "a: b"})), "a: 'a: b'\n");
    assert_eq!(y(json!({"a": "a:b"})), "a: a:b\n");
    assert_eq!(y(json!({"a": "a #b"})), "a: 'a #b'\n");
    assert_eq!(y(json!({"a": "a#b"})), "a: a#b\n");
    assert_eq!(y(json!({"a": " lead"})), "a: ' lead'\n");
    assert_eq!(y(json!({"a": "trail "})), "a: 'trail '\n");
    assert_eq!(y(json!({"a": "it's"})), "a: it's\n");
    assert_eq!(y(json!({"a": "'q'"})), "a: '''q'''\n");
    assert_eq!(y(json!({"a": "{{ .Values }}"})), "a: '{{ .Values }}'\n");
    assert_eq!(y(json!({"a": "[x]"})), "a: '[x]'\n");
    assert_eq!(y(json!({"a": "x[0]"})), "a: x[0]\n");
    assert_eq!(y(json!({"a": "---"})), "a: '---'\n");
    assert_eq!(y(json!({"a": "@x"})), "a: '@x'\n");
    assert_eq!(y(json!({"a": "%x"})), "a: '%x'\n");
}

#[test]
fn special_characters_make_double_quotes() {
    assert_eq!(y(json!({"a": "tab\there"})), "a: \"tab\\there\"\n");
    assert_eq!(y(json!({"a": "emoji 😀"})), "a: \"emoji \\U0001F600\"\n");
    assert_eq!(y(json!({"a": "café"})), "a: café\n");
    assert_eq!(y(json!({"a": "nb\u{a0}sp"})), "a: nb\u{a0}sp\n");
    // encoding/json leaves C1 controls raw and go-yaml refuses to read them
    // back: Marshal fails, toYaml prints nothing.
    assert_eq!(y(json!({"a": "c1\u{80}"})), "");
    assert_eq!(y(json!({"a": "\u{feff}ab"})), "a: \"\\uFEFF\\x61\\x62\"\n");
    assert_eq!(y(json!({"a": "cr\r"})), "a: \"cr\\r\"\n");
    assert_eq!(y(json!({"a": "q\"uote"})), "a: q\"uote\n");
}

#[test]
fn multi_line_strings_are_literal_blocks() {
    assert_eq!(y(json!({"a": "multi\nline"})), "a: |-\n  multi\n  line\n");
    assert_eq!(y(json!({"a": "one\n"})), "a: |\n  one\n");
    assert_eq!(y(json!({"a": "one\n\n"})), "a: |+\n  one\n\n");
    assert_eq!(y(json!({"a": "\n"})), "a: |4+\n\n".replace("|4", "|2"));
    assert_eq!(y(json!({"a": "  indented\nx"})), "a: |2-\n    indented\n  x\n");
    assert_eq!(y(json!({"a": "x\n\ny\n"})), "a: |\n  x\n\n  y\n");
    // A space before a break, or trailing spaces, rule out the block style.
    assert_eq!(y(json!({"a": "x \ny"})), "a: \"x \\ny\"\n");
    assert_eq!(y(json!({"a": "x\ny "})), "a: \"x\\ny \"\n");
    assert_eq!(y(json!("root\ntext\n")), "|\n  root\n  text\n");
    assert_eq!(y(json!({"a": {"b": "x\ny"}})), "a:\n  b: |-\n    x\n    y\n");
    assert_eq!(y(json!({"l": ["x\ny"]})), "l:\n- |-\n  x\n  y\n");
}

#[test]
fn collections_layout() {
    let v = json!({"b": [1, "two", {"c": 3, "d": [4]}], "a": {"x": {}, "w": [], "z": null}, "m": [[1, 2], [3]]});
    assert_eq!(
        y(v),
        "a:\n  w: []\n  x: {}\n  z: null\nb:\n- 1\n- two\n- c: 3\n  d:\n  - 4\nm:\n- - 1\n  - 2\n- - 3\n"
    );
    // `y` and `n` are YAML 1.1 booleans: quoted as keys too.
    assert_eq!(y(json!({"y": 1, "n": 2})), "\"n\": 2\n\"y\": 1\n");
    assert_eq!(y(json!([{"a": 1, "b": 2}, [], {}])), "- a: 1\n  b: 2\n- []\n- {}\n");
}

#[test]
fn keys_sort_naturally() {
    // sorter.go: digit runs compare as numbers, letters before other characters.
    let v = json!({"a10": 1, "a2": 1, "a1": 1, "b": 1, "B": 1, "_x": 1, "1": 1, "10": 1, "9": 1, "a-b": 1, "ab": 1, "a.b": 1});
    let out = y(v);
    let keys: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    // Order confirmed with helm 4.1.4's toYaml.
    assert_eq!(keys, ["_x", "\"1\"", "\"9\"", "\"10\"", "B", "a-b", "a.b", "a1", "a2", "a10", "ab", "b"]);
    assert!(key_less("a", "a0"));
    // Equal numbers: the shorter digit run first.
    assert!(key_less("a1", "a01"));
    assert!(key_less("app.kubernetes.io/name", "app.kubernetes.io/version"));
}

#[test]
fn long_strings_fold_at_80_columns() {
    let words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua";
    let out = y(json!({"description": words}));
    assert_eq!(
        out,
        "description: lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod\n  tempor incididunt ut labore et dolore magna aliqua\n"
    );
    // Keys never fold; a key longer than 128 bytes is written as `? key`.
    let long_key = "k".repeat(130);
    assert_eq!(y(json!({long_key.clone(): 1})), format!("? {long_key}\n: 1\n"));
}

#[test]
fn keys_with_specials() {
    assert_eq!(y(json!({"true": 1})), "\"true\": 1\n");
    assert_eq!(y(json!({"": 1})), "\"\": 1\n");
    assert_eq!(y(json!({"a b": 1})), "a b: 1\n");
    assert_eq!(y(json!({"*": 1})), "'*': 1\n");
    assert_eq!(y(json!({"x\ny": 1})), "? |-\n  x\n  y\n: 1\n");
}

#[test]
fn forbidden_characters_fail() {
    assert_eq!(try_to_yaml(&json!({"a": "del\u{7f}"})).unwrap_err().message, "yaml: control characters are not allowed");
    assert_eq!(to_yaml(&json!({"a": "del\u{7f}"})), "");
    // NEL is read back as a folded line break.
    assert_eq!(y(json!({"a": "x \u{85} y"})), "a: x y\n");
}

#[test]
fn pretty_is_go_yaml_v3_with_indent_2() {
    // Outputs confirmed with helm 4.1.4's toYamlPretty.
    let v = json!({"a": 1e6, "b": 1.0, "c": 5, "d": [1, [2, 3], {"x": 1}], "e": []});
    assert_eq!(to_yaml_pretty(&v), "a: 1e+06\nb: 1\nc: 5\nd:\n  - 1\n  - - 2\n    - 3\n  - x: 1\ne: []\n");
    let tabs = json!({"a": "x\ty", "b": "x\ty\nz", "c": "x\t", "d": "\tx"});
    assert_eq!(to_yaml_pretty(&tabs), "a: \"x\\ty\"\nb: |-\n  x\ty\n  z\nc: \"x\\t\"\nd: \"\\tx\"\n");
    assert_eq!(to_yaml_pretty(&json!({"a": {"b": "end\n\n\n"}})), "a:\n  b: |+\n    end\n\n\n");
}
