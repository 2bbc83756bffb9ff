//! One consumer group: lag per partition (table and chart), members, and the
//! actions on it (reset offsets, delete).

use std::collections::BTreeMap;

use configurator_api::{GroupDetail, PartitionLag, Permission};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use super::{groups::state_kind, reset_offsets::ResetOffsetsDialog};
use crate::{
    api::{self, ApiError, seg},
    cluster::{Current, use_cluster},
    components::{ConfirmDialog, Html, LoadError, Pill, ReadOnlyNote, When, href, set_title, toast},
    format,
    load::load,
    query,
};

#[component]
pub fn GroupDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        let raw = params.with(|p| p.get("name").unwrap_or_default());
        js_sys::decode_uri_component(&raw)
            .map(String::from)
            .unwrap_or(raw)
    });
    Effect::new(move |_| set_title(&id.get()));
    let cluster = use_cluster();
    let group_api = move || cluster.api(&format!("/consumer-groups/{}", seg(&id.get())));
    let group = load::<GroupDetail>(move || Some(group_api()));
    let resetting = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let go = query::go();

    let delete = move |_| {
        busy.set(true);
        set_error.set(None);
        let go = go.clone();
        let (group_id, path, list) = untrack(|| (id.get(), group_api(), cluster.page("/groups")));
        spawn_local(async move {
            match api::delete(&path).await {
                Ok(()) => {
                    toast::success(format!("Consumer group {group_id} deleted."));
                    deleting.try_set(false);
                    go(&list, false);
                }
                Err(e) => {
                    busy.try_set(false);
                    set_error.try_set(Some(e));
                }
            }
        });
    };

    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href=move || href(&cluster.page("/groups"))>"Consumer groups"</a>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page" class="mono">{id}</span>
            </nav>
            <div class="page-header">
                <div>
                    <h1 class="mono" data-testid="group-id">{id}</h1>
                    <p class="facts">{move || group.get().map(|g| view! {
                        <Pill kind=state_kind(&g.state)>{g.state.clone()}</Pill>
                        <span>{if g.protocol.is_empty() { g.protocol_type.clone() } else { format!("{} · {}", g.protocol_type, g.protocol) }}</span>
                    })}</p>
                </div>
                <div class="toolbar">
                    <ReadOnlyNote permissions=&[Permission::GroupsReset, Permission::GroupsDelete] />
                    <When when=move || cluster.can(Permission::GroupsReset)>
                        <button class="button button-primary" disabled=move || group.get().is_none() on:click=move |_| resetting.set(true)>"Reset offsets"</button>
                    </When>
                    <When when=move || cluster.can(Permission::GroupsDelete)>
                        <button class="button button-danger-quiet" on:click=move |_| { set_error.set(None); deleting.set(true); }>"Delete…"</button>
                    </When>
                    <button class="button" on:click=move |_| group.reload()>"Refresh"</button>
                </div>
            </div>
            <LoadError error=group.error retry=group.retry() />
            <div inner_html=move || group.with(|g| g.map(|g| group_body(cluster, g)).unwrap_or_default())></div>
            <When when=move || resetting.get()>
                {move || group.get().map(|g| view! {
                    <ResetOffsetsDialog group=g cluster on_done=move |_| { resetting.set(false); group.reload(); }
                        on_close=move |_| resetting.set(false) />
                })}
            </When>
            <When when=move || deleting.get()>
                <ConfirmDialog title="Delete consumer group" confirm_label="Delete group" busy error
                    on_confirm=delete.clone() on_close=move |_| deleting.set(false)>
                    <p>"This deletes " <code>{id.get_untracked()}</code> " and its committed offsets. A consumer that joins it again starts from its "
                        <code>"auto.offset.reset"</code> " position. Kafka refuses while the group has members."</p>
                </ConfirmDialog>
            </When>
        </section>
    }
}

/// Everything about the group that is only shown: numbers, lag per
/// partition (table and chart) and members.
fn group_body(cluster: Current, group: &GroupDetail) -> String {
    // Per topic, in partition order.
    let mut by_topic: BTreeMap<&str, Vec<&PartitionLag>> = BTreeMap::new();
    for lag in &group.offsets {
        let lags = by_topic.entry(&lag.topic).or_default();
        let at = lags.partition_point(|l| l.partition < lag.partition);
        lags.insert(at, lag);
    }
    let mut h = Html::new();
    let stat = |h: &mut Html, label: &str, value: &str, id: &str| {
        h.raw("<div class=\"stat\"><div class=\"stat-label\">")
            .text(label)
            .raw("</div><div class=\"stat-value\" data-testid=\"")
            .raw(id)
            .raw("\">")
            .text(value)
            .raw("</div></div>");
    };
    h.raw("<div class=\"stats\">");
    stat(
        &mut h,
        "Total lag",
        &format::int(group.total_lag),
        "group-total-lag",
    );
    stat(
        &mut h,
        "Members",
        &group.members.len().to_string(),
        "group-members",
    );
    stat(&mut h, "Topics", &by_topic.len().to_string(), "group-topics");
    stat(
        &mut h,
        "Partitions",
        &group.offsets.len().to_string(),
        "group-partitions",
    );
    h.raw("</div><h2 class=\"section-title\">Lag by partition</h2>");
    if by_topic.is_empty() {
        h.raw("<div class=\"card empty-state\"><p class=\"muted\">This group has no committed offsets.</p></div>");
    }
    for (topic, lags) in by_topic {
        let total: u64 = lags.iter().map(|l| l.lag).sum();
        h.raw("<div class=\"card\" data-testid=\"group-topic\"><div class=\"card-head\"><h3>")
            .link(&cluster.page(&format!("/topics/{}", seg(topic))), "mono", topic)
            .raw("</h3><span class=\"muted\">lag ")
            .text(&format::int(total))
            .raw("</span></div>");
        lag_chart(&mut h, topic, &lags);
        h.raw("<table class=\"table table-plain\" data-testid=\"lag-table\"><thead><tr><th scope=\"col\" class=\"num\">Partition</th>\
            <th scope=\"col\" class=\"num\">Committed offset</th><th scope=\"col\" class=\"num\">End offset</th>\
            <th scope=\"col\" class=\"num\">Lag</th></tr></thead><tbody>");
        for l in lags {
            h.row("lag-row")
                .cell("num mono strong", &l.partition.to_string())
                .cell(
                    "num mono",
                    &if l.committed_offset < 0 {
                        "—".to_owned()
                    } else {
                        format::int(l.committed_offset)
                    },
                )
                .cell("num mono", &format::int(l.end_offset))
                .cell(
                    if l.lag > 0 {
                        "num mono text-warn"
                    } else {
                        "num mono"
                    },
                    &format::int(l.lag),
                )
                .end_row();
        }
        h.raw("</tbody></table></div>");
    }
    h.raw("<h2 class=\"section-title\">Members</h2><div class=\"table-wrap\"><table class=\"table\" data-testid=\"members-table\">\
        <thead><tr><th scope=\"col\">Member</th><th scope=\"col\">Client id</th><th scope=\"col\">Host</th>\
        <th scope=\"col\">Assigned partitions</th></tr></thead><tbody>");
    if group.members.is_empty() {
        h.empty(4, "No active members: the group is not consuming right now.");
    }
    for m in &group.members {
        let assigned: Vec<String> = m
            .assignment
            .iter()
            .map(|a| {
                format!(
                    "{}: {}",
                    a.topic,
                    a.partitions
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        h.row("member-row")
            .cell("mono small", &m.member_id)
            .cell("mono", &m.client_id)
            .cell("mono", &m.host)
            .cell("mono small", &assigned.join("; "))
            .end_row();
    }
    h.raw("</tbody></table></div>");
    h.finish()
}

/// Lag per partition as bars (SVG, scaled to the largest lag of the topic;
/// whole-number coordinates keep float formatting out of the download).
fn lag_chart(h: &mut Html, topic: &str, lags: &[&PartitionLag]) {
    const HEIGHT: u64 = 140;
    const BOTTOM: u64 = 20;
    const PLOT: u64 = 102;
    const SLOT: u64 = 44;
    const BAR: u64 = 26;
    let width = (lags.len() as u64 * SLOT).max(240);
    let most = lags.iter().map(|l| l.lag).max().unwrap_or(0).max(1);
    let base = HEIGHT - BOTTOM;
    h.raw(&format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {HEIGHT}\" role=\"img\" data-testid=\"lag-chart\" \
         width=\"{width}\" height=\"{HEIGHT}\" aria-label=\""
    ))
    .text(&format!("Lag per partition of {topic}"))
    .raw(&format!(
        "\"><line class=\"chart-axis\" x1=\"0\" x2=\"{width}\" y1=\"{base}\" y2=\"{base}\"/>"
    ));
    for (i, l) in lags.iter().enumerate() {
        let bar = (l.lag * PLOT / most).max(u64::from(l.lag > 0) * 2);
        let x = i as u64 * SLOT + (SLOT - BAR) / 2;
        let middle = x + BAR / 2;
        h.raw(&format!(
            "<g class=\"chart-bar\"><title>Partition {}: lag {}</title>\
             <rect x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{bar}\" rx=\"2\"/>\
             <text class=\"chart-value\" x=\"{middle}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text class=\"chart-label\" x=\"{middle}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            l.partition,
            format::int(l.lag),
            base - bar,
            base - bar - 4,
            compact(l.lag),
            HEIGHT - 5,
            l.partition
        ));
    }
    h.raw("</svg>");
}

/// `1234` → `1.2k`, for labels that must stay short.
fn compact(n: u64) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..1_000_000 => format!("{}.{}k", n / 1000, n % 1000 / 100),
        _ => format!("{}.{}M", n / 1_000_000, n % 1_000_000 / 100_000),
    }
}
