//! Consumer groups: state, health, members, lag and time lag; searchable and
//! sortable (all in the URL). The API returns every group at once, so both
//! happen here. By default the groups needing attention come first: worst
//! health, then the furthest behind in time.

use std::cmp::Ordering;

use configurator_api::{GroupList, GroupSummary, Health};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::seg,
    cluster::use_cluster,
    components::{Html, LoadError, ProgressBar, RawBody, SortHeader, TableSkeleton, set_title},
    format,
    load::load,
    query,
};

/// The pill colour of a group state.
pub fn state_kind(state: &str) -> &'static str {
    match state {
        "Stable" => "ok",
        "Empty" => "neutral",
        "PreparingRebalance" | "CompletingRebalance" | "Assigning" | "Reconciling" => "warn",
        "Dead" => "danger",
        _ => "neutral",
    }
}

/// The word for a health verdict, as the API spells it.
pub fn health_word(health: Health) -> &'static str {
    match health {
        Health::Stalled => "stalled",
        Health::Stopped => "stopped",
        Health::Lagging => "lagging",
        Health::Ok => "ok",
    }
}

/// The pill colour of a health verdict.
pub fn health_kind(health: Health) -> &'static str {
    match health {
        Health::Stalled => "danger",
        Health::Stopped | Health::Lagging => "warn",
        Health::Ok => "ok",
    }
}

/// A time lag for sorting: an unknown one (lag, but its record not read in
/// time) ranks above every known one, as it deserves a look.
fn time_lag_rank(ms: Option<u64>, lag: u64) -> u64 {
    match ms {
        Some(ms) => ms,
        None if lag > 0 => u64::MAX,
        None => 0,
    }
}

/// The order of the list for sort key `by` (ascending; the page reverses it
/// for descending). `health` is worst first, then the furthest behind.
fn compare(by: &str, a: &GroupSummary, b: &GroupSummary) -> Ordering {
    let time = |g: &GroupSummary| time_lag_rank(g.time_lag_ms, g.total_lag);
    let first = match by {
        "state" => a.state.cmp(&b.state),
        "members" => a.members.cmp(&b.members),
        "lag" => a.total_lag.cmp(&b.total_lag),
        "time" => time(a).cmp(&time(b)),
        "health" => a
            .health
            .status
            .cmp(&b.health.status)
            .then_with(|| time(b).cmp(&time(a)))
            .then_with(|| b.total_lag.cmp(&a.total_lag)),
        _ => Ordering::Equal,
    };
    first.then_with(|| a.group_id.cmp(&b.group_id))
}

/// A health pill with its rule as the tooltip.
fn health_pill(h: &mut Html, status: Health, reason: &str) {
    h.raw("<span class=\"pill pill-")
        .raw(health_kind(status))
        .raw("\" data-testid=\"group-health\" title=\"")
        .text(reason)
        .raw("\">")
        .raw(health_word(status))
        .raw("</span>");
}

/// The time-lag cell: `data-ms` carries the milliseconds when known.
fn time_lag_cell(h: &mut Html, ms: Option<u64>, lag: u64) {
    h.raw("<td class=\"num mono");
    if lag > 0 {
        h.raw(" text-warn");
    }
    h.raw("\" data-testid=\"group-time-lag\"");
    if let Some(ms) = ms {
        h.raw(" data-ms=\"").raw(&ms.to_string()).raw("\"");
    }
    h.raw(">").text(&format::time_lag(ms, lag)).raw("</td>");
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    set_title("Consumer groups");
    let cluster = use_cluster();
    let params = use_query_map();
    let q = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let sort = Signal::derive(move || {
        params.with(|p| {
            p.get("sort")
                .filter(|s| ["group", "state", "members", "lag", "time"].contains(&s.as_str()))
                .unwrap_or_else(|| "health".into())
        })
    });
    let desc = Signal::derive(move || params.with(|p| p.get("order").as_deref() == Some("desc")));
    let groups = load::<GroupList>(move || Some(cluster.api("/consumer-groups")));
    let go = query::go();

    let navigate = {
        let go = go.clone();
        move |q: String, sort: String, desc: bool, replace: bool| {
            let pairs = [
                ("q", q),
                ("sort", if sort == "health" { String::new() } else { sort }),
                ("order", if desc { "desc".into() } else { String::new() }),
            ];
            go(&query::url(&cluster.page("/groups"), &pairs), replace);
        }
    };
    let on_sort = Callback::new({
        let navigate = navigate.clone();
        move |key: &'static str| {
            let same = sort.get_untracked() == key;
            let desc = if same {
                !desc.get_untracked()
            } else {
                matches!(key, "lag" | "members" | "time")
            };
            navigate(q.get_untracked(), key.into(), desc, false);
        }
    });
    let on_search = move |text: String| navigate(text, sort.get_untracked(), desc.get_untracked(), true);

    let rows = move || -> Option<Vec<GroupSummary>> {
        let mut list = groups.get()?.groups;
        let needle = q.get().to_ascii_lowercase();
        list.retain(|g| {
            needle.is_empty()
                || g.group_id.to_ascii_lowercase().contains(&needle)
                || g.topics.iter().any(|t| t.to_ascii_lowercase().contains(&needle))
        });
        let by = sort.get();
        list.sort_unstable_by(|a, b| compare(&by, a, b));
        if desc.get() {
            list.reverse();
        }
        Some(list)
    };

    let html = move || {
        let mut h = Html::new();
        let list = rows().unwrap_or_default();
        if list.is_empty() {
            h.empty(
                7,
                if q.get().is_empty() {
                    "No consumer groups."
                } else {
                    "No consumer groups match."
                },
            );
        }
        for g in &list {
            h.row("group-row")
                .raw("<td>")
                .link(
                    &cluster.page(&format!("/groups/{}", seg(&g.group_id))),
                    "mono strong",
                    &g.group_id,
                )
                .raw("</td><td>")
                .pill(state_kind(&g.state), &g.state)
                .raw("</td><td>");
            health_pill(&mut h, g.health.status, &g.health.reason);
            h.raw("</td>")
                .cell("num", &g.members.to_string())
                .cell("mono small", &g.topics.join(", "))
                .cell(
                    if g.total_lag > 0 {
                        "num mono text-warn"
                    } else {
                        "num mono"
                    },
                    &format::int(g.total_lag),
                );
            time_lag_cell(&mut h, g.time_lag_ms, g.total_lag);
            h.end_row();
        }
        h.finish()
    };

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Consumer groups"</h1>
                    <p class="muted" data-testid="groups-count">{move || groups.get().map(|g| {
                        let lag: u64 = g.groups.iter().map(|g| g.total_lag).sum();
                        format!("{} groups · total lag {}", format::int(g.groups.len() as u64), format::int(lag))
                    })}</p>
                </div>
            </div>
            <div class="filters">
                <label class="search">
                    <span class="visually-hidden">"Search consumer groups"</span>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="8.5" cy="8.5" r="5.5" /><path d="M13 13l4.5 4.5" /></svg>
                    <input class="input" type="search" placeholder="Search by group or topic" data-testid="group-search"
                        prop:value=move || q.get() on:input=move |ev| on_search(event_target_value(&ev)) />
                </label>
                <button class="button" on:click=move |_| groups.reload()>"Refresh"</button>
            </div>
            <LoadError error=groups.error retry=groups.retry() />
            <div class="table-wrap">
                <ProgressBar active=groups.loading label="Loading consumer groups" />
                <table class="table" data-testid="groups-table">
                    <thead>
                        <tr>
                            <SortHeader label="Group" key="group" sort descending=desc on_sort />
                            <SortHeader label="State" key="state" sort descending=desc on_sort />
                            <SortHeader label="Health" key="health" sort descending=desc on_sort />
                            <SortHeader label="Members" key="members" sort descending=desc on_sort numeric=true />
                            <th scope="col">"Topics"</th>
                            <SortHeader label="Total lag" key="lag" sort descending=desc on_sort numeric=true />
                            <SortHeader label="Time lag" key="time" sort descending=desc on_sort numeric=true />
                        </tr>
                    </thead>
                    {move || if groups.with(|d| d.is_none()) {
                        view! { <TableSkeleton columns=7 rows=4 /> }.into_any()
                    } else {
                        view! { <RawBody html=Signal::derive(html) /> }.into_any()
                    }}
                </table>
            </div>
        </section>
    }
}
