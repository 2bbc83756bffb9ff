//! Reading a topic's messages: choose partitions, a start, a text filter
//! and a CEL filter; page through the results, or follow new ones live; look
//! at one in full, re-produce it; copy, redrive, export or download them.
//! The choice lives in the URL; "Load more" continues the same scan.
//! Large keys, values and headers come as previews (their first
//! [`configurator_api::PREVIEW_BYTES`]); a row's details load it whole.
//! Keys and values framed for the cluster's schema registry show decoded,
//! with the schema they were written with and their raw bytes on demand.

use std::{cell::Cell, rc::Rc};

use configurator_api::{
    DecodeProblem, FILTER_MAX_BYTES, Message, MessagePage, Permission, ScanStop, TAILS_PER_SESSION, TailQuery,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;

use super::{
    copy_messages::CopyMessagesDialog,
    export::ExportDialog,
    message_rows::{bytes_of, message_rows, previews, shown, text_of},
    produce::{Prefill, ProduceDialog},
    tail::Tail,
    topic_detail::use_topic,
};
use crate::{
    address,
    api::{self, ApiError},
    components::{ErrorPanel, Html, ProgressBar, When, clicked, download, is_json, pretty_json, save, toast},
    format,
    permissions::denied,
    query,
};

/// Rows a live tail keeps: the oldest go beyond this.
const TAIL_ROWS: usize = 1_000;

/// The page's range and filters, as in its URL; copies and exports take
/// theirs from here too.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Scan {
    /// Empty: all partitions.
    pub partitions: Vec<i32>,
    /// `earliest`, `latest`, `offset:N` or `timestamp:MS`.
    pub from: String,
    pub limit: u32,
    pub q: String,
    /// A CEL expression (`filter=`).
    pub filter: String,
}

impl Scan {
    fn read(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            partitions: get("partition")
                .map(|p| p.split(',').filter_map(|n| n.trim().parse().ok()).collect())
                .unwrap_or_default(),
            from: get("from")
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| "latest".into()),
            limit: get("limit")
                .and_then(|l| l.parse().ok())
                .filter(|l| (1..=500).contains(l))
                .unwrap_or(50),
            q: get("q").unwrap_or_default(),
            filter: get("filter").unwrap_or_default(),
        }
    }

    /// `partition=`: the chosen partitions, comma-separated; empty for all.
    pub fn partition_param(&self) -> String {
        self.partitions
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("partition", self.partition_param()),
            ("from", self.from.clone()),
            ("limit", self.limit.to_string()),
            ("q", self.q.clone()),
            ("filter", self.filter.clone()),
        ]
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn to_csv(messages: &[Message]) -> String {
    let mut out = String::from("partition,offset,timestamp,key,value,headers,previews\n");
    for m in messages {
        let headers: Vec<String> = m
            .headers
            .iter()
            .map(|h| {
                let value = h.value.as_ref().map_or("null".into(), |v| {
                    serde_json::to_string(&v.data).unwrap_or_default()
                });
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
            previews(m),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// What follows loading a row's whole message.
#[derive(Clone, Copy)]
enum After {
    Nothing,
    Save,
    Reproduce,
}

/// The produce dialog's fields for writing `m` again: the value's decoded
/// JSON (pretty) when a schema decoded it, else its text.
fn prefill(m: &Message) -> Prefill {
    let json = m
        .value
        .as_ref()
        .is_some_and(|d| d.decoded.is_some() || is_json(&d.data));
    let value = m.value.as_ref().map(|d| match &d.decoded {
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        None if json => pretty_json(&d.data).unwrap_or_else(|| d.data.clone()),
        None => d.data.clone(),
    });
    Prefill {
        key: m.key.as_ref().map(shown).unwrap_or_default(),
        value,
        json,
        headers: m
            .headers
            .iter()
            .map(|h| {
                (
                    h.key.clone(),
                    h.value.as_ref().map(|v| v.data.clone()).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// The API refused the CEL filter (it does not parse, or it reads a field
/// masked for the person): said under the filter, not as a page error.
fn filter_problem(e: &ApiError) -> bool {
    matches!(
        (e.status(), e.code()),
        (400, "invalid_filter") | (403, "filter_on_masked_field")
    )
}

#[component]
pub fn MessagesTab() -> impl IntoView {
    let topic = use_topic();
    view! {
        <When when=move || !topic.protected.get() && topic.cluster.can(Permission::MessagesRead) fallback=move || {
            let mut h = Html::new();
            if topic.protected.get() {
                h.raw("<div class=\"notice notice-info\" data-testid=\"messages-protected\"><strong>Not browsable here</strong><p>This is a protected topic (Kafka's or Configurator's own): its records are not browsable in the console.</p>");
                if topic.name.get() == "__configurator_audit" {
                    h.raw("<p>").link(&topic.cluster.page("/audit"), "", "Read the audit trail on the Audit page").raw("</p>");
                }
                h.raw("</div>");
            } else {
                h.raw("<div class=\"notice notice-warning\" role=\"alert\" data-testid=\"messages-denied\"><strong>Not allowed</strong><p>")
                    .text(&denied(Permission::MessagesRead, Some(&topic.cluster.id())))
                    .raw("</p></div>");
            }
            view! { <div inner_html=h.finish()></div> }
        }>
            <MessageBrowser />
        </When>
    }
}

#[component]
fn MessageBrowser() -> impl IntoView {
    let topic = use_topic();
    let params = use_query_map();
    // The query of this tab's address; the last one once the address is
    // another page's (crate::address: a leaving page must not read again).
    let here = address::at("topics", "messages");
    let scan = Memo::new(move |last: Option<&Scan>| match last {
        Some(last) if !here.get() => last.clone(),
        _ => params.with(|p| Scan::read(|k| p.get(k))),
    });
    let go = query::go();

    let messages = RwSignal::new(Vec::<Message>::new());
    let scanned = RwSignal::new(0u64);
    let bytes = RwSignal::new(0u64);
    let cursor = RwSignal::new(None::<String>);
    let stopped = RwSignal::new(None::<ScanStop>);
    // The registry could not be asked (once per scan, not per record).
    let registry_error = RwSignal::new(None::<DecodeProblem>);
    let scanning = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done_once = RwSignal::new(false);
    let filter_errors = RwSignal::new(0u64);
    let latest = Rc::new(Cell::new(0u64));
    let open = RwSignal::new(Vec::<usize>::new());
    let tail = Tail::new();
    // The table holds a tail's rows (from "Follow" until the next read).
    let tailing = RwSignal::new(false);
    let reproduce = RwSignal::new(None::<Prefill>);
    let (copying, set_copying) = signal(false);
    let (exporting, set_exporting) = signal(false);

    let clear = move || {
        messages.set(Vec::new());
        open.set(Vec::new());
        scanned.set(0);
        bytes.set(0);
        filter_errors.set(0);
        cursor.set(None);
        stopped.set(None);
        registry_error.set(None);
        error.set(None);
    };
    let fetch = {
        let latest = latest.clone();
        move |more: bool| {
            let scan = scan.get_untracked();
            let mut pairs = scan.pairs();
            if more {
                pairs.push(("cursor", cursor.get_untracked().unwrap_or_default()));
            } else {
                tail.stop();
                tailing.set(false);
                clear();
            }
            let path = query::url(&topic.api_untracked("/messages"), &pairs);
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
                        bytes.try_update(|b| *b += page.bytes);
                        filter_errors.try_update(|e| *e += page.filter_errors);
                        cursor.try_set(page.cursor);
                        stopped.try_set(page.stopped_early);
                        if page.registry_error.is_some() {
                            registry_error.try_set(page.registry_error);
                        }
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
                scanning.try_set(false);
                done_once.try_set(true);
            });
        }
    };
    let fetch = StoredValue::new_local(fetch);
    Effect::new(move |before: Option<(Scan, String)>| {
        let now = (scan.get(), topic.name.get());
        topic.produced.track();
        // A message produced while following shows up in the tail itself.
        if !(tail.following.get_untracked() && before.as_ref() == Some(&now)) {
            fetch.with_value(|f| f(false));
        }
        now
    });

    // The form, filled from the URL and sent to it.
    let initial = scan.get_untracked();
    let chosen = RwSignal::new(initial.partitions.clone());
    let (kind, value) = match initial.from.split_once(':') {
        Some((k, v)) => (k.to_owned(), v.to_owned()),
        None => (initial.from.clone(), String::new()),
    };
    let from_kind = RwSignal::new(kind.clone());
    let offset = RwSignal::new(if kind == "offset" {
        value.clone()
    } else {
        String::new()
    });
    let when = RwSignal::new(if kind == "timestamp" {
        value
            .parse()
            .map(format::local_date_time_value)
            .unwrap_or_default()
    } else {
        String::new()
    });
    let limit = RwSignal::new(initial.limit);
    let filter = RwSignal::new(initial.q.clone());
    let cel = RwSignal::new(initial.filter.clone());
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
        let next = Scan {
            partitions: chosen.get_untracked(),
            from,
            limit: limit.get_untracked(),
            q: filter.get_untracked().trim().to_owned(),
            filter: cel.get_untracked().trim().to_owned(),
        };
        if next == scan.get_untracked() {
            fetch.with_value(|f| f(false));
        } else {
            go(
                &query::url(&untrack(|| topic.page("/messages")), &next.pairs()),
                false,
            );
        }
    };

    // Follow with the form's partitions and filters as they are now.
    let follow = move || {
        latest.set(latest.get() + 1);
        scanning.set(false);
        clear();
        tailing.set(true);
        let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let query = TailQuery {
            partition: some(
                chosen
                    .get_untracked()
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            q: some(filter.get_untracked()),
            filter: some(cel.get_untracked()),
            ..TailQuery::default()
        };
        // Newest on top; the oldest go beyond TAIL_ROWS (open rows move down).
        let on_records = move |new: Vec<Message>| {
            let n = new.len();
            messages.update(|m| {
                let mut rows = new;
                rows.append(m);
                rows.truncate(TAIL_ROWS);
                *m = rows;
            });
            open.update(|o| {
                o.iter_mut().for_each(|i| *i += n);
                o.retain(|i| *i < TAIL_ROWS);
            });
        };
        tail.start(topic.api_untracked("/messages/tail"), query, on_records);
    };
    let follow = StoredValue::new_local(follow);

    let partition_count = move || topic.detail.get().map_or(0, |d| d.partitions.len() as i32);
    let partitions_label = move || {
        chosen.with(|c| match c.len() {
            0 => "All partitions".to_owned(),
            1 => format!("Partition {}", c[0]),
            _ => format!(
                "Partitions {}",
                c.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
            ),
        })
    };
    let toggle = move |p: i32, on: bool| {
        chosen.update(|c| {
            c.retain(|x| *x != p);
            if on {
                format::insert_sorted(c, p);
            }
        })
    };
    // A row's value as a file, decoded when it is binary.
    let save_value = move |row: usize| {
        messages.with_untracked(|m| {
            let Some((m, Some(v))) = m.get(row).map(|m| (m, &m.value)) else {
                return;
            };
            let name = format!("{}-{}-{}", topic.name.get_untracked(), m.partition, m.offset);
            if v.base64 {
                let bytes = bytes_of(v);
                save(
                    &format!("{name}.bin"),
                    "application/octet-stream",
                    &js_sys::Uint8Array::from(&bytes[..]),
                );
            } else {
                download(&format!("{name}.txt"), "text/plain", &v.data);
            }
        })
    };
    // What to do with a row once it is whole.
    let after = move |row: usize, then: After| match then {
        After::Nothing => {}
        After::Save => save_value(row),
        After::Reproduce => {
            if let Some(fill) = messages.with_untracked(|m| m.get(row).map(prefill)) {
                reproduce.set(Some(fill));
            }
        }
    };
    // The whole message in place of a row's previews; then, maybe, its value
    // as a file or in the produce dialog.
    let load_whole = move |row: usize, then: After| {
        let Some((partition, offset, cut)) = messages.with_untracked(|m| {
            m.get(row)
                .map(|m| (m.partition, m.offset, !previews(m).is_empty()))
        }) else {
            return;
        };
        if !cut {
            return after(row, then);
        }
        let path = topic.api_untracked(&format!("/partitions/{partition}/offsets/{offset}"));
        spawn_local(async move {
            match api::get::<Message>(&path).await {
                Ok(whole) => {
                    messages.try_update(|m| {
                        if let Some(slot) = m
                            .get_mut(row)
                            .filter(|m| (m.partition, m.offset) == (partition, offset))
                        {
                            *slot = whole;
                        }
                    });
                    after(row, then);
                }
                Err(e) => toast::error(&e),
            }
        });
    };
    // Rows open and close on a click; the buttons in an open row copy, load
    // the whole message or download its value.
    let on_rows_click = move |ev: leptos::ev::MouseEvent| {
        let Some(row) = clicked(&ev, "data-row").and_then(|r| r.parse::<usize>().ok()) else {
            return;
        };
        match clicked(&ev, "data-copy") {
            Some(what) if what == "whole" => load_whole(row, After::Nothing),
            Some(what) if what == "save" => load_whole(row, After::Save),
            Some(what) if what == "reproduce" => load_whole(row, After::Reproduce),
            Some(what) => {
                let text = messages.with_untracked(|m| {
                    m.get(row).map(|m| {
                        if what == "json" {
                            pretty_json(&serde_json::to_string(m).unwrap_or_default()).unwrap_or_default()
                        } else {
                            text_of(&m.value)
                        }
                    })
                });
                if let (Some(text), Some(window)) = (text, web_sys::window()) {
                    let _ = window.navigator().clipboard().write_text(&text);
                    toast::success(if what == "json" {
                        "Message copied as JSON."
                    } else {
                        "Value copied."
                    });
                }
            }
            None => open.update(|o| {
                if let Some(at) = o.iter().position(|i| *i == row) {
                    o.remove(at);
                } else {
                    o.push(row);
                }
            }),
        }
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
            <When when=move || from_kind.get() == "offset">
                <input class="input input-narrow mono" type="number" min="0" aria-label="Start offset" placeholder="offset"
                    prop:value=offset on:input=move |ev| offset.set(event_target_value(&ev)) />
            </When>
            <When when=move || from_kind.get() == "timestamp">
                <input class="input" type="datetime-local" step="1" aria-label="Start date and time"
                    prop:value=when on:input=move |ev| when.set(event_target_value(&ev)) />
            </When>
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
            <label class="search search-grow">
                <span class="visually-hidden">"CEL filter"</span>
                <input class="input mono" type="search" aria-label="CEL filter" data-testid="cel-filter" autocomplete="off" spellcheck="false"
                    placeholder="value.status == \"cancelled\" && value.amount > 1000" maxlength=FILTER_MAX_BYTES.to_string()
                    prop:value=cel on:input=move |ev| cel.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button button-primary" disabled=move || scanning.get()>"Read messages"</button>
            <When when=move || tail.following.get() fallback=move || view! {
                <button type="button" class="button" title="Show new messages as they arrive, newest first"
                    on:click=move |_| follow.with_value(|f| f())>"Follow"</button>
            }>
                <button type="button" class="button" on:click=move |_| tail.toggle_pause()>
                    {move || if tail.paused.get() { "Resume" } else { "Pause" }}
                </button>
                <button type="button" class="button" on:click=move |_| tail.stop()>"Stop"</button>
            </When>
        </form>
        <details class="schema-hint filter-help">
            <summary>"Filter syntax"</summary>
            <p>"The CEL filter is an expression over each record, true for the records to show. It can use "
                <code>"key"</code> " and " <code>"value"</code> " (decoded JSON, JSON text, or a string), "
                <code>"headers"</code> " (name to text), " <code>"partition"</code> ", " <code>"offset"</code>
                " and " <code>"timestamp"</code> " (Unix milliseconds). Records it cannot be evaluated on do not match; fields masked for you cannot be filtered on."</p>
            <ul>
                <li><code>"value.status == \"cancelled\" && value.amount > 1000"</code></li>
                <li><code>"headers[\"source\"] == \"checkout\" && timestamp > 1735689600000"</code></li>
            </ul>
        </details>
        {move || form_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        {move || error.get().or_else(|| tail.error.get()).filter(filter_problem).map(|e| view! {
            <p class="field-error" role="alert" data-testid="filter-error">{e.message()}</p>
        })}
        <div class="section-header">
            <When when=move || tailing.get() fallback=move || view! {
            <p class="muted" data-testid="scan-summary" aria-live="polite">
                {move || if scanning.get() {
                    "Reading messages…".to_owned()
                } else if done_once.get() && error.with(Option::is_none) {
                    let (n, cut) = messages.with(|m| (m.len(), m.iter().filter(|m| !previews(m).is_empty()).count()));
                    let mut text = format!("{} message{} shown · {} records scanned · {}", format::int(n as u64), if n == 1 { "" } else { "s" }, format::int(scanned.get()), format::bytes(bytes.get()));
                    if cut > 0 {
                        text += &format!(" · {cut} with previews only (downloads hold the previews)");
                    }
                    let failed = filter_errors.get();
                    if failed > 0 {
                        text += &format!(" · {} record{} could not be evaluated", format::int(failed), if failed == 1 { "" } else { "s" });
                    }
                    text
                } else {
                    String::new()
                }}
            </p>
            }>
                <p class="muted tail-status" data-testid="tail-status" aria-live="polite">
                    {move || if !tail.following.get() { "Stopped · " } else if tail.paused.get() { "Paused · " } else { "Following · " }}
                    <span data-testid="tail-received">{move || tail.received.get().to_string()}</span>
                    " records received · "
                    <span data-testid="tail-rate">{move || format!("{:.1}/s", tail.rate.get())}</span>
                    {move || (tail.skipped.get() > 0).then(|| view! {
                        " · " <span data-testid="tail-skipped">{format!("{} records skipped", format::int(tail.skipped.get()))}</span>
                    })}
                    {move || (tail.filter_errors.get() > 0).then(|| format!(" · {} records could not be evaluated", format::int(tail.filter_errors.get())))}
                    {move || (messages.with(Vec::len) >= TAIL_ROWS).then(|| format!(" · the newest {} are shown", format::int(TAIL_ROWS as u64)))}
                </p>
            </When>
            <div class="toolbar">
                <When when=move || topic.cluster.can(Permission::MessagesProduce)>
                    <button class="button button-small" on:click=move |_| set_copying.set(true)>"Copy messages"</button>
                </When>
                <button class="button button-small" on:click=move |_| set_exporting.set(true)>"Export"</button>
                <button class="button button-small" disabled=move || messages.with(Vec::is_empty)
                    on:click=move |_| download(&file_name("json"), "application/json", &messages.with(|m| pretty_json(&serde_json::to_string(m).unwrap_or_default()).unwrap_or_default()))>
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
                <p>{format!("The scan stopped at {}. “Load more” continues from there.", format::stop_reason(why))}</p>
            </div>
        })}
        {move || registry_error.get().map(|problem| view! {
            <div class="notice notice-warning" role="alert" data-testid="registry-error">
                <strong>"The schema registry could not be asked: some records are shown raw"</strong>
                <p>{problem.message}</p>
            </div>
        })}
        {move || tail.refused.get().map(|message| view! {
            <div class="notice notice-warning" role="alert" data-testid="tail-refused">
                <p>{message}</p>
                <p class="small">{format!("You can follow at most {TAILS_PER_SESSION} topics at once; stop one in another tab first.")}</p>
            </div>
        })}
        {move || error.get().filter(|e| !filter_problem(e)).map(|error| view! { <ErrorPanel error retry=move |_| fetch.with_value(|f| f(false)) /> })}
        {move || tail.error.get().filter(|e| !filter_problem(e)).map(|error| view! { <ErrorPanel error retry=move |_| follow.with_value(|f| f()) /> })}
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
                <tbody inner_html=move || {
                    let may_produce = topic.cluster.can(Permission::MessagesProduce);
                    let rows = messages.with(|m| open.with(|o| message_rows(m, o, may_produce)));
                    if rows.is_empty() && tailing.get() {
                        "<tr><td colspan=\"7\" class=\"empty\">Waiting for new messages…</td></tr>".to_owned()
                    } else if rows.is_empty() && done_once.get() && !scanning.get() && error.with(Option::is_none) {
                        "<tr><td colspan=\"7\" class=\"empty\">No messages match.</td></tr>".to_owned()
                    } else {
                        rows
                    }
                } on:click=on_rows_click></tbody>
            </table>
        </div>
        <div class="load-more">
            {move || match (cursor.get().is_some(), messages.with(Vec::is_empty)) {
                _ if tailing.get() => ().into_any(),
                (true, _) => view! {
                    <button class="button" disabled=move || scanning.get() on:click=move |_| fetch.with_value(|f| f(true))>
                        {move || if scanning.get() { "Loading…" } else { "Load more" }}
                    </button>
                }.into_any(),
                (false, false) => view! { <p class="muted small">"End of the chosen partitions."</p> }.into_any(),
                (false, true) => ().into_any(),
            }}
        </div>
        {move || reproduce.get().map(|prefill| view! {
            <ProduceDialog prefill on_close=move |_| reproduce.set(None) />
        })}
        <When when=move || copying.get()>
            <CopyMessagesDialog scan=scan.get_untracked() on_close=move |_| set_copying.set(false) />
        </When>
        <When when=move || exporting.get()>
            <ExportDialog scan=scan.get_untracked() on_close=move |_| set_exporting.set(false) />
        </When>
    }
}
