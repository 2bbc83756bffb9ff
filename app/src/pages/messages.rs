//! Reading a topic's messages: choose partitions, a start and a text filter;
//! page through the results; look at one in full; copy or download them.
//! The choice lives in the URL; "Load more" continues the same scan.
//! Large keys, values and headers come as previews (their first
//! [`configurator_api::PREVIEW_BYTES`]); a row's details load it whole.
//! Keys and values framed for the cluster's schema registry show decoded,
//! with the schema they were written with and their raw bytes on demand.

use std::{cell::Cell, rc::Rc};

use configurator_api::{Data, DecodeProblem, Message, MessagePage, Permission, ScanStop};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;

use super::{registry::schema_label, topic_detail::use_topic};
use crate::{
    api::{self, ApiError},
    components::{
        ErrorPanel, Html, ProgressBar, When, clicked, download, highlight, is_json, pretty_json, save, toast,
    },
    format,
    permissions::denied,
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
            from: get("from")
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| "latest".into()),
            limit: get("limit")
                .and_then(|l| l.parse().ok())
                .filter(|l| (1..=500).contains(l))
                .unwrap_or(50),
            q: get("q").unwrap_or_default(),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "partition",
                self.partitions
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("from", self.from.clone()),
            ("limit", self.limit.to_string()),
            ("q", self.q.clone()),
        ]
    }
}

/// The text of a key or value: its decoded JSON when a schema decoded it.
fn text_of(data: &Option<Data>) -> String {
    data.as_ref().map(shown).unwrap_or_default()
}

fn shown(d: &Data) -> String {
    d.decoded
        .as_ref()
        .map_or_else(|| d.data.clone(), |v| v.to_string())
}

/// The bytes `d` stands for (`data` is base64 when `base64` is set).
fn bytes_of(d: &Data) -> Vec<u8> {
    if !d.base64 {
        return d.data.as_bytes().to_vec();
    }
    web_sys::window()
        .and_then(|w| w.atob(&d.data).ok())
        .map(|binary| binary.chars().map(|c| c as u8).collect())
        .unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The parts of `m` that are only previews, with their whole sizes in bytes:
/// `value:1234567 header:trace:20000`.
fn previews(m: &Message) -> String {
    let headers = m.headers.iter().map(|h| (format!("header:{}", h.key), &h.value));
    [("key".to_owned(), &m.key), ("value".to_owned(), &m.value)]
        .into_iter()
        .chain(headers)
        .filter_map(|(part, d)| Some(format!("{part}:{}", d.as_ref()?.full_size?)))
        .collect::<Vec<_>>()
        .join(" ")
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
    let scan = Memo::new(move |_| params.with(|p| Scan::read(|k| p.get(k))));
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
    let latest = Rc::new(Cell::new(0u64));
    let open = RwSignal::new(Vec::<usize>::new());

    let fetch = move |more: bool| {
        let scan = scan.get_untracked();
        let mut pairs = scan.pairs();
        if more {
            pairs.push(("cursor", cursor.get_untracked().unwrap_or_default()));
        } else {
            messages.set(Vec::new());
            open.set(Vec::new());
            scanned.set(0);
            bytes.set(0);
            cursor.set(None);
            registry_error.set(None);
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
    // The whole message in place of a row's previews; then, maybe, its value as a file.
    let load_whole = move |row: usize, then_save: bool| {
        let Some((partition, offset, cut)) = messages.with_untracked(|m| {
            m.get(row)
                .map(|m| (m.partition, m.offset, !previews(m).is_empty()))
        }) else {
            return;
        };
        if !cut {
            if then_save {
                save_value(row);
            }
            return;
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
                    if then_save {
                        save_value(row);
                    }
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
            Some(what) if what == "whole" || what == "save" => load_whole(row, what == "save"),
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
            <button type="submit" class="button button-primary" disabled=move || scanning.get()>"Read messages"</button>
        </form>
        {move || form_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        <div class="section-header">
            <p class="muted" data-testid="scan-summary" aria-live="polite">
                {move || if scanning.get() {
                    "Reading messages…".to_owned()
                } else if done_once.get() {
                    let (n, cut) = messages.with(|m| (m.len(), m.iter().filter(|m| !previews(m).is_empty()).count()));
                    let mut text = format!("{} message{} shown · {} records scanned · {}", format::int(n as u64), if n == 1 { "" } else { "s" }, format::int(scanned.get()), format::bytes(bytes.get()));
                    if cut > 0 {
                        text += &format!(" · {cut} with previews only (downloads hold the previews)");
                    }
                    text
                } else {
                    String::new()
                }}
            </p>
            <div class="toolbar">
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
                <tbody inner_html=move || {
                    let rows = messages.with(|m| open.with(|o| message_rows(m, o)));
                    if rows.is_empty() && done_once.get() && !scanning.get() && error.with(Option::is_none) {
                        "<tr><td colspan=\"7\" class=\"empty\">No messages match.</td></tr>".to_owned()
                    } else {
                        rows
                    }
                } on:click=on_rows_click></tbody>
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

/// The rows of the shown messages; `open` ones with their details below.
fn message_rows(messages: &[Message], open: &[usize]) -> String {
    let mut h = Html::new();
    for (i, m) in messages.iter().enumerate() {
        let expanded = open.contains(&i);
        let index = i.to_string();
        h.raw("<tr class=\"message-row")
            .raw(if expanded { " row-open" } else { "" })
            .raw("\" data-testid=\"message-row\" data-row=\"")
            .raw(&index)
            .raw("\"><td class=\"expand-col\"><button type=\"button\" class=\"icon-button chevron\" aria-expanded=\"")
            .raw(if expanded { "true" } else { "false" })
            .raw("\" aria-label=\"Details of offset ")
            .raw(&m.offset.to_string())
            .raw("\">›</button></td>")
            .cell("num mono", &m.partition.to_string())
            .cell("num mono strong", &format::int(m.offset))
            .raw("<td class=\"mono nowrap\" title=\"")
            .text(&m.timestamp.map(format::iso).unwrap_or_default())
            .raw("\">")
            .text(&m.timestamp.map(format::date_time).unwrap_or_default())
            .raw("</td>")
            .cell("mono cell-key", &m.key.as_ref().map(|k| format::preview(&shown(k), 40)).unwrap_or_default())
            .raw("<td class=\"mono cell-value\">");
        preview_pill(&mut h, &m.value);
        if let Some(d) = &m.value {
            schema_badge(&mut h, d);
        }
        match &m.value {
            None => h.pill("neutral", "null"),
            Some(d) if d.decoded.is_some() => h.text(&format::preview(&shown(d), 140)),
            Some(d) if d.base64 => h
                .raw("<span class=\"muted\">binary </span>")
                .text(&format::preview(&d.data, 60)),
            Some(d) => h.text(&format::preview(&d.data, 140)),
        };
        h.raw("</td><td>");
        if !m.headers.is_empty() {
            h.pill("neutral", &m.headers.len().to_string());
        }
        h.raw("</td></tr>");
        if expanded {
            message_detail(&mut h, m, &index);
        }
    }
    h.finish()
}

/// "preview · 1.2 MiB" when `data` holds only the start of a larger whole.
fn preview_pill(h: &mut Html, data: &Option<Data>) {
    if let Some(size) = data.as_ref().and_then(|d| d.full_size) {
        h.raw(" ")
            .pill("warn", &format!("preview · {}", format::bytes(size)));
    }
}

/// "Avro · orders-value v3" for data framed for the registry, and "not
/// decoded" when it could not be.
fn schema_badge(h: &mut Html, d: &Data) {
    if let Some(s) = &d.schema {
        h.raw(" <span class=\"pill pill-info\" data-testid=\"schema-badge\" title=\"")
            .text(s.message.as_deref().unwrap_or(""))
            .raw("\">")
            .text(&schema_label(s))
            .raw("</span> ");
    }
    if d.undecoded.is_some() {
        h.pill("warn", "not decoded").raw(" ");
    }
}

/// A key or value framed for the registry: decoded (pretty) or why not, and
/// its raw bytes as hex and base64 behind a toggle (open when not decoded).
/// `false` for data without framing, which the caller shows as before.
fn framed(h: &mut Html, d: &Data, part: &str) -> bool {
    if d.schema.is_none() && d.decoded.is_none() && d.undecoded.is_none() {
        return false;
    }
    if let Some(problem) = &d.undecoded {
        h.raw("<div class=\"notice notice-warning\" data-testid=\"undecoded-reason\"><strong>Not decoded</strong><p>")
            .text(&problem.message)
            .raw("</p></div>");
    }
    if let Some(value) = &d.decoded {
        h.raw("<pre class=\"json\" data-testid=\"decoded-")
            .raw(part)
            .raw("\">")
            .raw(&highlight(&value.to_string()))
            .raw("</pre>");
    }
    let bytes = bytes_of(d);
    const HEX_MAX: usize = 64 * 1024;
    let mut hex = String::with_capacity(bytes.len().min(HEX_MAX) * 3);
    for (i, b) in bytes.iter().take(HEX_MAX).enumerate() {
        if i > 0 {
            hex.push(if i % 16 == 0 { '\n' } else { ' ' });
        }
        hex.push_str(&format!("{b:02x}"));
    }
    if bytes.len() > HEX_MAX {
        hex.push_str("\n…");
    }
    let base64 = if d.base64 {
        d.data.clone()
    } else {
        let binary: String = bytes.iter().map(|b| *b as char).collect();
        web_sys::window()
            .and_then(|w| w.btoa(&binary).ok())
            .unwrap_or_default()
    };
    h.raw("<details class=\"schema-hint\" data-testid=\"raw-bytes\"")
        .raw(if d.decoded.is_none() { " open" } else { "" })
        .raw("><summary>Raw bytes</summary><h4>Hex</h4><pre class=\"code code-small\" data-testid=\"raw-hex\">")
        .text(&hex)
        .raw("</pre><h4>Base64</h4><pre class=\"code code-small\" data-testid=\"raw-base64\">")
        .text(&base64)
        .raw("</pre></details>");
    true
}

fn message_detail(h: &mut Html, m: &Message, index: &str) {
    let (format, body) = match &m.value {
        None => ("null", "<p class=\"muted\">No value: a tombstone.</p>".to_owned()),
        Some(d) if d.schema.is_some() || d.decoded.is_some() || d.undecoded.is_some() => ("", String::new()),
        Some(d) if d.base64 => (
            "base64",
            format!("<pre class=\"code\">{}</pre>", Html::new().text(&d.data).finish()),
        ),
        Some(d) if is_json(&d.data) => (
            "JSON",
            format!("<pre class=\"json\">{}</pre>", highlight(&d.data)),
        ),
        Some(d) => (
            "text",
            format!("<pre class=\"code\">{}</pre>", Html::new().text(&d.data).finish()),
        ),
    };
    let copy = |h: &mut Html, what: &str, label: &str| {
        h.raw("<button type=\"button\" class=\"button button-small\" data-copy=\"")
            .raw(what)
            .raw("\" data-row=\"")
            .raw(index)
            .raw("\">")
            .raw(label)
            .raw("</button>");
    };
    h.raw("<tr class=\"message-detail\"><td colspan=\"7\"><div class=\"detail-grid\" data-testid=\"message-detail\"><section><div class=\"detail-head\"><h3>Value ");
    match &m.value {
        Some(d) if format.is_empty() => schema_badge(h, d),
        _ => {
            h.pill("neutral", format);
        }
    }
    preview_pill(h, &m.value);
    h.raw("</h3><div class=\"toolbar\">");
    if !previews(m).is_empty() {
        copy(h, "whole", "Load whole message");
    }
    if m.value.is_some() {
        copy(h, "save", "Download value");
    }
    copy(h, "value", "Copy value");
    copy(h, "json", "Copy as JSON");
    h.raw("</div></div>").raw(&body);
    if let Some(d) = &m.value {
        framed(h, d, "value");
    }
    h.raw("</section><aside><h3>Key");
    if let Some(k) = &m.key {
        schema_badge(h, k);
    }
    h.raw("</h3>");
    match &m.key {
        Some(k) if framed(h, k, "key") => &mut *h,
        Some(k) => h
            .raw("<pre class=\"code code-small\">")
            .text(&k.data)
            .raw("</pre>"),
        None => h.raw("<p class=\"muted\">No key</p>"),
    };
    preview_pill(h, &m.key);
    h.raw("<h3>Headers</h3>");
    if m.headers.is_empty() {
        h.raw("<p class=\"muted\">No headers</p>");
    } else {
        h.raw("<dl class=\"pairs\">");
        for header in &m.headers {
            h.raw("<dt class=\"mono\">")
                .text(&header.key)
                .raw("</dt><dd class=\"mono\">")
                .text(header.value.as_ref().map_or("null", |v| &v.data));
            preview_pill(h, &header.value);
            h.raw("</dd>");
        }
        h.raw("</dl>");
    }
    h.raw("<h3>Timestamp</h3><p class=\"mono\">")
        .text(&m.timestamp.map(format::iso).unwrap_or_else(|| "—".into()))
        .raw("</p></aside></div></td></tr>");
}
