//! Built-in plugins configured by resources (`generators:` and
//! `transformers:` entries whose configs have `apiVersion: builtin`), as
//! kustomize's plugin loader instantiates them: each config is read like
//! the plugin's Go struct (sigs.k8s.io/yaml, field names case-insensitive)
//! and then run like the corresponding kustomization field.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::error::KustomizeError;
use super::fieldspec::FieldSpec;
use super::kustomization::{GeneratorArgs, GeneratorOptions, Image, Patch, Replica};
use super::node::Node;
use super::resmap::ResMap;
use super::resource::{Gvk, Resource};
use super::selector::Selector;
use super::target::Loader;
use super::transformers::SubjectMode;
use super::{generators, patch, replacement, transformers};

/// A JSON field, matched as encoding/json matches struct fields.
fn get<'a>(v: &'a Json, name: &str) -> Option<&'a Json> {
    let obj = v.as_object()?;
    obj.get(name).or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)).filter(|v| !v.is_null())
}

fn string(v: &Json, name: &str) -> String {
    get(v, name).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

fn boolean(v: &Json, name: &str) -> bool {
    get(v, name).and_then(|x| x.as_bool()).unwrap_or(false)
}

fn strings(v: &Json, name: &str) -> Vec<String> {
    get(v, name)
        .and_then(|x| x.as_array())
        .map(|a| a.iter().map(|s| s.as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

fn string_map(v: &Json, name: &str) -> Option<BTreeMap<String, String>> {
    get(v, name).and_then(|x| x.as_object()).map(|m| {
        m.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect()
    })
}

fn field_specs(v: &Json) -> Vec<FieldSpec> {
    get(v, "fieldSpecs")
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .map(|f| FieldSpec {
                    gvk: Gvk::new(string(f, "group"), string(f, "version"), string(f, "kind")),
                    path: string(f, "path"),
                    create: boolean(f, "create"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn generator_args(v: &Json, secret: bool) -> GeneratorArgs {
    let meta = get(v, "metadata").cloned().unwrap_or(Json::Null);
    let mut g = GeneratorArgs {
        namespace: string(v, "namespace"),
        name: string(v, "name"),
        behavior: string(v, "behavior"),
        literals: strings(v, "literals"),
        files: strings(v, "files"),
        envs: strings(v, "envs"),
        ..GeneratorArgs::default()
    };
    let env = string(v, "env");
    if !env.is_empty() {
        g.envs.push(env);
    }
    if g.name.is_empty() {
        g.name = string(&meta, "name");
    }
    if g.namespace.is_empty() {
        g.namespace = string(&meta, "namespace");
    }
    if let Some(o) = get(v, "options") {
        g.options = Some(GeneratorOptions {
            labels: string_map(o, "labels"),
            annotations: string_map(o, "annotations"),
            disable_name_suffix_hash: boolean(o, "disableNameSuffixHash"),
            immutable: boolean(o, "immutable"),
        });
    }
    if secret {
        g.type_ = string(v, "type");
    }
    g
}

fn patch_from(v: &Json) -> Patch {
    Patch {
        path: string(v, "path"),
        patch: string(v, "patch"),
        target: get(v, "target").map(Selector::from_json),
        options: get(v, "options")
            .and_then(|o| o.as_object())
            .map(|m| m.iter().map(|(k, b)| (k.clone(), b.as_bool().unwrap_or(false))).collect())
            .unwrap_or_default(),
    }
}

/// A configured built-in plugin.
pub enum Plugin {
    Generator { args: GeneratorArgs, secret: bool },
    /// IAMPolicyGenerator: a GKE workload-identity ServiceAccount.
    IamPolicy { cloud: String, service: String, namespace: String, account: String, project: String },
    Namespace { ns: String, specs: Vec<FieldSpec>, unset_only: bool, mode: SubjectMode },
    PrefixSuffix { prefix: Option<String>, suffix: Option<String>, specs: Vec<FieldSpec> },
    Labels { labels: BTreeMap<String, String>, specs: Vec<FieldSpec> },
    Annotations { annotations: BTreeMap<String, String>, specs: Vec<FieldSpec> },
    Image { image: Image, specs: Vec<FieldSpec> },
    Replicas { replica: Replica, specs: Vec<FieldSpec> },
    Patch(patch::PatchTransformer),
    StrategicMerge(patch::StrategicMergePatches),
    Json6902(patch::Json6902Transformer),
    Replacements(Vec<replacement::Replacement>),
    Hash,
}

impl Plugin {
    /// loadAndConfigurePlugin for a built-in plugin config.
    pub fn configure(ldr: &Loader, config: &Resource) -> Result<Plugin, KustomizeError> {
        let id = config.org_id();
        let gvk = config.gvk();
        if !(gvk.group.is_empty() && gvk.version == "builtin") {
            return Err(KustomizeError::msg(format!(
                "external plugins disabled; unable to load external plugin '{}'",
                gvk.kind
            )));
        }
        let v = config.node.to_json()?;
        let wrap = |e: KustomizeError| e.wrap(format!("plugin {id} fails configuration"));
        Ok(match gvk.kind.as_str() {
            "ConfigMapGenerator" => Plugin::Generator { args: generator_args(&v, false), secret: false },
            "SecretGenerator" => Plugin::Generator { args: generator_args(&v, true), secret: true },
            "NamespaceTransformer" => {
                let meta = get(&v, "metadata").cloned().unwrap_or(Json::Null);
                let mode = match string(&v, "setRoleBindingSubjects").as_str() {
                    "" | "defaultOnly" => SubjectMode::DefaultOnly,
                    "allServiceAccounts" => SubjectMode::AllServiceAccounts,
                    "none" => SubjectMode::None,
                    other => {
                        return Err(wrap(KustomizeError::msg(format!(
                            "invalid value {other:?} for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                        ))))
                    }
                };
                Plugin::Namespace { ns: string(&meta, "namespace"), specs: field_specs(&v), unset_only: boolean(&v, "unsetOnly"), mode }
            }
            "PrefixTransformer" | "SuffixTransformer" | "PrefixSuffixTransformer" => {
                if get(&v, "fieldSpecs").is_none() {
                    return Err(wrap(KustomizeError::msg("fieldSpecs is not expected to be nil")));
                }
                let kind = gvk.kind.as_str();
                Plugin::PrefixSuffix {
                    prefix: (kind != "SuffixTransformer").then(|| string(&v, "prefix")),
                    suffix: (kind != "PrefixTransformer").then(|| string(&v, "suffix")),
                    specs: field_specs(&v),
                }
            }
            "LabelTransformer" => Plugin::Labels { labels: string_map(&v, "labels").unwrap_or_default(), specs: field_specs(&v) },
            "AnnotationsTransformer" => {
                Plugin::Annotations { annotations: string_map(&v, "annotations").unwrap_or_default(), specs: field_specs(&v) }
            }
            "ImageTagTransformer" => {
                let i = get(&v, "imageTag").cloned().unwrap_or(Json::Null);
                Plugin::Image {
                    image: Image {
                        name: string(&i, "name"),
                        new_name: string(&i, "newName"),
                        tag_suffix: string(&i, "tagSuffix"),
                        new_tag: string(&i, "newTag"),
                        digest: string(&i, "digest"),
                    },
                    specs: field_specs(&v),
                }
            }
            "ReplicaCountTransformer" => {
                let r = get(&v, "replica").cloned().unwrap_or(Json::Null);
                Plugin::Replicas {
                    replica: Replica {
                        name: string(&r, "name"),
                        count: get(&r, "count").and_then(|c| c.as_f64()).map(|f| f as i64).unwrap_or(0),
                    },
                    specs: field_specs(&v),
                }
            }
            "PatchTransformer" => Plugin::Patch(patch::PatchTransformer::configure(ldr, &patch_from(&v)).map_err(wrap)?),
            "PatchStrategicMergeTransformer" => {
                let mut paths = strings(&v, "paths");
                let inline = string(&v, "patches");
                if !inline.is_empty() {
                    paths.push(inline);
                }
                if paths.is_empty() {
                    return Err(wrap(KustomizeError::msg("empty file path and empty patch content")));
                }
                Plugin::StrategicMerge(patch::StrategicMergePatches::configure(ldr, &paths).map_err(wrap)?)
            }
            "PatchJson6902Transformer" => {
                let mut p = patch_from(&v);
                p.patch = string(&v, "jsonOp");
                Plugin::Json6902(patch::Json6902Transformer::configure(ldr, &p).map_err(wrap)?)
            }
            "ReplacementTransformer" => {
                let list: Vec<Json> = get(&v, "replacements").and_then(|x| x.as_array()).cloned().unwrap_or_default();
                Plugin::Replacements(replacement::configure(ldr, &list).map_err(wrap)?)
            }
            "HashTransformer" => Plugin::Hash,
            "IAMPolicyGenerator" => {
                let ks = get(&v, "kubernetesService").cloned().unwrap_or(Json::Null);
                let sa = get(&v, "serviceAccount").cloned().unwrap_or(Json::Null);
                Plugin::IamPolicy {
                    cloud: string(&v, "cloud"),
                    service: string(&ks, "name"),
                    namespace: string(&ks, "namespace"),
                    account: string(&sa, "name"),
                    project: string(&sa, "projectId"),
                }
            }
            "HelmChartInflationGenerator" | "ValueAddTransformer" => {
                return Err(KustomizeError::unsupported(&format!("the built-in plugin {}", gvk.kind)))
            }
            other => return Err(KustomizeError::msg(format!("unable to load builtin {}", Gvk::new("", "builtin", other)))),
        })
    }

    pub fn is_generator(&self) -> bool {
        matches!(self, Plugin::Generator { .. } | Plugin::IamPolicy { .. })
    }

    /// Generator.Generate.
    pub fn generate(&self, ldr: &Loader) -> Result<ResMap, KustomizeError> {
        let mut m = ResMap::new();
        match self {
            Plugin::Generator { args, secret } => m.append(generators::generate(ldr, args, *secret)?)?,
            Plugin::IamPolicy { cloud, service, namespace, account, project } => {
                if cloud != "gke" {
                    return Err(KustomizeError::msg(format!("cloud provider {cloud} not supported yet")));
                }
                // filters/iampolicygenerator: the object is written as YAML and parsed.
                let mut text = format!(
                    "\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    iam.gke.io/gcp-service-account: {account}@{project}.iam.gserviceaccount.com\n  name: {service}\n"
                );
                if !namespace.is_empty() {
                    text.push_str(&format!("\n  namespace: {namespace}"));
                }
                let node = super::parse::parse_first_document(&text)?.unwrap_or_else(Node::null);
                m.append(Resource::new(node))?;
            }
            _ => {}
        }
        Ok(m)
    }

    /// Transformer.Transform.
    pub fn transform(&self, m: &mut ResMap) -> Result<(), KustomizeError> {
        match self {
            Plugin::Generator { .. } | Plugin::IamPolicy { .. } => Err(KustomizeError::msg("plugin is not a transformer")),
            Plugin::Namespace { ns, specs, unset_only, mode } => transformers::namespace_with(m, ns, specs, *unset_only, *mode),
            Plugin::PrefixSuffix { prefix, suffix, specs } => {
                if let Some(p) = prefix {
                    transformers::prefix_suffix(m, p, true, specs)?;
                }
                if let Some(s) = suffix {
                    transformers::prefix_suffix(m, s, false, specs)?;
                }
                Ok(())
            }
            Plugin::Labels { labels, specs } => transformers::labels(m, labels, specs),
            Plugin::Annotations { annotations, specs } => transformers::annotations(m, annotations, specs),
            Plugin::Image { image, specs } => transformers::image_tag(m, image, specs),
            Plugin::Replicas { replica, specs } => transformers::replicas(m, replica, specs),
            Plugin::Patch(p) => p.transform(m),
            Plugin::StrategicMerge(p) => p.transform(m),
            Plugin::Json6902(p) => p.transform(m),
            Plugin::Replacements(r) => replacement::apply(m, r),
            Plugin::Hash => generators::add_hashes(m),
        }
    }
}
