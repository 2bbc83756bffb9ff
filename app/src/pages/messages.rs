//! Reading a topic's messages: choose partitions, a start and a text filter;
//! page through the results; look at one in full; copy or download them.
//! The choice lives in the URL; "Load more" continues the same scan.

use std::{cell::Cell, rc::Rc};

use configurator_api::{Data, Message, MessagePage, ScanStop};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;

use super::topic_detail::use_topic;
use crate::{
    api::{self, ApiError, seg},
    components::{CopyButton, ErrorPanel, JsonView, Pill, ProgressBar, download, is_json},
    format,
    permissions::{denied, use_session},
    query,
};

#[derive(Clone, PartialEq)]
struct Scan {
    /// Empty: all partitions.
    partitions: Vec<i32>,
    /// `earliest`, `latest`, `offset:N` or `timestamp:MS`.
    from: String,
    limit: u32,
    q: String,
}

impl Scan {
    fn read(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            partitions: get("partition")
                .map(|p| p.split(',').filter_map(|n| n.trim().parse().ok()).collect())
                .unwrap_or_default(),
            from: get("from").filter(|f| !f.is_empty()).unwrap_or_else(|| "latest".into()),
            limit: get("limit").and_then(|l| l.parse().ok()).filter(|l| (1..=500).contains(l)).unwrap_or(50),
            q: get("q").unwrap_or_default(),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("partition", self.partitions.iter().map(i32::to_string).collect::<Vec<_>>().join(",")),
            ("from", self.from.clone()),
            ("limit", self.limit.to_string()),
            ("q", self.q.clone()),
        ]
    }
}

fn text_of(data: &Option<Data>) -> String {
    data.as_ref().map(|d| d.data.clone()).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn to_csv(messages: &[Message]) -> String {
    let mut out = String::from("partition,offset,timestamp,key,value,headers\n");
    for m in messages {
        let headers: Vec<String> = m
            .headers
            .iter()
            .map(|h| {
                let value = h.value.as_ref().map_or("null".into(), |v| serde_json::to_string(&v.data).unwrap_or_default());
                format!("{}:{value}", serde_json::to_string(&h.key).unwrap_or_default())
            })
            .collect();
        let fields = [
            m.partition.to_string(),
            m.offset.to_string(),
            m.timestamp.map(format::iso).unwrap_or_default(),
            text_of(&m.key),
            text_of(&m.value),
            format!("{{{}}}", headers.join(",")),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[component]
pub fn MessagesTab() -> impl IntoView {
    let session = use_session();
    view! {
        <Show when=move || session.can("messages:read") fallback=move || view! {
            <div class="notice notice-warning" role="alert" data-testid="messages-denied">
                <strong>"Not allowed"</strong>
                <p>{denied("messages:read")}</p>
            </div>
        }>
            <MessageBrowser />
        </Show>
    }
}

#[component]
fn MessageBrowser() -> impl IntoView {
    let topic = use_topic();
    let params = use_query_map();
    let scan = Memo::new(move |_| params.with(|p| Scan::read(|k| p.get(k))));
    let go = query::go();

    let messages = RwSignal::new(Vec::<Message>::new());
    let scanned = RwSignal::new(0u64);
    let cursor = RwSignal::new(None::<String>);
    let stopped = RwSignal::new(None::<ScanStop>);
    let scanning = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done_once = RwSignal::new(false);
    let latest = Rc::new(Cell::new(0u64));

    let fetch = move |more: bool| {
        let scan = scan.get_untracked();
        let mut pairs = scan.pairs();
        if more {
            pairs.push(("cursor", cursor.get_untracked().unwrap_or_default()));
        } else {
            messages.set(Vec::new());
            scanned.set(0);
            cursor.set(None);
        }
        let path = query::url(&format!("/api/v1/topics/{}/messages", seg(&topic.name.get_untracked())), &pairs);
        let this = latest.get() + 1;
        latest.set(this);
        let latest = latest.clone();
        scanning.set(true);
        error.set(None);
        stopped.set(None);
        spawn_local(async move {
            let answer = api::get::<MessagePage>(&path).await;
            if latest.get() != this {
                return;
            }
            match answer {
                Ok(page) => {
                    messages.try_update(|m| m.extend(page.messages));
                    scanned.try_update(|s| *s += page.scanned);
                    cursor.try_set(page.cursor);
                    stopped.try_set(page.stopped_early);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            scanning.try_set(false);
            done_once.try_set(true);
        });
    };
    let fetch = StoredValue::new_local(fetch);
    Effect::new(move |_| {
        scan.track();
        topic.name.track();
        topic.produced.track();
        fetch.with_value(|f| f(false));
    });

    // The form, filled from the URL and sent to it.
    let initial = scan.get_untracked();
    let chosen = RwSignal::new(initial.partitions.clone());
    let (kind, value) = match initial.from.split_once(':') {
        Some((k, v)) => (k.to_owned(), v.to_owned()),
        None => (initial.from.clone(), String::new()),
    };
    let from_kind = RwSignal::new(kind.clone());
    let offset = RwSignal::new(if kind == "offset" { value.clone() } else { String::new() });
    let when = RwSignal::new(if kind == "timestamp" {
        value.parse().map(format::local_date_time_value).unwrap_or_default()
    } else {
        String::new()
    });
    let limit = RwSignal::new(initial.limit);
    let filter = RwSignal::new(initial.q.clone());
    let (form_error, set_form_error) = signal(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let from = match from_kind.get_untracked().as_str() {
            "offset" => match offset.get_untracked().trim().parse::<i64>() {
                Ok(n) if n >= 0 => format!("offset:{n}"),
                _ => return set_form_error.set(Some("Enter an offset (0 or more).".into())),
            },
            "timestamp" => match format::parse_local_date_time(&when.get_untracked()) {
                Some(ms) => format!("timestamp:{ms}"),
                None => return set_form_error.set(Some("Choose a date and time.".into())),
            },
            other => other.to_owned(),
        };
        set_form_error.set(None);
        let next = Scan { partitions: chosen.get_untracked(), from, limit: limit.get_untracked(), q: filter.get_untracked().trim().to_owned() };
        if next == scan.get_untracked() {
            fetch.with_value(|f| f(false));
        } else {
            go(&query::url(&format!("/topics/{}/messages", seg(&topic.name.get_untracked())), &next.pairs()), false);
        }
    };

    let partition_count = move || topic.detail.data.get().map_or(0, |d| d.partitions.len() as i32);
    let partitions_label = move || {
        chosen.with(|c| match c.len() {
            0 => "All partitions".to_owned(),
            1 => format!("Partition {}", c[0]),
            _ => format!("Partitions {}", c.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")),
        })
    };
    let toggle = move |p: i32, on: bool| {
        chosen.update(|c| {
            c.retain(|x| *x != p);
            if on {
                c.push(p);
                c.sort_unstable();
            }
        })
    };
    let file_name = move |ext: &str| format!("{}-messages.{ext}", topic.name.get_untracked());

    view! {
        <form class="filters filters-wrap" on:submit=submit data-testid="message-filters">
            <details class="dropdown">
                <summary class="select" data-testid="partition-picker">{partitions_label}</summary>
                <div class="dropdown-panel" role="group" aria-label="Partitions">
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || chosen.with(Vec::is_empty) on:change=move |_| chosen.set(Vec::new()) />
                        "All partitions"
                    </label>
                    <div class="partition-grid">
                        {move || (0..partition_count()).map(|p| view! {
                            <label class="checkbox">
                                <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&p))
                                    on:change=move |ev| toggle(p, event_target_checked(&ev)) />
                                {p}
                            </label>
                        }).collect_view()}
                    </div>
                </div>
            </details>
            <label class="inline-field">
                <span>"From"</span>
                <select class="select" data-testid="from-kind" on:change=move |ev| from_kind.set(event_target_value(&ev))>
                    <option value="latest" selected=kind == "latest">"Newest messages"</option>
                    <option value="earliest" selected=kind == "earliest">"Oldest messages"</option>
                    <option value="offset" selected=kind == "offset">"Offset"</option>
                    <option value="timestamp" selected=kind == "timestamp">"Date and time"</option>
                </select>
            </label>
            <Show when=move || from_kind.get() == "offset">
                <input class="input input-narrow mono" type="number" min="0" aria-label="Start offset" placeholder="offset"
                    prop:value=offset on:input=move |ev| offset.set(event_target_value(&ev)) />
            </Show>
            <Show when=move || from_kind.get() == "timestamp">
                <input class="input" type="datetime-local" step="1" aria-label="Start date and time"
                    prop:value=when on:input=move |ev| when.set(event_target_value(&ev)) />
            </Show>
            <label class="inline-field">
                <span>"Limit"</span>
                <select class="select" on:change=move |ev| if let Ok(n) = event_target_value(&ev).parse() { limit.set(n) }>
                    {[20u32, 50, 100, 200, 500].into_iter().map(|n| view! {
                        <option value=n.to_string() selected=initial.limit == n>{n}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="search search-grow">
                <span class="visually-hidden">"Only messages containing"</span>
                <svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="8.5" cy="8.5" r="5.5" /><path d="M13 13l4.5 4.5" /></svg>
                <input class="input" type="search" placeholder="Only messages whose key or value contains…" data-testid="message-filter"
                    prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button button-primary" disabled=move || scanning.get()>"Read messages"</button>
        </form>
        {move || form_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        <div class="section-header">
            <p class="muted" data-testid="scan-summary" aria-live="polite">
                {move || if scanning.get() {
                    "Reading messages…".to_owned()
                } else if done_once.get() {
                    let n = messages.with(Vec::len);
                    format!("{} message{} shown · {} records scanned", format::int(n as u64), if n == 1 { "" } else { "s" }, format::int(scanned.get()))
                } else {
                    String::new()
                }}
            </p>
            <div class="toolbar">
                <button class="button button-small" disabled=move || messages.with(Vec::is_empty)
                    on:click=move |_| download(&file_name("json"), "application/json", &messages.with(|m| serde_json::to_string_pretty(m).unwrap_or_default()))>
                    "Download JSON"
                </button>
                <button class="button button-small" disabled=move || messages.with(Vec::is_empty)
                    on:click=move |_| download(&file_name("csv"), "text/csv", &messages.with(|m| to_csv(m)))>
                    "Download CSV"
                </button>
            </div>
        </div>
        {move || stopped.get().map(|why| view! {
            <div class="notice notice-info" data-testid="stopped-early">
                <p>{match why {
                    ScanStop::RecordBudget => "The scan stopped after reading as many records as one request may. ",
                    ScanStop::TimeBudget => "The scan stopped after reading for as long as one request may. ",
                }} "“Load more” continues from there."</p>
            </div>
        })}
        {move || error.get().map(|error| view! { <ErrorPanel error retry=move |_| fetch.with_value(|f| f(false)) /> })}
        <div class="table-wrap">
            <ProgressBar active=scanning label="Reading messages" />
            <table class="table table-messages" data-testid="messages-table" aria-busy=move || scanning.get().to_string()>
                <thead>
                    <tr>
                        <th scope="col" class="expand-col"><span class="visually-hidden">"Details"</span></th>
                        <th scope="col" class="num">"Partition"</th>
                        <th scope="col" class="num">"Offset"</th>
                        <th scope="col">"Timestamp"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"Headers"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || messages.get() key=|m| (m.partition, m.offset) let:message>
                        <MessageRow message />
                    </For>
                    <Show when=move || done_once.get() && !scanning.get() && messages.with(Vec::is_empty) && error.with(Option::is_none)>
                        <tr><td colspan="7" class="empty">"No messages match."</td></tr>
                    </Show>
                </tbody>
            </table>
        </div>
        <div class="load-more">
            {move || match (cursor.get().is_some(), messages.with(Vec::is_empty)) {
                (true, _) => view! {
                    <button class="button" disabled=move || scanning.get() on:click=move |_| fetch.with_value(|f| f(true))>
                        {move || if scanning.get() { "Loading…" } else { "Load more" }}
                    </button>
                }.into_any(),
                (false, false) => view! { <p class="muted small">"End of the chosen partitions."</p> }.into_any(),
                (false, true) => ().into_any(),
            }}
        </div>
    }
}

#[component]
fn MessageRow(message: Message) -> impl IntoView {
    let open = RwSignal::new(false);
    let id = format!("message-{}-{}", message.partition, message.offset);
    let key = message.key.clone();
    let value = message.value.clone();
    let value_preview = match &value {
        None => view! { <Pill kind="neutral">"null"</Pill> }.into_any(),
        Some(d) if d.base64 => view! { <span class="muted">"binary " </span><span>{format::preview(&d.data, 60)}</span> }.into_any(),
        Some(d) => view! { <span>{format::preview(&d.data, 140)}</span> }.into_any(),
    };
    let headers = message.headers.len();
    let message_json = serde_json::to_string_pretty(&message).unwrap_or_default();
    view! {
        <tr class="message-row" class:row-open=open data-testid="message-row" on:click=move |_| open.update(|o| *o = !*o)>
            <td class="expand-col">
                <button type="button" class="icon-button chevron" aria-expanded=move || open.get().to_string()
                    aria-controls=id.clone() aria-label=format!("Details of offset {}", message.offset)
                    on:click=move |ev| { ev.stop_propagation(); open.update(|o| *o = !*o); }>
                    "›"
                </button>
            </td>
            <td class="num mono">{message.partition}</td>
            <td class="num mono strong">{format::int(message.offset)}</td>
            <td class="mono nowrap" title=message.timestamp.map(format::iso)>{message.timestamp.map(format::date_time)}</td>
            <td class="mono cell-key">{key.as_ref().map(|k| format::preview(&k.data, 40))}</td>
            <td class="mono cell-value">{value_preview}</td>
            <td>{(headers > 0).then(|| view! { <Pill kind="neutral">{headers}</Pill> })}</td>
        </tr>
        <Show when=move || open.get()>
            <tr class="message-detail" id=id.clone()>
                <td colspan="7">
                    <MessageDetail message=message.clone() json=message_json.clone() />
                </td>
            </tr>
        </Show>
    }
}

#[component]
fn MessageDetail(message: Message, json: String) -> impl IntoView {
    let value_text = text_of(&message.value);
    let key_text = text_of(&message.key);
    let value_view = match &message.value {
        None => view! { <p class="muted">"No value: a tombstone."</p> }.into_any(),
        Some(d) if d.base64 => view! {
            <p class="muted small">"Not text; shown as base64."</p>
            <pre class="code">{d.data.clone()}</pre>
        }.into_any(),
        Some(d) if is_json(&d.data) => view! { <JsonView text=d.data.clone() /> }.into_any(),
        Some(d) => view! { <pre class="code">{d.data.clone()}</pre> }.into_any(),
    };
    let format_label = match &message.value {
        Some(d) if d.base64 => "base64",
        Some(d) if is_json(&d.data) => "JSON",
        Some(_) => "text",
        None => "null",
    };
    view! {
        <div class="detail-grid" data-testid="message-detail">
            <section>
                <div class="detail-head">
                    <h3>"Value " <Pill kind="neutral">{format_label}</Pill></h3>
                    <div class="toolbar">
                        <CopyButton text=value_text label="Copy value" />
                        <CopyButton text=json label="Copy as JSON" />
                    </div>
                </div>
                {value_view}
            </section>
            <aside>
                <h3>"Key"</h3>
                {if message.key.is_some() {
                    view! { <pre class="code code-small">{key_text}</pre> }.into_any()
                } else {
                    view! { <p class="muted">"No key"</p> }.into_any()
                }}
                <h3>"Headers"</h3>
                {if message.headers.is_empty() {
                    view! { <p class="muted">"No headers"</p> }.into_any()
                } else {
                    view! {
                        <dl class="pairs">
                            {message.headers.iter().map(|h| view! {
                                <dt class="mono">{h.key.clone()}</dt>
                                <dd class="mono">{h.value.as_ref().map(|v| v.data.clone()).unwrap_or_else(|| "null".into())}</dd>
                            }).collect_view()}
                        </dl>
                    }.into_any()
                }}
                <h3>"Position"</h3>
                <dl class="pairs">
                    <dt>"Partition"</dt><dd class="mono">{message.partition}</dd>
                    <dt>"Offset"</dt><dd class="mono">{message.offset}</dd>
                    <dt>"Timestamp"</dt><dd class="mono">{message.timestamp.map(format::iso).unwrap_or_else(|| "—".into())}</dd>
                </dl>
            </aside>
        </div>
    }
}
