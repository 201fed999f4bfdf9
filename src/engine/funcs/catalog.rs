//! One line of documentation per library function, grouped by family: the
//! parameter names and what the function does. `capstan docs` turns this
//! table and the registered signatures into docs/reference/functions.md; a
//! test checks that every registered function is described exactly once
//! and that the parameter names fit its signature.
//! Descriptions follow Sprig v3's docs (docs/*.md) and Helm's
//! pkg/engine/funcs.go, worded for this project.

/// One documented function.
#[derive(Debug, Clone, Copy)]
pub struct FuncDoc {
    pub name: &'static str,
    /// Parameter names separated by spaces, one per Go parameter; a final
    /// variadic parameter starts with `...`.
    pub params: &'static str,
    pub summary: &'static str,
}

/// A family of related functions.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    pub title: &'static str,
    pub functions: &'static [FuncDoc],
}

const fn f(name: &'static str, params: &'static str, summary: &'static str) -> FuncDoc {
    FuncDoc {
        name,
        params,
        summary,
    }
}

/// Every library function, by family, in the order the reference shows them.
pub const FAMILIES: &[Family] = &[
    Family {
        title: "Strings",
        functions: &[
            f("hello", "", "Returns `Hello!`."),
            f("upper", "s", "`s` in upper case."),
            f("lower", "s", "`s` in lower case."),
            f("title", "s", "`s` with the first letter of each word in upper case."),
            f("untitle", "s", "`s` with the first letter of each word in lower case."),
            f("swapcase", "s", "`s` with the case of every letter swapped."),
            f("camelcase", "s", "`s` from snake_case to CamelCase (`http_server` → `HttpServer`)."),
            f("snakecase", "s", "`s` from CamelCase to snake_case (`FirstName` → `first_name`)."),
            f("kebabcase", "s", "`s` from CamelCase to kebab-case (`FirstName` → `first-name`)."),
            f("trim", "s", "`s` without leading and trailing white space."),
            f("trimAll", "cutset s", "`s` without the leading and trailing characters found in `cutset`."),
            f("trimall", "cutset s", "Old name of `trimAll`."),
            f("trimPrefix", "prefix s", "`s` without `prefix` at its start, if present."),
            f("trimSuffix", "suffix s", "`s` without `suffix` at its end, if present."),
            f("nospace", "s", "`s` with all white space removed."),
            f("trunc", "n s", "The first `n` characters of `s` (the last `-n` when `n` is negative)."),
            f("abbrev", "width s", "`s` cut to `width` characters, ending in `...` when cut."),
            f("abbrevboth", "left width s", "`s` abbreviated with `...` at both ends: `left` is the offset of the kept text, `width` the total length."),
            f("substr", "start end s", "The part of `s` from character `start` up to `end` (a negative `end` means to the end)."),
            f("repeat", "count s", "`s` repeated `count` times."),
            f("initials", "s", "The first letter of each word of `s`."),
            f("shuffle", "s", "The characters of `s` in random order."),
            f("wrap", "width s", "`s` wrapped at `width` columns, with new lines."),
            f("wrapWith", "width sep s", "`s` wrapped at `width` columns, with `sep` as the line break."),
            f("contains", "substr s", "Whether `s` contains `substr`."),
            f("hasPrefix", "prefix s", "Whether `s` starts with `prefix`."),
            f("hasSuffix", "suffix s", "Whether `s` ends with `suffix`."),
            f("quote", "...values", "Each value's text in double quotes (Go `%q`), joined by spaces; nil values are skipped."),
            f("squote", "...values", "Each value's text in single quotes, joined by spaces; nil values are skipped."),
            f("cat", "...values", "The values' texts joined by spaces; nil values are skipped."),
            f("indent", "n s", "`s` with every line indented by `n` spaces."),
            f("nindent", "n s", "A new line, then `s` with every line indented by `n` spaces."),
            f("replace", "old new s", "`s` with every `old` replaced by `new`."),
            f("plural", "one many count", "`one` when `count` is 1, else `many`."),
            f("toString", "value", "The value as text, as Go's `fmt` prints it (`[]byte` as text)."),
            f("split", "sep s", "`s` split at `sep`, as a dict with keys `_0`, `_1`, ..."),
            f("splitList", "sep s", "`s` split at `sep`, as a list."),
            f("splitn", "sep n s", "`s` split at `sep` into at most `n` parts, as a dict with keys `_0`, `_1`, ..."),
            f("join", "sep list", "The items of `list` as text, joined by `sep`."),
            f("toStrings", "list", "Every item of `list` converted to a string."),
            f("sortAlpha", "list", "The items of `list` as strings, sorted alphabetically."),
            f("randAlphaNum", "n", "`n` random letters and digits."),
            f("randAlpha", "n", "`n` random letters."),
            f("randNumeric", "n", "`n` random digits."),
            f("randAscii", "n", "`n` random printable ASCII characters."),
        ],
    },
    Family {
        title: "Numbers and math",
        functions: &[
            f("atoi", "s", "`s` parsed as an integer (0 when it is not one)."),
            f("int", "value", "The value as an `int` (strings are parsed; 0 when impossible)."),
            f("int64", "value", "The value as an `int64` (strings are parsed; 0 when impossible)."),
            f("float64", "value", "The value as a `float64` (strings are parsed; 0 when impossible)."),
            f("toDecimal", "value", "An octal number written as text (`\"0777\"`) as an `int64` (511)."),
            f("add", "...values", "The sum of the values, as `int64`."),
            f("add1", "value", "The value plus 1, as `int64`."),
            f("sub", "a b", "`a - b`, as `int64`."),
            f("mul", "a ...values", "The product of the values, as `int64`."),
            f("div", "a b", "`a / b` in integer division, as `int64`."),
            f("mod", "a b", "`a % b`, as `int64`."),
            f("max", "a ...values", "The largest of the values, as `int64`."),
            f("biggest", "a ...values", "Old name of `max`."),
            f("min", "a ...values", "The smallest of the values, as `int64`."),
            f("addf", "...values", "The sum of the values, as `float64`."),
            f("add1f", "value", "The value plus 1, as `float64`."),
            f("subf", "a ...values", "`a` minus the other values, as `float64`."),
            f("mulf", "a ...values", "The product of the values, as `float64`."),
            f("divf", "a ...values", "`a` divided by the other values in turn, as `float64`."),
            f("maxf", "a ...values", "The largest of the values, as `float64`."),
            f("minf", "a ...values", "The smallest of the values, as `float64`."),
            f("ceil", "value", "The least integer not below the value, as `float64`."),
            f("floor", "value", "The greatest integer not above the value, as `float64`."),
            f("round", "value precision ...roundOn", "The value rounded to `precision` decimal places; `roundOn` (default .5) is where rounding goes up."),
            f("randInt", "min max", "A random integer from `min` up to, not including, `max`."),
            f("seq", "...bounds", "Integers as `seq` prints them, joined by spaces: `seq END`, `seq START END`, `seq START STEP END`."),
            f("until", "n", "The list of integers from 0 up to, not including, `n`."),
            f("untilStep", "start stop step", "The list of integers from `start` up to, not including, `stop`, by `step`."),
        ],
    },
    Family {
        title: "Defaults and flow control",
        functions: &[
            f("default", "fallback ...value", "`value` unless it is empty (nil, false, 0, \"\", an empty list or map), else `fallback`: `.Values.x | default \"y\"`."),
            f("empty", "value", "Whether the value is empty (nil, false, 0, \"\", an empty list or map)."),
            f("coalesce", "...values", "The first value that is not empty."),
            f("all", "...values", "Whether no value is empty."),
            f("any", "...values", "Whether some value is not empty."),
            f("ternary", "ifTrue ifFalse condition", "`ifTrue` when `condition` is true, else `ifFalse`: `true | ternary \"yes\" \"no\"`."),
            f("required", "message value", "The value, or a render error with `message` when it is nil or \"\"."),
            f("fail", "message", "Stops the render with an error showing `message`."),
            f("deepCopy", "value", "A deep copy of the value (maps and lists copied too)."),
            f("mustDeepCopy", "value", "As `deepCopy`, with an error for a nil value."),
        ],
    },
    Family {
        title: "Types and reflection",
        functions: &[
            f("typeOf", "value", "The value's Go type, e.g. `string`, `float64`, `map[string]interface {}`."),
            f("typeIs", "type value", "Whether the value's Go type is `type`."),
            f("typeIsLike", "type value", "Whether the value's Go type is `type` or a pointer to it."),
            f("kindOf", "value", "The value's Go kind, e.g. `string`, `map`, `slice`, `float64`."),
            f("kindIs", "kind value", "Whether the value's Go kind is `kind`."),
            f("deepEqual", "a b", "Whether `a` and `b` are deeply equal (Go's `reflect.DeepEqual`)."),
        ],
    },
    Family {
        title: "Lists",
        functions: &[
            f("list", "...items", "A list of the items."),
            f("tuple", "...items", "Old name of `list`."),
            f("first", "list", "The first item of the list (nil when empty)."),
            f("mustFirst", "list", "Same as `first`, failures reported as errors (Sprig's `must` form)."),
            f("rest", "list", "The list without its first item."),
            f("mustRest", "list", "Same as `rest`, failures reported as errors (Sprig's `must` form)."),
            f("last", "list", "The last item of the list (nil when empty)."),
            f("mustLast", "list", "Same as `last`, failures reported as errors (Sprig's `must` form)."),
            f("initial", "list", "The list without its last item."),
            f("mustInitial", "list", "Same as `initial`, failures reported as errors (Sprig's `must` form)."),
            f("append", "list item", "A new list: `list` with `item` added at the end."),
            f("push", "list item", "Same as `append`."),
            f("mustAppend", "list item", "Same as `append`, failures reported as errors (Sprig's `must` form)."),
            f("mustPush", "list item", "Same as `push`, failures reported as errors (Sprig's `must` form)."),
            f("prepend", "list item", "A new list: `item`, then `list`."),
            f("mustPrepend", "list item", "Same as `prepend`, failures reported as errors (Sprig's `must` form)."),
            f("concat", "...lists", "The lists joined into one."),
            f("reverse", "list", "The list in reverse order."),
            f("mustReverse", "list", "Same as `reverse`, failures reported as errors (Sprig's `must` form)."),
            f("uniq", "list", "The list without repeated items (first occurrences kept)."),
            f("mustUniq", "list", "Same as `uniq`, failures reported as errors (Sprig's `must` form)."),
            f("without", "list ...items", "The list without the given items."),
            f("mustWithout", "list ...items", "Same as `without`, failures reported as errors (Sprig's `must` form)."),
            f("has", "item list", "Whether the list contains the item."),
            f("mustHas", "item list", "Same as `has`, failures reported as errors (Sprig's `must` form)."),
            f("compact", "list", "The list without empty items."),
            f("mustCompact", "list", "Same as `compact`, failures reported as errors (Sprig's `must` form)."),
            f("slice", "list ...indexes", "Part of the list, as Go's `list[start:end]`: `slice $l 1 3` is items 1 and 2 (from 0); with no indexes, the whole list."),
            f("mustSlice", "list ...indexes", "Same as `slice`, failures reported as errors (Sprig's `must` form)."),
            f("chunk", "size list", "The list cut into lists of `size` items (the last may be shorter)."),
            f("mustChunk", "size list", "Same as `chunk`, failures reported as errors (Sprig's `must` form)."),
        ],
    },
    Family {
        title: "Dicts",
        functions: &[
            f("dict", "...pairs", "A dict from key/value pairs: `dict \"a\" 1 \"b\" 2`."),
            f("get", "dict key", "The value under `key`, or \"\" when missing."),
            f("set", "dict key value", "Sets `key` to `value` in the dict and returns the dict."),
            f("unset", "dict key", "Removes `key` from the dict and returns the dict."),
            f("hasKey", "dict key", "Whether the dict has `key`."),
            f("keys", "...dicts", "The keys of the dicts, as a list (pipe to `sortAlpha` for a defined order in Helm)."),
            f("values", "dict", "The values of the dict, as a list."),
            f("pluck", "key ...dicts", "The values under `key` in each dict that has it, as a list."),
            f("pick", "dict ...keys", "A new dict with only the given keys."),
            f("omit", "dict ...keys", "A new dict without the given keys."),
            f("dig", "...keysDefaultDict", "A value in nested dicts: `dig \"a\" \"b\" \"fallback\" $dict` is `$dict.a.b`, or `fallback` when missing."),
            f("merge", "dest ...sources", "Deep-merges the sources into `dest` (keys already in `dest` win) and returns `dest`."),
            f("mustMerge", "dest ...sources", "Same as `merge`, failures reported as errors (Sprig's `must` form)."),
            f("mergeOverwrite", "dest ...sources", "Deep-merges the sources into `dest`, later sources overwriting, and returns `dest`."),
            f("mustMergeOverwrite", "dest ...sources", "Same as `mergeOverwrite`, failures reported as errors (Sprig's `must` form)."),
        ],
    },
    Family {
        title: "Encoding and serialisation",
        functions: &[
            f("b64enc", "s", "`s` in base64."),
            f("b64dec", "s", "`s` decoded from base64."),
            f("b32enc", "s", "`s` in base32."),
            f("b32dec", "s", "`s` decoded from base32."),
            f("toYaml", "value", "The value as YAML, exactly as Helm writes it, without the final new line (\"\" on error)."),
            f("mustToYaml", "value", "As `toYaml`, with an error instead of \"\"."),
            f("toYamlPretty", "value", "The value as YAML indented by 2, lists indented under their key too (Helm)."),
            f("fromYaml", "s", "A YAML document parsed into a dict (on error, a dict with the message under `Error`)."),
            f("fromYamlArray", "s", "A YAML list parsed into a list (on error, a list holding the message)."),
            f("toJson", "value", "The value as compact JSON (\"\" on error)."),
            f("mustToJson", "value", "As `toJson`, with an error instead of \"\"."),
            f("toPrettyJson", "value", "The value as JSON indented by 2 spaces."),
            f("mustToPrettyJson", "value", "As `toPrettyJson`, with an error instead of \"\"."),
            f("toRawJson", "value", "The value as JSON without escaping `<`, `>` and `&`."),
            f("mustToRawJson", "value", "Same as `toRawJson` (both stop the render on error)."),
            f("fromJson", "s", "A JSON object parsed into a dict (on error, a dict with the message under `Error`)."),
            f("mustFromJson", "s", "Any JSON value parsed, with an error when it is not valid JSON."),
            f("fromJsonArray", "s", "A JSON array parsed into a list (on error, a list holding the message)."),
            f("toToml", "value", "The value as TOML (on error, the error's text)."),
            f("mustToToml", "value", "As `toToml`, with an error instead of its text."),
            f("fromToml", "s", "A TOML document parsed into a dict (on error, a dict with the message under `Error`)."),
        ],
    },
    Family {
        title: "Dates",
        functions: &[
            f("now", "", "The current time."),
            f("date", "layout time", "The time formatted with a Go layout (`\"2006-01-02\"`), in the local zone."),
            f("dateInZone", "layout time zone", "As `date`, in the named time zone (`\"UTC\"`)."),
            f("date_in_zone", "layout time zone", "Old name of `dateInZone`."),
            f("htmlDate", "time", "The time as `2006-01-02`."),
            f("htmlDateInZone", "time zone", "The time as `2006-01-02` in the named time zone."),
            f("ago", "time", "The time elapsed since the time, rounded to seconds (`2h34m7s`)."),
            f("toDate", "layout s", "`s` parsed as a time with a Go layout (the zero time on error)."),
            f("mustToDate", "layout s", "As `toDate`, with an error when `s` does not parse."),
            f("dateModify", "change time", "The time moved by a Go duration (`\"-1.5h\"`); the time unchanged when `change` does not parse."),
            f("date_modify", "change time", "Old name of `dateModify`."),
            f("mustDateModify", "change time", "As `dateModify`, with an error when `change` does not parse."),
            f("must_date_modify", "change time", "Old name of `mustDateModify`."),
            f("unixEpoch", "time", "The time as seconds since the Unix epoch (a string)."),
            f("duration", "seconds", "A number of seconds (an `int64` or a numeric string) as a Go duration (`\"95\"` → `1m35s`); other values give `0s`."),
            f("durationRound", "duration", "A duration (or the time since a time) roughly, in its largest unit: `2h`, `3mo`, `1y`."),
        ],
    },
    Family {
        title: "Durations (Helm)",
        functions: &[
            f("mustToDuration", "value", "A Go duration from a duration string (`\"1h30m\"`), a number of seconds or a duration, with an error when impossible."),
            f("durationSeconds", "value", "The duration in seconds, as `float64` (0 when it does not convert)."),
            f("durationMilliseconds", "value", "The duration in whole milliseconds, as `int64`."),
            f("durationMicroseconds", "value", "The duration in whole microseconds, as `int64`."),
            f("durationNanoseconds", "value", "The duration in nanoseconds, as `int64`."),
            f("durationMinutes", "value", "The duration in minutes, as `float64`."),
            f("durationHours", "value", "The duration in hours, as `float64`."),
            f("durationDays", "value", "The duration in days of 24 hours, as `float64`."),
            f("durationWeeks", "value", "The duration in weeks of 7 days, as `float64`."),
            f("durationRoundTo", "value multiple", "The duration rounded to a multiple of `multiple` (Go `Duration.Round`)."),
            f("durationTruncateTo", "value multiple", "The duration rounded down to a multiple of `multiple` (Go `Duration.Truncate`)."),
        ],
    },
    Family {
        title: "Paths",
        functions: &[
            f("base", "path", "The last element of a slash-separated path."),
            f("dir", "path", "The path without its last element."),
            f("clean", "path", "The shortest equivalent path (`a/./b/../c` → `a/c`)."),
            f("ext", "path", "The extension of the last element (`.yaml`), or \"\"."),
            f("isAbs", "path", "Whether the path is absolute."),
            f("osBase", "path", "As `base`, with the operating system's separator (`/` here)."),
            f("osDir", "path", "As `dir`, with the operating system's separator."),
            f("osClean", "path", "As `clean`, with the operating system's separator."),
            f("osExt", "path", "As `ext`, with the operating system's separator."),
            f("osIsAbs", "path", "As `isAbs`, with the operating system's separator."),
        ],
    },
    Family {
        title: "Regular expressions",
        functions: &[
            f("regexMatch", "regex s", "Whether `s` matches the regular expression (Go RE2 syntax)."),
            f("mustRegexMatch", "regex s", "Same as `regexMatch`, failures reported as errors (Sprig's `must` form)."),
            f("regexFind", "regex s", "The first match in `s`, or \"\"."),
            f("mustRegexFind", "regex s", "Same as `regexFind`, failures reported as errors (Sprig's `must` form)."),
            f("regexFindAll", "regex s n", "The matches in `s`, at most `n` of them (all when `n` is -1)."),
            f("mustRegexFindAll", "regex s n", "Same as `regexFindAll`, failures reported as errors (Sprig's `must` form)."),
            f("regexReplaceAll", "regex s replacement", "`s` with every match replaced; `$1` in `replacement` is the first group."),
            f("mustRegexReplaceAll", "regex s replacement", "Same as `regexReplaceAll`, failures reported as errors (Sprig's `must` form)."),
            f("regexReplaceAllLiteral", "regex s replacement", "`s` with every match replaced by `replacement` as written (no `$` expansion)."),
            f("mustRegexReplaceAllLiteral", "regex s replacement", "Same as `regexReplaceAllLiteral`, failures reported as errors (Sprig's `must` form)."),
            f("regexSplit", "regex s n", "`s` split at the matches into at most `n` parts (all when `n` is -1)."),
            f("mustRegexSplit", "regex s n", "Same as `regexSplit`, failures reported as errors (Sprig's `must` form)."),
            f("regexQuoteMeta", "s", "`s` with every regular expression metacharacter escaped."),
        ],
    },
    Family {
        title: "Hashes, crypto and certificates",
        functions: &[
            f("sha1sum", "s", "The SHA-1 digest of `s`, in hex."),
            f("sha256sum", "s", "The SHA-256 digest of `s`, in hex."),
            f("sha512sum", "s", "The SHA-512 digest of `s`, in hex."),
            f("adler32sum", "s", "The Adler-32 checksum of `s`, in decimal."),
            f("bcrypt", "s", "The bcrypt hash of `s`."),
            f("htpasswd", "user password", "An htpasswd line `user:HASH` with a bcrypt hash."),
            f("derivePassword", "counter type password user site", "A password derived with the Master Password algorithm; `type` is `maximum`, `long`, `medium`, `short`, `basic` or `pin`."),
            f("randBytes", "n", "`n` random bytes, in base64."),
            f("uuidv4", "", "A random UUID (version 4)."),
            f("genPrivateKey", "type", "A new private key in PEM: `rsa`, `dsa`, `ecdsa` or `ed25519`."),
            f("encryptAES", "password s", "`s` encrypted with AES-256-CBC under a key from `password`, in base64."),
            f("decryptAES", "password s", "The text `encryptAES` encrypted with the same password."),
            f("genCA", "cn days", "A new self-signed CA certificate and key (`.Cert`, `.Key` in PEM), valid for `days`."),
            f("genCAWithKey", "cn days key", "As `genCA`, with the given PEM private key."),
            f("genSelfSignedCert", "cn ips dnsNames days", "A new self-signed certificate and key for the common name, IPs and DNS names."),
            f("genSelfSignedCertWithKey", "cn ips dnsNames days key", "As `genSelfSignedCert`, with the given PEM private key."),
            f("genSignedCert", "cn ips dnsNames days ca", "A new certificate and key signed by `ca` (from `genCA` or `buildCustomCert`)."),
            f("genSignedCertWithKey", "cn ips dnsNames days ca key", "As `genSignedCert`, with the given PEM private key."),
            f("buildCustomCert", "cert key", "A certificate object from a base64 PEM certificate and key, usable as `ca`."),
        ],
    },
    Family {
        title: "Versions",
        functions: &[
            f("semver", "version", "A semantic version parsed into an object (`.Major`, `.Minor`, `.Patch`, `.Prerelease`, `.Metadata`)."),
            f("semverCompare", "constraint version", "Whether the version satisfies the constraint (`\">=1.2.0 <2\"`, `\"^1.2\"`, `\"~1.2.3\"`)."),
        ],
    },
    Family {
        title: "URLs and network",
        functions: &[
            f("urlParse", "url", "The parts of a URL as a dict: `scheme`, `host`, `hostname`, `path`, `query`, `opaque`, `fragment`, `userinfo`."),
            f("urlJoin", "parts", "A URL from a dict of parts as `urlParse` returns them."),
            f("getHostByName", "name", "Always \"\": DNS lookups are disabled while rendering (as in Helm without `--enable-dns`)."),
        ],
    },
    Family {
        title: "Kubernetes (Helm)",
        functions: &[f(
            "lookup",
            "apiVersion kind namespace name",
            "An object from the cluster; with no cluster connection (every render today) an empty dict, as in `helm template`.",
        )],
    },
];

/// The documentation of one function.
pub fn find(name: &str) -> Option<&'static FuncDoc> {
    FAMILIES
        .iter()
        .flat_map(|fam| fam.functions)
        .find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_registered_function_is_described_once() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for d in FAMILIES.iter().flat_map(|fam| fam.functions) {
            *seen.entry(d.name).or_default() += 1;
            assert!(
                super::super::lookup(d.name).is_some(),
                "{} is described but not registered",
                d.name
            );
            assert!(
                d.summary.ends_with('.'),
                "{}: one sentence ending in '.'",
                d.name
            );
            assert!(!d.summary.contains('\n'), "{}: one line", d.name);
        }
        for name in super::super::library().keys() {
            assert_eq!(
                seen.get(name),
                Some(&1),
                "{name} must be described exactly once in funcs/catalog.rs"
            );
        }
    }

    #[test]
    fn parameter_names_fit_the_signatures() {
        for d in FAMILIES.iter().flat_map(|fam| fam.functions) {
            let sig = super::super::signature(d.name).unwrap();
            let names: Vec<&str> = d.params.split_whitespace().collect();
            let fixed = sig.params.len();
            let expected = fixed + usize::from(sig.variadic.is_some());
            assert_eq!(
                names.len(),
                expected,
                "{}: {:?} vs {sig:?}",
                d.name,
                d.params
            );
            for (i, n) in names.iter().enumerate() {
                assert_eq!(
                    n.starts_with("..."),
                    i >= fixed,
                    "{}: only the variadic parameter starts with ...",
                    d.name
                );
            }
        }
    }
}
