//! The topic's configs: view, edit, review the difference, save.

use std::collections::BTreeMap;

use configurator_api::{ConfigPatch, Permission};
use leptos::{prelude::*, task::spawn_local};
use serde::de::IgnoredAny;

use super::topic_detail::use_topic;
use crate::{
    api::{self, ApiError},
    components::{
        Dialog, DialogError, DialogFooter, Html, RawBody, ReadOnlyNote, TableSkeleton, When, toast,
    },
    format,
};

/// Topic-level configs people commonly set (offered while typing a name).
pub const TOPIC_CONFIGS: &[&str] = &[
    "cleanup.policy",
    "compression.type",
    "delete.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.ms",
    "unclean.leader.election.enable",
];

/// One row while editing.
#[derive(Clone)]
struct Row {
    id: u32,
    key: RwSignal<String>,
    /// The saved value; `None` for a row added now.
    before: Option<String>,
    value: RwSignal<String>,
    /// Back to the default when saved.
    reset: RwSignal<bool>,
}

enum Change {
    Set {
        key: String,
        before: Option<String>,
        after: String,
    },
    Reset {
        key: String,
        before: String,
    },
}

impl Change {
    fn key(&self) -> &str {
        match self {
            Self::Set { key, .. } | Self::Reset { key, .. } => key,
        }
    }
}

fn changes(rows: &[Row]) -> Vec<Change> {
    rows.iter()
        .filter_map(|row| {
            let key = row.key.get_untracked().trim().to_owned();
            let value = row.value.get_untracked().trim().to_owned();
            match (&row.before, row.reset.get_untracked()) {
                (Some(before), true) => Some(Change::Reset {
                    key,
                    before: before.clone(),
                }),
                (None, true) => None,
                (before, false) if !key.is_empty() && before.as_deref() != Some(value.as_str()) => {
                    Some(Change::Set {
                        key,
                        before: before.clone(),
                        after: value,
                    })
                }
                _ => None,
            }
        })
        .collect()
}

#[component]
pub fn ConfigsTab() -> impl IntoView {
    let topic = use_topic();
    let editing = RwSignal::new(false);
    let rows = RwSignal::new(Vec::<Row>::new());
    let next_id = StoredValue::new(0u32);
    let reviewing = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);

    // Rows belong to the tab, not to the button that made them (whose view
    // goes away when editing starts, and would take the rows' signals along).
    let owner = Owner::current().expect("a component has an owner");
    let new_row = Callback::new(move |(key, before): (String, Option<String>)| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        owner.with(|| Row {
            id,
            key: RwSignal::new(key),
            value: RwSignal::new(before.clone().unwrap_or_default()),
            before,
            reset: RwSignal::new(false),
        })
    });
    let start = move |_| {
        let configs = topic.detail.get().map(|d| d.configs).unwrap_or_default();
        rows.set(
            configs
                .into_iter()
                .filter(|c| !c.read_only && !c.sensitive)
                .map(|c| new_row.run((c.name, c.value)))
                .collect(),
        );
        set_error.set(None);
        editing.set(true);
    };
    let pending = move || {
        rows.track();
        rows.with(|r| {
            r.iter().for_each(|r| {
                r.key.track();
                r.value.track();
                r.reset.track();
            })
        });
        rows.with(|r| changes(r).len())
    };
    // A server error about one config, shown on its row.
    let error_for = move |key: String| {
        error.with(|e| {
            e.as_ref()
                .filter(|e| e.field() == Some(&format!("set.{key}")))
                .map(ApiError::message)
        })
    };

    let view_rows = Signal::derive(move || {
        let mut h = Html::new();
        topic.detail.with(|d| {
            let Some(d) = d else { return };
            if d.configs.is_empty() {
                h.empty(
                    3,
                    "The broker reports no configs for this topic: it uses the broker's defaults.",
                );
            }
            for c in &d.configs {
                let value = if c.sensitive {
                    "••••••"
                } else {
                    c.value.as_deref().unwrap_or("—")
                };
                h.row("config-row")
                    .cell("mono strong", &c.name)
                    .raw("<td class=\"mono\">")
                    .text(value);
                if let Some(ms) = c
                    .name
                    .ends_with(".ms")
                    .then(|| value.parse::<i64>().ok())
                    .flatten()
                {
                    h.raw(" <span class=\"muted small\">(")
                        .text(&format::duration_ms(ms))
                        .raw(")</span>");
                }
                h.raw("</td><td>").pill(
                    if c.source == "topic" || !c.is_default {
                        "info"
                    } else {
                        "neutral"
                    },
                    &c.source,
                );
                if c.read_only {
                    h.raw(" ").pill("neutral", "read-only");
                }
                h.raw("</td>").end_row();
            }
        });
        h.finish()
    });

    view! {
        <div class="section-header">
            <p class="muted">
                {move || topic.detail.get().map(|d| {
                    let set = d.configs.iter().filter(|c| !c.is_default).count();
                    format!("{} configs, {} set on this topic", d.configs.len(), set)
                })}
            </p>
            <div class="toolbar">
                <ReadOnlyNote permissions=&[Permission::TopicsAlter] />
                <When when=move || topic.cluster.can(Permission::TopicsAlter) && !topic.protected.get() && !editing.get()>
                    <button class="button" on:click=start>"Edit configs"</button>
                </When>
                <When when=move || editing.get()>
                    <button class="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                    <button class="button button-primary" disabled=move || pending() == 0
                        on:click=move |_| { set_error.set(None); reviewing.set(true); }>
                        {move || format!("Review {} change{}", pending(), if pending() == 1 { "" } else { "s" })}
                    </button>
                </When>
            </div>
        </div>
        <datalist id="config-names">
            {TOPIC_CONFIGS.iter().map(|c| view! { <option value=*c></option> }).collect_view()}
        </datalist>
        <div class="table-wrap">
            <table class="table" data-testid="configs-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"Source"</th>
                        <When when=move || editing.get()><th scope="col"><span class="visually-hidden">"Actions"</span></th></When>
                    </tr>
                </thead>
                {move || match (topic.detail.get(), editing.get()) {
                    (None, _) => view! { <TableSkeleton columns=3 rows=4 /> }.into_any(),
                    (Some(_), false) => view! { <RawBody html=view_rows /> }.into_any(),
                    (Some(_), true) => view! {
                        <tbody>
                            {move || rows.get().into_iter().map(|row| view! {
                                <tr class:row-removed=move || row.reset.get() data-testid="config-edit-row">
                                    <td>
                                        {if row.before.is_some() {
                                            view! { <span class="mono strong">{row.key.get_untracked()}</span> }.into_any()
                                        } else {
                                            view! { <input class="input input-small mono" list="config-names" placeholder="config name" aria-label="Config name"
                                                autofocus prop:value=row.key on:input=move |ev| row.key.set(event_target_value(&ev)) /> }.into_any()
                                        }}
                                    </td>
                                    <td>
                                        <input class="input input-small mono" aria-label=move || format!("Value of {}", row.key.get())
                                            prop:value=row.value disabled=move || row.reset.get()
                                            on:input=move |ev| row.value.set(event_target_value(&ev)) />
                                        <p class="field-error">{move || error_for(row.key.get())}</p>
                                    </td>
                                    <td>{if row.before.is_some() { "topic" } else { "new" }}</td>
                                    <td class="actions">
                                        {if row.before.is_some() {
                                            view! {
                                                <button type="button" class="button button-small" on:click=move |_| row.reset.update(|r| *r = !*r)>
                                                    {move || if row.reset.get() { "Keep" } else { "Reset to default" }}
                                                </button>
                                            }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="button button-small" on:click=move |_| rows.update(|rs| rs.retain(|r| r.id != row.id))>"Remove"</button>
                                            }.into_any()
                                        }}
                                    </td>
                                </tr>
                            }).collect_view()}
                            <tr>
                                <td colspan="4">
                                    <button type="button" class="button button-small" on:click=move |_| rows.update(|r| r.push(new_row.run((String::new(), None))))>
                                        "+ Add config"
                                    </button>
                                </td>
                            </tr>
                        </tbody>
                    }.into_any(),
                }}
            </table>
        </div>
        <When when=move || reviewing.get()>
            <ReviewDialog rows error set_error on_done=move |_| { reviewing.set(false); editing.set(false); }
                on_close=move |_| reviewing.set(false) />
        </When>
    }
}

/// The difference, before anything is saved.
#[component]
fn ReviewDialog(
    rows: RwSignal<Vec<Row>>,
    error: ReadSignal<Option<ApiError>>,
    set_error: WriteSignal<Option<ApiError>>,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let topic = use_topic();
    let list = rows.with_untracked(|r| changes(r));
    let busy = RwSignal::new(false);
    let mut patch = ConfigPatch {
        set: BTreeMap::new(),
        delete: Vec::new(),
    };
    for change in &list {
        match change {
            Change::Set { key, after, .. } => {
                patch.set.insert(key.clone(), after.clone());
            }
            Change::Reset { key, .. } => patch.delete.push(key.clone()),
        }
    }
    let save = Callback::new(move |_| {
        busy.set(true);
        set_error.set(None);
        let patch = patch.clone();
        let path = topic.api_untracked("/configs");
        spawn_local(async move {
            match api::patch::<_, IgnoredAny>(&path, &patch).await {
                Ok(_) => {
                    toast::success("Configs saved.");
                    topic.detail.reload();
                    on_done.run(());
                }
                Err(e) => {
                    busy.try_set(false);
                    set_error.try_set(Some(e));
                }
            }
        });
    });
    let field_error = move |key: &str| {
        let field = format!("set.{key}");
        error.with(|e| {
            e.as_ref()
                .filter(|e| e.field() == Some(field.as_str()))
                .map(ApiError::message)
        })
    };
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| !e.field().is_some_and(|f| f.starts_with("set.")))
    });
    view! {
        <Dialog title="Review config changes" on_close>
            <div class="dialog-body">
                <p class="muted">{format!("{} change{} to ", list.len(), if list.len() == 1 { "" } else { "s" })}<code>{topic.name.get_untracked()}</code></p>
                <ul class="diff" data-testid="config-diff">
                    {list.iter().map(|change| {
                        let key = change.key().to_owned();
                        let body = match change {
                            Change::Set { key, before: Some(before), after } => view! {
                                <span class="mono strong">{key.clone()}</span>
                                <span class="diff-old mono">{before.clone()}</span>
                                <span aria-label="becomes">"→"</span>
                                <span class="diff-new mono">{after.clone()}</span>
                            }.into_any(),
                            Change::Set { key, before: None, after } => view! {
                                <span class="diff-sign diff-new">"+"</span>
                                <span class="mono strong">{key.clone()}</span>
                                <span class="diff-new mono">{after.clone()}</span>
                            }.into_any(),
                            Change::Reset { key, before } => view! {
                                <span class="diff-sign diff-old">"−"</span>
                                <span class="mono strong">{key.clone()}</span>
                                <span class="diff-old mono">{before.clone()}</span>
                                <span class="muted">"back to the default"</span>
                            }.into_any(),
                        };
                        view! {
                            <li>
                                <div class="diff-line">{body}</div>
                                <p class="field-error">{move || field_error(&key)}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <DialogError error=general />
                <DialogFooter on_cancel=on_close cancel_label="Back to editing" label="Save changes" busy_label="Saving…" busy on_action=save />
            </div>
        </Dialog>
    }
}
