//! One cluster at a glance, with ways into everything else on it.

use configurator_api::{ClusterInfo, GroupList, Permission};
use leptos::prelude::*;

use crate::{
    cluster::use_cluster,
    components::{HealthPill, Html, LoadError, RawBody, Stat, When, href, set_title},
    format,
    load::load,
};

#[component]
pub fn OverviewPage() -> impl IntoView {
    set_title("Overview");
    let current = use_cluster();
    let cluster = load::<ClusterInfo>(move || Some(current.api("")));
    // Groups only for people who may see them (and once we know who they are).
    let groups = load::<GroupList>(move || {
        current
            .can(Permission::GroupsRead)
            .then(|| current.api("/consumer-groups"))
    });
    let stat =
        move |f: fn(&ClusterInfo) -> u32| move || cluster.with(|c| c.as_ref().map(|c| format::int(f(c))));
    let group_stats = move || {
        groups.with(|g| {
            g.as_ref().map(|g| {
                (
                    format::int(g.groups.len() as u32),
                    format::int(g.groups.iter().map(|g| g.total_lag).sum::<u64>()),
                )
            })
        })
    };

    let brokers = Signal::derive(move || {
        let mut h = Html::new();
        cluster.with(|c| {
            for b in c.iter().flat_map(|c| c.brokers.iter().map(move |b| (c, b))) {
                let (c, b) = b;
                h.row("broker-row")
                    .cell("num mono", &b.id.to_string())
                    .cell("mono", &format!("{}:{}", b.host, b.port))
                    .cell("", b.rack.as_deref().unwrap_or("—"))
                    .raw("<td>");
                if c.controller == Some(b.id) {
                    h.pill("info", "controller");
                }
                h.raw("</td>").end_row();
            }
        });
        h.finish()
    });

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>{move || current.id()}</h1>
                    <p class="muted">"Kafka cluster id " <code data-testid="cluster-id">
                        {move || cluster.with(|c| c.as_ref().map(|c| c.cluster_id.clone().unwrap_or_else(|| "(no id)".into())))}
                    </code></p>
                </div>
                <button class="button" on:click=move |_| { cluster.reload(); groups.reload(); }>"Refresh"</button>
            </div>
            <LoadError error=cluster.error retry=cluster.retry() />
            <div class="stats" data-testid="cluster-stats">
                <Stat label="Brokers">{stat(|c| c.brokers.len() as u32)}</Stat>
                <Stat label="Topics">{stat(|c| c.topic_count)}</Stat>
                <Stat label="Partitions">{stat(|c| c.partition_count)}</Stat>
                <Stat label="Under-replicated partitions">
                    {stat(|c| c.under_replicated_partitions)}
                    {move || cluster.with(|c| c.as_ref().map(|c| view! { <HealthPill under=c.under_replicated_partitions /> }))}
                </Stat>
            </div>
            <div class="grid-2">
                <div class="card">
                    <h2 class="card-title">"Brokers"</h2>
                    <table class="table table-plain">
                        <thead><tr>
                            <th scope="col" class="num">"Id"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">"Rack"</th>
                            <th scope="col">"Role"</th>
                        </tr></thead>
                        <RawBody html=brokers />
                    </table>
                </div>
                <div class="card">
                    <h2 class="card-title">"Go to"</h2>
                    <ul class="link-list">
                        <li>
                            <a href=move || href(&current.page("/topics"))>"Topics"</a>
                            <span class="muted">{move || cluster.with(|c| c.as_ref().map(|c| format!("{} topics, {} partitions", format::int(c.topic_count), format::int(c.partition_count))))}</span>
                        </li>
                        <li>
                            <a href=move || href(&current.page("/groups"))>"Consumer groups"</a>
                            <span class="muted" data-testid="groups-summary">{move || group_stats().map(|(n, lag)| format!("{n} groups, total lag {lag}"))}</span>
                        </li>
                        <When when=move || current.can(Permission::AuditRead)>
                            <li><a href=move || href(&current.page("/audit"))>"Audit log"</a><span class="muted">"Who changed what, and when"</span></li>
                        </When>
                    </ul>
                </div>
            </div>
        </section>
    }
}
