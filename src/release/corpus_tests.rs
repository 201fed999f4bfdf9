//! Records the real Helm 4.1.4 wrote (shared/corpus/releases, see its
//! README): each decodes exactly, re-encodes to Helm's own JSON bytes, and
//! what we encode decodes back (also by a plain gunzip + base64 reader, as
//! Helm's decodeRelease does).

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{json, Value};

use super::codec::{
    decode_release, decode_release_json, decode_release_runs, encode_release, encode_release_runs, release_from_json,
    release_to_json,
};
use super::record::{HookEvent, HookPhase, Release, Status};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/releases")
}

/// (file name, Secret JSON, Helm's encoded record = the Secret's data.release
/// without the API's base64).
fn secrets() -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus/releases present") {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        if !file.ends_with(".secret.json") {
            continue;
        }
        let secret: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let api_b64 = secret["data"]["release"].as_str().unwrap();
        let helm_encoded =
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(api_b64).unwrap()).unwrap();
        out.push((file, secret, helm_encoded));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 6, "six Secrets in the corpus");
    out
}

/// Helm's JSON bytes, read independently of our codec (base64, then gunzip
/// as Go's gzip.Reader does: in multistream mode, its default, concatenated
/// members read as one stream).
fn helm_json(encoded: &str) -> Vec<u8> {
    let gz = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 0x08], "Helm gzips records");
    let mut json = Vec::new();
    flate2::read::MultiGzDecoder::new(gz.as_slice()).read_to_end(&mut json).unwrap();
    json
}

#[test]
fn every_record_decodes_to_what_helm_wrote() {
    for (file, secret, encoded) in secrets() {
        let rel = decode_release(&encoded).unwrap_or_else(|e| panic!("{file}: {e}"));
        let raw: Value = serde_json::from_slice(&helm_json(&encoded)).unwrap();
        let labels = &secret["metadata"]["labels"];

        // The Secret's labels are Helm's index of the record.
        assert_eq!(rel.name, labels["name"].as_str().unwrap(), "{file}");
        assert_eq!(rel.version.to_string(), labels["version"].as_str().unwrap(), "{file}");
        assert_eq!(rel.info.status.as_str(), labels["status"].as_str().unwrap(), "{file}");
        assert_eq!(rel.namespace, secret["metadata"]["namespace"].as_str().unwrap(), "{file}");
        assert_eq!(rel.key(), secret["metadata"]["name"].as_str().unwrap(), "{file}");

        // Every modelled field equals the JSON Helm wrote.
        assert_eq!(rel.info.first_deployed.to_rfc3339_nano(), raw["info"]["first_deployed"], "{file}");
        assert_eq!(rel.info.last_deployed.to_rfc3339_nano(), raw["info"]["last_deployed"], "{file}");
        assert!(rel.info.deleted.is_zero(), "{file}");
        assert_eq!(rel.info.description, raw["info"]["description"], "{file}");
        assert_eq!(rel.info.notes, raw["info"]["notes"], "{file}");
        assert_eq!(rel.manifest, raw["manifest"], "{file}");
        assert_eq!(Value::Object(rel.config.clone()), raw.get("config").cloned().unwrap_or(json!({})), "{file}");
        assert_eq!(rel.apply_method, raw["apply_method"], "{file}");
        let md = rel.chart.metadata.as_ref().unwrap();
        assert_eq!(serde_json::to_value(md).unwrap(), raw["chart"]["metadata"], "{file}");
        assert_eq!(Value::Object(rel.chart.values.clone().unwrap()), raw["chart"]["values"], "{file}");
        let templates = rel.chart.templates.as_ref().unwrap();
        let raw_templates = raw["chart"]["templates"].as_array().unwrap();
        assert_eq!(templates.len(), raw_templates.len(), "{file}");
        for (t, r) in templates.iter().zip(raw_templates) {
            assert_eq!(t.name, r["name"], "{file}");
            assert_eq!(t.data, base64::engine::general_purpose::STANDARD.decode(r["data"].as_str().unwrap()).unwrap());
            assert_eq!(t.modtime.to_rfc3339_nano(), r["modtime"], "{file}");
        }
        assert_eq!(rel.chart.files.as_ref().map(Vec::len), raw["chart"]["files"].as_array().map(Vec::len), "{file}");
        assert_eq!(rel.hooks.len(), raw.get("hooks").and_then(Value::as_array).map_or(0, Vec::len), "{file}");
        for (h, r) in rel.hooks.iter().zip(raw["hooks"].as_array().into_iter().flatten()) {
            assert_eq!(h.name, r["name"]);
            assert_eq!(h.kind, r["kind"]);
            assert_eq!(h.path, r["path"]);
            assert_eq!(h.manifest, r["manifest"]);
            assert_eq!(serde_json::to_value(&h.events).unwrap(), r["events"]);
            assert_eq!(serde_json::to_value(&h.delete_policies).unwrap(), r["delete_policies"]);
            assert_eq!(h.last_run.phase.as_str(), r["last_run"]["phase"]);
        }
        // Nothing this version models was left in `extra`.
        assert!(
            rel.extra.is_empty() && rel.info.extra.is_empty() && rel.chart.extra.is_empty(),
            "{file}: {:?}",
            rel.extra
        );
        assert!(md.extra.is_empty(), "{file}");
    }
}

#[test]
fn known_histories_read_back() {
    let by_file = |f: &str| {
        let (_, _, enc) = secrets().into_iter().find(|(name, _, _)| name == f).unwrap();
        decode_release(&enc).unwrap()
    };
    let nginx3 = by_file("sh.helm.release.v1.r-nginx.v3.secret.json");
    assert_eq!((nginx3.version, nginx3.info.status.clone()), (3, Status::Deployed));
    assert_eq!(nginx3.info.description, "Rollback to 1");
    assert_eq!(nginx3.chart_name_version(), "nginx-22.1.1");
    assert_eq!(nginx3.app_version(), "1.29.1");
    assert!(nginx3.config.is_empty(), "rollback to v1 restores v1's (empty) values");
    let lock = nginx3.chart.lock.as_ref().unwrap();
    assert_eq!(lock.generated.to_rfc3339_nano(), "2025-08-13T19:31:58.340987883Z");
    assert_eq!(lock.dependencies.as_ref().unwrap()[0].name, "common");
    assert!(nginx3.chart.schema.as_ref().is_some_and(|s| s.starts_with(b"{")), "nginx has values.schema.json");

    let nginx2 = by_file("sh.helm.release.v1.r-nginx.v2.secret.json");
    assert_eq!(nginx2.info.status, Status::Superseded);
    assert_eq!(Value::Object(nginx2.config), json!({"replicaCount": 2}));

    let ingress2 = by_file("sh.helm.release.v1.r-ingress-nginx.v2.secret.json");
    assert_eq!(ingress2.info.status, Status::Deployed);
    assert_eq!(Value::Object(ingress2.config), json!({"controller": {"replicaCount": 3}}));
    assert!(ingress2.chart.lock.is_none() && ingress2.chart.schema.is_none());
    assert!(ingress2.chart.schemamodtime.is_zero());
    assert!(ingress2.hooks.iter().all(|h| h.last_run.phase.is_unset()), "installed with --no-hooks");

    let argo = by_file("sh.helm.release.v1.r-argo-cd.v1.secret.json");
    assert_eq!(argo.info.status, Status::Failed);
    assert!(argo.info.description.contains("failed pre-install"));
    assert_eq!(argo.chart.lock.as_ref().unwrap().generated.to_rfc3339_nano(), "2026-06-15T10:27:45.019725+02:00");
    let job = argo.hooks.iter().find(|h| h.kind == "Job").unwrap();
    assert_eq!(job.last_run.phase, HookPhase::Failed);
    assert_eq!(job.events, vec![HookEvent::PreInstall, HookEvent::PreUpgrade]);
    assert!(!job.last_run.started_at.is_zero());
}

#[test]
fn the_decoded_sample_matches_its_secret() {
    let sample: Value = serde_json::from_slice(
        &std::fs::read(corpus_dir().join("sh.helm.release.v1.r-nginx.v3.release.json")).unwrap(),
    )
    .unwrap();
    let (_, _, enc) = secrets().into_iter().find(|(f, _, _)| f.contains("r-nginx.v3")).unwrap();
    let rel = decode_release(&enc).unwrap();
    let ours: Value = serde_json::from_slice(&release_to_json(&rel).unwrap()).unwrap();
    assert_eq!(ours, sample);
}

#[test]
fn reencoding_gives_helms_json_bytes() {
    for (file, _, encoded) in secrets() {
        let helm = helm_json(&encoded);
        let ours = release_to_json(&decode_release(&encoded).unwrap()).unwrap();
        if ours != helm {
            let at = ours.iter().zip(&helm).position(|(a, b)| a != b).unwrap_or(ours.len().min(helm.len()));
            let window =
                |b: &[u8]| String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 80).min(b.len())]).to_string();
            panic!("{file}: differs at byte {at}\n ours: {}\n helm: {}", window(&ours), window(&helm));
        }
    }
}

#[test]
fn encode_then_decode_round_trips() {
    for (file, _, encoded) in secrets() {
        let rel = decode_release(&encoded).unwrap();
        let ours = encode_release(&rel).unwrap();
        // What Helm's decodeRelease does: std base64, gzip magic, gunzip, JSON.
        let json = helm_json(&ours);
        let helm_value: Value = serde_json::from_slice(&helm_json(&encoded)).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&json).unwrap(), helm_value, "{file}");
        assert_eq!(decode_release(&ours).unwrap(), rel, "{file}");
    }
}

/// The local store writes a record as one gzip member per run: a plain
/// gunzip (Go's gzip reader reads members as one stream) gives Helm's JSON
/// bytes, and the runs come back reusable.
#[test]
fn records_written_run_by_run_read_as_helms_json() {
    for (file, _, encoded) in secrets() {
        let rel = decode_release(&encoded).unwrap();
        assert!(decode_release_runs(&encoded).unwrap().1.is_none(), "{file}: Helm writes one member");
        let (ours, runs) = encode_release_runs(&rel, 1, |_| None).unwrap();
        assert_eq!(helm_json(&ours), helm_json(&encoded), "{file}");
        let (back, read_runs) = decode_release_runs(&ours).unwrap();
        assert_eq!(back, rel, "{file}");
        let read_runs = read_runs.unwrap_or_else(|| panic!("{file}: runs not recognised"));
        assert_eq!(read_runs.chart, runs.chart, "{file}");
        assert_eq!(read_runs.values_and_manifest, runs.values_and_manifest, "{file}");

        // Another revision that repeats the chart, values and manifest reuses
        // their members and still reads as its own JSON.
        let mut next = rel.clone();
        next.version += 1;
        next.set_status(Status::Superseded, "superseded by new release");
        let offered = std::cell::Cell::new(0);
        let reuse = |run| {
            offered.set(offered.get() + 1);
            Some(if run == super::record::RecordRun::Chart { runs.chart.clone() } else { runs.values_and_manifest.clone() })
        };
        let (again, _) = encode_release_runs(&next, 1, reuse).unwrap();
        assert_eq!(offered.get(), 2, "{file}: only the chart and the values-and-manifest runs are reused");
        assert_eq!(helm_json(&again), release_to_json(&next).unwrap(), "{file}");
        assert_eq!(decode_release_runs(&again).unwrap().0, next, "{file}");
    }
}

/// Runs are reused only from a record whose head and tail are its own: a
/// record whose members were cut elsewhere is read, but offers nothing.
#[test]
fn members_cut_elsewhere_are_not_reused() {
    let (_, _, encoded) = secrets().into_iter().next().unwrap();
    let rel = decode_release(&encoded).unwrap();
    let (ours, _) = encode_release_runs(&rel, 1, |_| None).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(&ours).unwrap();
    // Recompress the same four comments around a different cut: the first
    // member takes one byte more of the JSON.
    let json = release_to_json(&rel).unwrap();
    let mut members = Vec::new();
    let mut rest: &[u8] = &bytes;
    while !rest.is_empty() {
        let mut d = flate2::bufread::GzDecoder::new(rest);
        let mut text = Vec::new();
        d.read_to_end(&mut text).unwrap();
        members.push((d.header().unwrap().comment().map(<[u8]>::to_vec), text.len()));
        rest = d.into_inner();
    }
    assert_eq!(members.len(), 4);
    let mut cuts = vec![0];
    for (_, len) in &members {
        cuts.push(cuts.last().unwrap() + len);
    }
    cuts[1] += 1;
    let mut gz = Vec::new();
    for (i, (comment, _)) in members.iter().enumerate() {
        let mut b = flate2::GzBuilder::new();
        if let Some(c) = comment {
            b = b.comment(c.clone());
        }
        let mut w = b.write(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut w, &json[cuts[i]..cuts[i + 1]]).unwrap();
        gz.extend(w.finish().unwrap());
    }
    let recut = base64::engine::general_purpose::STANDARD.encode(gz);
    let (back, runs) = decode_release_runs(&recut).unwrap();
    assert_eq!(back, rel);
    assert!(runs.is_none());
}

#[test]
fn decodes_uncompressed_and_bare_json_records() {
    // Go: decodeRelease skips gunzip without the gzip magic (older records).
    let rel = Release { name: "a".into(), version: 2, namespace: "ns".into(), ..Release::default() };
    let json = release_to_json(&rel).unwrap();
    let plain_b64 = base64::engine::general_purpose::STANDARD.encode(&json);
    assert_eq!(decode_release(&plain_b64).unwrap(), rel);
    assert_eq!(decode_release(std::str::from_utf8(&json).unwrap()).unwrap(), rel);
    assert_eq!(decode_release_json(&plain_b64).unwrap(), json);
    assert!(decode_release("not base64!").is_err());
    assert!(decode_release(&base64::engine::general_purpose::STANDARD.encode(b"{\"name\": 1}")).is_err());
}

#[test]
fn unknown_fields_from_a_newer_helm_round_trip() {
    let (_, _, enc) = secrets().into_iter().find(|(f, _, _)| f.contains("r-argo-cd")).unwrap();
    let mut raw: Value = serde_json::from_slice(&helm_json(&enc)).unwrap();
    raw["future_top"] = json!({"x": [1, 2]});
    raw["info"]["future_info"] = json!("i");
    raw["chart"]["future_chart"] = json!(true);
    raw["chart"]["metadata"]["futureMeta"] = json!("m");
    raw["chart"]["templates"][0]["future_file"] = json!(7);
    raw["chart"]["lock"]["future_lock"] = json!(null);
    raw["chart"]["lock"]["dependencies"][0]["future_dep"] = json!("d");
    raw["chart"]["metadata"]["maintainers"][0]["future_maint"] = json!(1.5);
    raw["hooks"][0]["future_hook"] = json!({"a": 1});
    raw["hooks"][0]["last_run"]["future_run"] = json!("r");
    raw["info"]["status"] = json!("some-future-status");
    let rel = release_from_json(&serde_json::to_vec(&raw).unwrap()).unwrap();
    assert_eq!(rel.extra["future_top"], json!({"x": [1, 2]}));
    assert_eq!(rel.info.status, Status::Other("some-future-status".into()));
    let back: Value = serde_json::from_slice(&release_to_json(&rel).unwrap()).unwrap();
    assert_eq!(back, raw);
}
