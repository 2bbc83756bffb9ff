//! Every cluster the person may see, at a glance: whether it answers, how
//! fast, its size and its consumer groups' total lag. The landing page: with several clusters, the first
//! question is which one, and whether it is up.
//!
//! The API asks every cluster at once and answers within its request
//! timeout (4 s) even when one is down, so a stopped cluster shows here as
//! unreachable, with the reason, while the others show as usual.

use configurator_api::Permission;
use leptos::prelude::*;

use crate::{
    cluster::{ClusterSummary, page_path, use_clusters},
    components::{Html, LoadError, ProgressBar, RawBody, TableSkeleton, set_title},
    format,
};

#[component]
pub fn ClustersPage() -> impl IntoView {
    set_title("Clusters");
    let clusters = use_clusters().0;
    let rows = Signal::derive(move || {
        let mut h = Html::new();
        clusters.with(|list| {
            let Some(list) = list else { return };
            if list.clusters.is_empty() {
                h.empty(9, "You may not see any cluster. Ask for access to one.");
            }
            for c in &list.clusters {
                row(&mut h, c, list.default_cluster.as_deref() == Some(&c.id));
            }
        });
        h.finish()
    });

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Clusters"</h1>
                    <p class="muted" data-testid="clusters-count">{move || clusters.with(|l| l.map(|l| match l.clusters.len() {
                        1 => "1 cluster".to_owned(),
                        n => format!("{n} clusters"),
                    }))}</p>
                </div>
                <button class="button" data-testid="clusters-refresh" disabled=move || clusters.loading.get()
                    on:click=move |_| clusters.reload()>
                    {move || if clusters.loading.get() { "Checking…" } else { "Refresh" }}
                </button>
            </div>
            <LoadError error=clusters.error retry=clusters.retry() />
            <div class="table-wrap">
                <ProgressBar active=clusters.loading label="Checking the clusters" />
                <table class="table" data-testid="clusters-table" aria-busy=move || clusters.loading.get().to_string()>
                    <thead><tr>
                        <th scope="col">"Cluster"</th>
                        <th scope="col">"Environment"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Answered in"</th>
                        <th scope="col" class="num">"Brokers"</th>
                        <th scope="col" class="num">"Topics"</th>
                        <th scope="col" class="num">"Partitions"</th>
                        <th scope="col" class="num">"Under-replicated"</th>
                        <th scope="col" class="num">"Total lag"</th>
                    </tr></thead>
                    {move || if clusters.with(|d| d.is_none()) {
                        view! { <TableSkeleton columns=9 rows=2 /> }.into_any()
                    } else {
                        view! { <RawBody html=rows /> }.into_any()
                    }}
                </table>
            </div>
        </section>
    }
}

/// One cluster's row: who it is, whether it answered, its totals.
fn row(h: &mut Html, c: &ClusterSummary, default: bool) {
    h.raw("<tr data-testid=\"cluster-row\" data-cluster=\"")
        .text(&c.id)
        .raw("\"><td>")
        .link(&page_path(&c.id, ""), "strong", &c.name)
        .raw("<div class=\"muted small mono\">")
        .text(&c.id);
    if default {
        h.raw(" · default");
    }
    h.raw("</div></td><td>").environment(&c.environment).raw("</td>");
    let health = &c.health;
    h.raw("<td data-testid=\"cluster-status\">");
    if health.reachable() {
        h.pill("ok", "reachable");
    } else {
        h.pill("danger", "unreachable")
            .raw("<div class=\"small problem\">")
            .text(health.reason.as_deref().unwrap_or_default())
            .raw("</div>");
    }
    h.raw("</td>")
        .cell("num mono", &format!("{} ms", format::int(health.elapsed_ms)));
    match &health.totals {
        Some(t) => {
            for n in [t.brokers, t.topics, t.partitions] {
                h.cell("num", &format::int(n));
            }
            h.raw("<td class=\"num\">")
                .health(t.under_replicated_partitions)
                .raw("</td>");
            // No `groups:read` there, or the groups did not answer in time.
            let lag = t.total_lag.map_or_else(|| "—".to_owned(), format::int);
            h.raw("<td class=\"num\" data-testid=\"cluster-lag\">")
                .text(&lag)
                .raw("</td>");
        }
        None => {
            let why = if health.reachable() {
                format!(
                    "Your role cannot view this cluster's totals ({}).",
                    Permission::ClusterRead
                )
            } else {
                "No totals while it does not answer.".to_owned()
            };
            h.raw("<td class=\"muted\" colspan=\"5\">")
                .text(&why)
                .raw("</td>");
        }
    }
    h.end_row();
}
