//! "Produce message": key, value (JSON checked while typing; the topic's
//! schema checked by the server, its complaints shown under the value),
//! headers and partition.

use configurator_api::{Data, Header, ProduceRequest, Produced, TopicSchema};
use leptos::{prelude::*, task::spawn_local};
use serde::de::IgnoredAny;

use super::topic_detail::use_topic;
use crate::{
    api::{self, ApiError},
    components::{Dialog, DialogError, DialogFooter, Field, JsonView, When, describe, pretty_json, toast},
    load::load,
};

/// Where a JSON text stops being JSON, in words.
fn json_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("Enter a JSON value, or choose “Text”.".into());
    }
    serde_json::from_str::<IgnoredAny>(text).err().map(|e| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
        format!("Line {}, column {}: {what}.", e.line(), e.column())
    })
}

#[component]
pub fn ProduceDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let topic = use_topic();
    let schema = load::<TopicSchema>(move || Some(topic.api_untracked("/schema")));
    let partitions = topic.detail.get().map_or(0, |d| d.partitions.len() as i32);

    let key = RwSignal::new(String::new());
    let format = RwSignal::new("json".to_owned());
    let value = RwSignal::new("{\n  \n}".to_owned());
    let headers = RwSignal::new(Vec::<(u32, RwSignal<String>, RwSignal<String>)>::new());
    let next_header = StoredValue::new(0u32);
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
    // Schema violations, one per line: where and what.
    let violations = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| e.code() == "schema_validation_failed" || !e.details().is_empty())
                .map(|e| (e.message(), e.details().to_vec()))
        })
    };
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.details().is_empty() && !matches!(e.field(), Some("value" | "key" | "partition")))
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
            ..ProduceRequest::default()
        };
        busy.set(true);
        set_error.set(None);
        let path = topic.api_untracked("/messages");
        spawn_local(async move {
            match api::post::<_, Produced>(&path, &request).await {
                Ok(done) => {
                    toast::success(format!(
                        "Message written to partition {} at offset {}.",
                        done.partition, done.offset
                    ));
                    topic.detail.reload();
                    topic.produced.update(|n| *n += 1);
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
                <div class="form-row">
                    <Field label="Key" id="produce-key" error=field_error("key")
                        hint=Signal::derive(|| "Optional. Messages with the same key go to the same partition.".to_owned())>
                        <input id="produce-key" class="input mono" autofocus autocomplete="off" spellcheck="false"
                            aria-describedby=describe("produce-key") prop:value=key on:input=move |ev| key.set(event_target_value(&ev)) />
                    </Field>
                    <Field label="Partition" id="produce-partition" error=field_error("partition")>
                        <select id="produce-partition" class="select" aria-describedby=describe("produce-partition")
                            on:change=move |ev| partition.set(event_target_value(&ev))>
                            <option value="">"Chosen by key"</option>
                            {(0..partitions).map(|p| view! { <option value=p.to_string()>{format!("Partition {p}")}</option> }).collect_view()}
                        </select>
                    </Field>
                </div>
                <div class="field" class:field-invalid=move || value_error.with(Option::is_some) || violations().is_some()>
                    <div class="field-label-row">
                        <label class="field-label" for="produce-value">"Value"</label>
                        <select class="select select-small" aria-label="Value format" on:change=move |ev| format.set(event_target_value(&ev))>
                            <option value="json">"JSON"</option>
                            <option value="text">"Text"</option>
                            <option value="null">"Null (tombstone)"</option>
                        </select>
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
