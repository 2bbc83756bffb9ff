//! "Produce message": key, value (JSON checked while typing; the topic's
//! schema checked by the server, its complaints shown under the value),
//! headers and partition. With a schema registry the value (and the key)
//! may be typed as JSON and encoded with one of the topic's registry schemas.

use configurator_api::{
    Data, ErrorDetail, GlueCompression, Header, ProduceRequest, Produced, RegistryKind, SchemaChoice,
    SchemaSubject, SchemaVersion, TopicSchema, TopicSchemas,
};
use leptos::{prelude::*, task::spawn_local};

use super::{
    registry::{RegistryError, schema_label},
    topic_detail::use_topic,
};
use crate::{
    api::{self, ApiError, seg},
    components::{Dialog, DialogError, DialogFooter, Field, JsonView, When, describe, pretty_json, toast},
    load::load,
};

/// A registry schema to encode the key or the value with: a name from the
/// topic's schemas (or none), its version (the latest by default), for
/// Protobuf the message type (the first by default), for Glue compression.
#[component]
fn SchemaPicker(
    /// `Value` or `Key`: the controls are labelled "Value schema", …
    part: &'static str,
    names: Vec<String>,
    glue: bool,
    choice: RwSignal<Option<SchemaChoice>>,
) -> impl IntoView {
    let cluster = use_topic().cluster;
    let name = Memo::new(move |_| choice.with(|c| c.as_ref().map(|c| c.name.clone())));
    let at = Memo::new(move |_| choice.with(|c| c.as_ref().and_then(|c| c.version)));
    let path = move |rest: String| Some(cluster.api(&format!("/schemas/{}{rest}", seg(&name.get()?))));
    let subject = load::<SchemaSubject>(move || path(String::new()));
    let version = load::<SchemaVersion>(move || path(format!("/versions/{}", at.get()?)));
    let types = move || {
        match at.get() {
            None => subject.with(|s| s.map(|s| s.latest.message_types.clone())),
            Some(_) => version.with(|v| v.map(|v| v.message_types.clone())),
        }
        .unwrap_or_default()
    };
    let set = move |f: &dyn Fn(&mut SchemaChoice)| choice.update(|c| c.iter_mut().for_each(f));
    let pick = move |ev: leptos::ev::Event| {
        let picked = event_target_value(&ev);
        let compression = choice
            .with_untracked(|c| c.as_ref().map(|c| c.compression))
            .unwrap_or_default();
        choice.set((!picked.is_empty()).then_some(SchemaChoice {
            name: picked,
            version: None,
            message: None,
            compression,
        }));
    };
    view! {
        <div class="filters filters-wrap" data-testid=format!("{}-schema-picker", part.to_ascii_lowercase())>
            <label class="inline-field">
                <span>{format!("{part} schema")}</span>
                <select class="select" aria-label=format!("{part} schema") on:change=pick>
                    <option value="">"None"</option>
                    {names.into_iter().map(|n| {
                        let (value, current) = (n.clone(), n.clone());
                        view! { <option value=value selected=move || name.with(|m| m.as_deref() == Some(&current))>{n}</option> }
                    }).collect_view()}
                </select>
            </label>
            <When when=move || name.with(Option::is_some)>
                <label class="inline-field">
                    <span>"Version"</span>
                    <select class="select" aria-label=format!("{part} schema version")
                        on:change=move |ev| set(&|c| { c.version = event_target_value(&ev).parse().ok(); c.message = None; })>
                        {move || subject.with(|s| s.map(|s| view! {
                            <option value="">{format!("Latest (v{})", s.latest.version)}</option>
                            {s.versions.iter().rev().map(|v| view! { <option value=v.to_string()>{format!("v{v}")}</option> }).collect_view()}
                        }))}
                    </select>
                </label>
                {move || subject.with(|s| s.map(|s| view! { <span class="pill pill-info">{s.format.label()}</span> }))}
                <When when=move || !types().is_empty()>
                    <label class="inline-field">
                        <span>"Message type"</span>
                        <select class="select" aria-label=format!("{part} message type")
                            on:change=move |ev| set(&|c| c.message = Some(event_target_value(&ev)))>
                            {move || types().into_iter().map(|t| { let value = t.clone(); view! { <option value=value>{t}</option> } }).collect_view()}
                        </select>
                    </label>
                </When>
                {glue.then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|c| c.compression = if on { GlueCompression::Zlib } else { GlueCompression::None });
                        } />
                        "zlib compression"
                    </label>
                })}
            </When>
            <RegistryError error=Signal::derive(move || subject.error.get().or(version.error.get())) />
        </div>
    }
}

/// Where a JSON text stops being JSON, in words.
fn json_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("Enter a JSON value, or choose “Text”.".into());
    }
    serde_json::from_str::<serde_json::Value>(text).err().map(|e| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
        format!("Line {}, column {}: {what}.", e.line(), e.column())
    })
}

/// A message to write again ("Re-produce" in a message's details): its
/// parts as the dialog's fields, and a "Topic" field to send it elsewhere.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prefill {
    pub key: String,
    /// `None`: a tombstone.
    pub value: Option<String>,
    /// The value is JSON (decoded, or JSON text).
    pub json: bool,
    pub headers: Vec<(String, String)>,
}

#[component]
pub fn ProduceDialog(
    #[prop(into)] on_close: Callback<()>,
    #[prop(optional)] prefill: Option<Prefill>,
) -> impl IntoView {
    let topic = use_topic();
    let reproducing = prefill.is_some();
    let prefill = prefill.unwrap_or_else(|| Prefill {
        value: Some("{\n  \n}".to_owned()),
        json: true,
        ..Prefill::default()
    });
    // Where the message goes: this topic unless a re-produce says otherwise.
    let target = RwSignal::new(topic.name.get_untracked());
    let schema = load::<TopicSchema>(move || Some(topic.api_untracked("/schema")));
    // The topic's schemas in the cluster's registry; the value's first one,
    // at its latest version, is chosen to begin with.
    let registry = load::<TopicSchemas>(move || Some(topic.api_untracked("/schemas")));
    let key_schema = RwSignal::new(None::<SchemaChoice>);
    let value_schema = RwSignal::new(None::<SchemaChoice>);
    let defaulted = StoredValue::new(false);
    let json_value = prefill.json;
    Effect::new(move |_| {
        let first = registry.with(|r| {
            r.filter(|r| r.registry.kind != RegistryKind::Builtin)
                .and_then(|r| r.value.first())
                .map(|s| s.name.clone())
        });
        // A re-produced text value stays text (a schema would need JSON).
        if let Some(name) = first
            && !defaulted.get_value()
            && json_value
        {
            defaulted.set_value(true);
            value_schema.set(Some(SchemaChoice {
                name,
                version: None,
                message: None,
                compression: GlueCompression::None,
            }));
        }
    });
    // Reactive: the dialog can open before the topic's detail has arrived.
    let partitions = move || topic.detail.get().map_or(0, |d| d.partitions.len() as i32);

    let key = RwSignal::new(prefill.key.clone());
    let chosen_format = RwSignal::new(
        match (&prefill.value, prefill.json) {
            (None, _) => "null",
            (Some(_), true) => "json",
            (Some(_), false) => "text",
        }
        .to_owned(),
    );
    // A value encoded with a schema is typed as JSON.
    let format = Signal::derive(move || {
        if value_schema.with(Option::is_some) {
            "json".to_owned()
        } else {
            chosen_format.get()
        }
    });
    let value = RwSignal::new(prefill.value.clone().unwrap_or_default());
    let headers = RwSignal::new(
        prefill
            .headers
            .iter()
            .zip(0u32..)
            .map(|((k, v), id)| (id, RwSignal::new(k.clone()), RwSignal::new(v.clone())))
            .collect::<Vec<_>>(),
    );
    let next_header = StoredValue::new(prefill.headers.len() as u32);
    let partition = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);

    let value_error = Signal::derive(move || {
        let live = (format.get() == "json")
            .then(|| value.with(|v| json_problem(v)))
            .flatten();
        live.or_else(|| {
            error.with(|e| {
                e.as_ref()
                    .filter(|e| e.field() == Some("value") && e.details().is_empty())
                    .map(ApiError::message)
            })
        })
    });
    // Schema violations, one per line: where and what (a refused schema
    // choice, `value_schema.version`, … names its field).
    let schema_field = |e: &ApiError| e.field().is_some_and(|f| f.contains("_schema"));
    let violations = move || {
        error.with(|e| {
            let e = e.as_ref()?;
            let mut details = e.details().to_vec();
            if details.is_empty() && schema_field(e) {
                details.push(ErrorDetail {
                    path: e.field().unwrap_or_default().to_owned(),
                    message: e.message(),
                });
            }
            (e.code() == "schema_validation_failed" || !details.is_empty()).then(|| (e.message(), details))
        })
    };
    let general = Signal::derive(move || {
        error.get().filter(|e| {
            e.details().is_empty()
                && !schema_field(e)
                && !matches!(e.field(), Some("value" | "key" | "partition"))
        })
    });
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            error.with(|e| {
                e.as_ref()
                    .filter(|e| e.field() == Some(field))
                    .map(ApiError::message)
            })
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if format.get_untracked() == "json" && value.with_untracked(|v| json_problem(v)).is_some() {
            return;
        }
        let data = Data::text;
        let request = ProduceRequest {
            key: Some(key.get_untracked()).filter(|k| !k.is_empty()).map(data),
            value: match format.get_untracked().as_str() {
                "null" => None,
                _ => Some(data(value.get_untracked())),
            },
            headers: headers
                .get_untracked()
                .into_iter()
                .filter(|(_, k, _)| !k.get_untracked().trim().is_empty())
                .map(|(_, k, v)| Header {
                    key: k.get_untracked().trim().to_owned(),
                    value: Some(data(v.get_untracked())),
                })
                .collect(),
            partition: partition.get_untracked().parse().ok(),
            key_schema: key_schema
                .get_untracked()
                .filter(|_| !key.with_untracked(String::is_empty)),
            value_schema: value_schema.get_untracked(),
        };
        let to = target.get_untracked().trim().to_owned();
        if to.is_empty() {
            return;
        }
        let here = to == topic.name.get_untracked();
        busy.set(true);
        set_error.set(None);
        let path = topic
            .cluster
            .api_untracked(&format!("/topics/{}/messages", seg(&to)));
        spawn_local(async move {
            match api::post::<_, Produced>(&path, &request).await {
                Ok(done) => {
                    let used: String = [("key", done.key_schema), ("value", done.value_schema)]
                        .into_iter()
                        .filter_map(|(part, s)| Some(format!(" · {part} {}", schema_label(&s?))))
                        .collect();
                    let elsewhere = if here { String::new() } else { format!(" of {to}") };
                    toast::success(format!(
                        "Message written to partition {}{elsewhere} at offset {}{used}.",
                        done.partition, done.offset
                    ));
                    if here {
                        topic.detail.reload();
                        topic.produced.update(|n| *n += 1);
                    }
                    on_close.run(());
                }
                Err(e) => {
                    busy.try_set(false);
                    set_error.try_set(Some(e));
                }
            }
        });
    };
    let tidy = move |_| {
        if let Some(pretty) = value.with(|v| pretty_json(v)) {
            value.set(pretty);
        }
    };

    view! {
        <Dialog title=format!("Produce to {}", topic.name.get_untracked()) on_close wide=true>
            <form class="dialog-body" on:submit=submit novalidate>
                {reproducing.then(|| view! {
                    <Field label="Topic" id="produce-topic"
                        error=Signal::derive(move || target.with(|t| t.trim().is_empty()).then(|| "Enter the topic to write to.".to_owned()))
                        hint=Signal::derive(|| "This topic, or another one of the cluster.".to_owned())>
                        <input id="produce-topic" class="input mono" aria-label="Topic" autocomplete="off" spellcheck="false"
                            aria-describedby=describe("produce-topic") prop:value=target
                            on:input=move |ev| target.set(event_target_value(&ev)) />
                    </Field>
                })}
                <div class="form-row">
                    <Field label="Key" id="produce-key" error=field_error("key")
                        hint=Signal::derive(move || if key_schema.with(Option::is_some) {
                            "Optional. Typed as JSON: encoded with the key schema.".to_owned()
                        } else {
                            "Optional. Messages with the same key go to the same partition.".to_owned()
                        })>
                        <input id="produce-key" class="input mono" autofocus autocomplete="off" spellcheck="false"
                            aria-describedby=describe("produce-key") prop:value=key on:input=move |ev| key.set(event_target_value(&ev)) />
                    </Field>
                    <Field label="Partition" id="produce-partition" error=field_error("partition")>
                        <select id="produce-partition" class="select" aria-describedby=describe("produce-partition")
                            on:change=move |ev| partition.set(event_target_value(&ev))>
                            <option value="">"Chosen by key"</option>
                            {move || (0..partitions()).map(|p| view! { <option value=p.to_string()>{format!("Partition {p}")}</option> }).collect_view()}
                        </select>
                    </Field>
                </div>
                {move || registry.get().filter(|r| r.registry.kind != RegistryKind::Builtin).map(|r| {
                    let glue = r.registry.kind == RegistryKind::Glue;
                    let names = |list: &[configurator_api::SchemaSummary]| list.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
                    let (values, keys) = (names(&r.value), names(&r.key));
                    view! {
                        <fieldset class="fieldset" data-testid="produce-schemas">
                            <legend>{format!("Schema registry ({})", r.registry.kind.label())}</legend>
                            {(values.is_empty() && keys.is_empty()).then(|| view! {
                                <p class="muted">"The registry has no schemas for this topic: key and value are sent as typed."</p>
                            })}
                            {(!values.is_empty()).then(|| view! { <SchemaPicker part="Value" names=values glue choice=value_schema /> })}
                            {(!keys.is_empty()).then(|| view! { <SchemaPicker part="Key" names=keys glue choice=key_schema /> })}
                        </fieldset>
                    }
                })}
                <div class="field" class:field-invalid=move || value_error.with(Option::is_some) || violations().is_some()>
                    <div class="field-label-row">
                        <label class="field-label" for="produce-value">"Value"</label>
                        <When when=move || value_schema.with(Option::is_none) fallback=|| view! { <span class="muted small">"JSON, encoded with the value schema"</span> }>
                            <select class="select select-small" aria-label="Value format" on:change=move |ev| chosen_format.set(event_target_value(&ev))>
                                <option value="json" selected=move || chosen_format.get() == "json">"JSON"</option>
                                <option value="text" selected=move || chosen_format.get() == "text">"Text"</option>
                                <option value="null" selected=move || chosen_format.get() == "null">"Null (tombstone)"</option>
                            </select>
                        </When>
                        <When when=move || format.get() == "json">
                            <button type="button" class="button button-small" on:click=tidy disabled=move || value_error.with(Option::is_some)>"Format"</button>
                        </When>
                    </div>
                    <When when=move || format.get() != "null" fallback=|| view! {
                        <p class="muted">"The message will have no value: on a compacted topic this deletes the key."</p>
                    }>
                        <textarea id="produce-value" class="input editor mono" rows="10" spellcheck="false"
                            aria-describedby="produce-value-error produce-value-violations"
                            aria-invalid=move || value_error.with(Option::is_some).to_string()
                            prop:value=value on:input=move |ev| { value.set(event_target_value(&ev)); set_error.set(None); }></textarea>
                    </When>
                    <p class="field-error" id="produce-value-error" data-testid="value-error">{move || value_error.get()}</p>
                    <div id="produce-value-violations">
                        {move || violations().map(|(message, details)| view! {
                            <div class="violations" role="alert" data-testid="schema-violations">
                                <p>{message}</p>
                                <ul>
                                    {details.into_iter().map(|d| view! {
                                        <li><code>{if d.path.is_empty() { "(the value)".to_owned() } else { d.path }}</code> " " {d.message}</li>
                                    }).collect_view()}
                                </ul>
                            </div>
                        })}
                    </div>
                    {move || schema.get().map(|s| {
                        let text = serde_json::to_string(&s.schema).unwrap_or_default();
                        view! {
                            <details class="schema-hint">
                                <summary>"Values are checked against this topic's JSON Schema"</summary>
                                <JsonView text />
                            </details>
                        }
                    })}
                </div>
                <fieldset class="fieldset">
                    <legend>"Headers"</legend>
                    {move || headers.get().into_iter().map(|row| view! {
                        <div class="kv-row">
                            <input class="input mono" placeholder="name" aria-label="Header name"
                                prop:value=row.1 on:input=move |ev| row.1.set(event_target_value(&ev)) />
                            <input class="input mono" placeholder="value" aria-label="Header value"
                                prop:value=row.2 on:input=move |ev| row.2.set(event_target_value(&ev)) />
                            <button type="button" class="icon-button" aria-label="Remove header"
                                on:click=move |_| headers.update(|h| h.retain(|r| r.0 != row.0))>"×"</button>
                        </div>
                    }).collect_view()}
                    <button type="button" class="button button-small" on:click=move |_| {
                        let id = next_header.get_value();
                        next_header.set_value(id + 1);
                        headers.update(|h| h.push((id, RwSignal::new(String::new()), RwSignal::new(String::new()))));
                    }>"+ Add header"</button>
                </fieldset>
                <DialogError error=general />
                <DialogFooter on_cancel=on_close label="Produce" busy_label="Producing…" busy />
            </form>
        </Dialog>
    }
}
