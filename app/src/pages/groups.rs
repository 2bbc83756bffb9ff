//! Consumer groups: state, members and lag; searchable and sortable (all in
//! the URL). The API returns every group at once, so both happen here.

use configurator_api::{GroupList, GroupSummary};
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

#[component]
pub fn GroupsPage() -> impl IntoView {
    set_title("Consumer groups");
    let cluster = use_cluster();
    let params = use_query_map();
    let q = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let sort = Signal::derive(move || {
        params.with(|p| {
            p.get("sort")
                .filter(|s| ["state", "members", "lag"].contains(&s.as_str()))
                .unwrap_or_else(|| "group".into())
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
                ("sort", if sort == "group" { String::new() } else { sort }),
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
                key == "lag" || key == "members"
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
        list.sort_unstable_by(|a, b| {
            let first = match by.as_str() {
                "state" => a.state.cmp(&b.state),
                "members" => a.members.cmp(&b.members),
                "lag" => a.total_lag.cmp(&b.total_lag),
                _ => std::cmp::Ordering::Equal,
            };
            first.then_with(|| a.group_id.cmp(&b.group_id))
        });
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
                5,
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
                .raw("</td>")
                .cell("num", &g.members.to_string())
                .cell("mono small", &g.topics.join(", "))
                .cell(
                    if g.total_lag > 0 {
                        "num mono text-warn"
                    } else {
                        "num mono"
                    },
                    &format::int(g.total_lag),
                )
                .end_row();
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
                            <SortHeader label="Members" key="members" sort descending=desc on_sort numeric=true />
                            <th scope="col">"Topics"</th>
                            <SortHeader label="Total lag" key="lag" sort descending=desc on_sort numeric=true />
                        </tr>
                    </thead>
                    {move || if groups.with(|d| d.is_none()) {
                        view! { <TableSkeleton columns=5 rows=4 /> }.into_any()
                    } else {
                        view! { <RawBody html=Signal::derive(html) /> }.into_any()
                    }}
                </table>
            </div>
        </section>
    }
}
