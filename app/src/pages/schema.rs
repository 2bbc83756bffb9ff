//! The topic's Schema tab. With a schema registry (AWS Glue, Confluent):
//! the topic's key and value schemas there ([`super::registry`]). Without
//! one: the topic's built-in JSON Schema, to view, edit and delete.

use configurator_api::{Permission, RegistryKind, TopicSchema, TopicSchemas};
use leptos::{prelude::*, task::spawn_local};

use super::{registry::SchemaDetail, topic_detail::use_topic};
use crate::{
    api::{self, ApiError},
    components::{ConfirmDialog, DialogError, JsonView, LoadError, ReadOnlyNote, When, pretty_json, toast},
    format,
    load::load,
};

const TEMPLATE: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id"],
  "properties": {
    "id": { "type": "string" }
  }
}"#;

#[component]
pub fn SchemaTab() -> impl IntoView {
    let topic = use_topic();
    let schemas = load::<TopicSchemas>(move || Some(topic.api("/schemas")));
    // A cluster without a registry answers `builtin` (or, from an API without
    // registries, 404 / 409): today's JSON Schema.
    let kind = Memo::new(move |_| {
        match (
            schemas.with(|s| s.map(|s| s.registry.kind)),
            schemas.error.with(|e| e.as_ref().map(ApiError::status)),
        ) {
            (Some(RegistryKind::Builtin), _) | (_, Some(404 | 409)) => "builtin",
            (Some(_), _) => "registry",
            (None, Some(_)) => "error",
            (None, None) => "",
        }
    });
    move || match kind.get() {
        "builtin" => view! { <BuiltinSchema /> }.into_any(),
        "registry" => schemas
            .get()
            .map(|schemas| view! { <RegistrySchemas schemas /> })
            .into_any(),
        "error" => view! { <LoadError error=schemas.error retry=schemas.retry() /> }.into_any(),
        _ => ().into_any(),
    }
}

/// The topic's key and value schemas in the cluster's registry, each under
/// every name the naming strategy gives (or "no schema registered").
#[component]
fn RegistrySchemas(schemas: TopicSchemas) -> impl IntoView {
    let part = |title: &'static str, names: Vec<String>, found: Vec<configurator_api::SchemaSummary>| {
        let mut all: Vec<(String, bool)> = found.into_iter().map(|s| (s.name, false)).collect();
        all.extend(
            names
                .into_iter()
                .filter(|n| !all.iter().any(|(a, _)| a == n))
                .map(|n| (n, true))
                .collect::<Vec<_>>(),
        );
        view! {
            <h2 class="section-title">{title}</h2>
            {all.is_empty().then(|| view! {
                <p class="muted">"The registry's naming strategy gives no names for this topic."</p>
            })}
            {all.into_iter().map(|(name, missing)| view! { <SchemaDetail name missing /> }).collect_view()}
        }
    };
    view! {
        <p class="muted" data-testid="registry-info">
            {format!("Schemas in the {} registry ", schemas.registry.kind.label())}
            <code>{schemas.registry.name.clone()}</code>
        </p>
        {part("Value schema", schemas.value_names, schemas.value)}
        {part("Key schema", schemas.key_names, schemas.key)}
    }
}

#[component]
fn BuiltinSchema() -> impl IntoView {
    let topic = use_topic();
    let schema = load::<TopicSchema>(move || Some(topic.api("/schema")));
    let editing = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let can_write = move || !topic.protected.get() && topic.cluster.can(Permission::SchemasWrite);

    // No schema is an answer too, not an error.
    let missing = move || {
        schema
            .error
            .with(|e| e.as_ref().is_some_and(|e| e.status() == 404))
    };
    let start_edit = move |_| {
        text.set(
            schema
                .get()
                .and_then(|s| serde_json::to_string(&s.schema).ok())
                .and_then(|t| pretty_json(&t))
                .unwrap_or_else(|| TEMPLATE.to_owned()),
        );
        set_error.set(None);
        editing.set(true);
    };
    let live = move || {
        text.with(|t| match serde_json::from_str::<serde_json::Value>(t) {
            Ok(serde_json::Value::Object(_) | serde_json::Value::Bool(_)) => None,
            Ok(_) => Some("A JSON Schema is an object (or true/false).".to_owned()),
            Err(e) => Some(format!("Line {}, column {}: not JSON.", e.line(), e.column())),
        })
    };
    let save = move |_| {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text.get_untracked()) else {
            return;
        };
        busy.set(true);
        set_error.set(None);
        let path = topic.api_untracked("/schema");
        spawn_local(async move {
            let body = TopicSchema {
                schema: value,
                updated_by: None,
                updated_at: None,
            };
            match api::put::<_, serde::de::IgnoredAny>(&path, &body).await {
                Ok(_) => {
                    toast::success("Schema saved. New messages are checked against it.");
                    editing.try_set(false);
                    schema.reload();
                }
                Err(e) => {
                    set_error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let delete = move |_| {
        busy.set(true);
        set_error.set(None);
        let path = topic.api_untracked("/schema");
        spawn_local(async move {
            match api::delete(&path).await {
                Ok(()) => {
                    toast::success("Schema deleted. Messages are no longer checked.");
                    deleting.try_set(false);
                    schema.reload();
                }
                Err(e) => {
                    set_error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <div class="section-header">
            <p class="muted">"Messages produced through Configurator are checked against this JSON Schema."</p>
            <div class="toolbar">
                <ReadOnlyNote permissions=&[Permission::SchemasWrite] />
                <When when=move || can_write() && !editing.get()>
                    {move || if missing() {
                        view! { <button class="button button-primary" on:click=start_edit>"Add schema"</button> }.into_any()
                    } else if schema.get().is_some() {
                        view! {
                            <button class="button" on:click=start_edit>"Edit schema"</button>
                            <button class="button button-danger-quiet" on:click=move |_| { set_error.set(None); deleting.set(true); }>"Delete schema"</button>
                        }.into_any()
                    } else {
                        ().into_any()
                    }}
                </When>
            </div>
        </div>
        <LoadError error=Signal::derive(move || schema.error.get().filter(|e| e.status() != 404)) retry=schema.retry() />
        {move || if editing.get() {
            view! {
                <div class="card">
                    <label class="field-label" for="schema-editor">"JSON Schema"</label>
                    <textarea id="schema-editor" class="input editor mono" rows="18" spellcheck="false" autofocus
                        aria-invalid=move || live().is_some().to_string() aria-describedby="schema-error"
                        prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <p class="field-error" id="schema-error">{live}</p>
                    <DialogError error />
                    <div class="form-actions">
                        <button class="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                        <button class="button button-primary" disabled=move || busy.get() || live().is_some() on:click=save>
                            {move || if busy.get() { "Saving…" } else { "Save schema" }}
                        </button>
                    </div>
                </div>
            }.into_any()
        } else if missing() {
            view! {
                <div class="empty-state card" data-testid="no-schema">
                    <h2>"No schema"</h2>
                    <p class="muted">"Any value can be produced to this topic. Add a JSON Schema to have values checked before they are written."</p>
                </div>
            }.into_any()
        } else {
            schema.get().map(|s| {
                {
                    let text = serde_json::to_string(&s.schema).unwrap_or_default();
                    let who = s.updated_by.clone();
                    let when = s.updated_at;
                    view! {
                        <div class="card" data-testid="schema-view">
                            {(who.is_some() || when.is_some()).then(|| view! {
                                <p class="muted small">
                                    "Last saved"
                                    {who.map(|w| format!(" by {w}"))}
                                    {when.map(|t| view! { " " <span title=format::iso(t)>{format::ago(t)}</span> })}
                                </p>
                            })}
                            <JsonView text />
                        </div>
                    }
                }
            }).into_any()
        }}
        <When when=move || deleting.get()>
            <ConfirmDialog title="Delete schema" confirm_label="Delete schema" busy error
                on_confirm=delete on_close=move |_| deleting.set(false)>
                <p>"Messages produced to " <code>{topic.name.get_untracked()}</code> " will no longer be checked."</p>
            </ConfirmDialog>
        </When>
    }
}
