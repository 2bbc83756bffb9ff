//! One consumer group: its health, lag and time lag per partition (table and
//! bars), its lag over time ([`LagChart`]), members, and the actions on it
//! (reset offsets, delete committed offsets, delete the group).

use std::collections::BTreeMap;

use configurator_api::{GroupDetail, PartitionLag, Permission};
use leptos::{prelude::*, task::spawn_local};

use super::{
    delete_offsets::DeleteOffsetsDialog,
    groups::{health_kind, health_word, state_kind},
    lag_chart::LagChart,
    reset_offsets::ResetOffsetsDialog,
};
use crate::{
    address,
    api::{self, ApiError, seg},
    cluster::{Current, use_cluster},
    components::{ConfirmDialog, Html, LoadError, Pill, ReadOnlyNote, When, href, set_title, toast},
    format,
    load::load,
    query,
};

#[component]
pub fn GroupDetailPage() -> impl IntoView {
    let address = address::own("groups");
    let id = Memo::new(move |_| address.with(|a| a.name.clone()));
    Effect::new(move |_| set_title(&id.get()));
    let cluster = use_cluster();
    let group_api = move || cluster.api(&format!("/consumer-groups/{}", seg(&id.get())));
    let group = load::<GroupDetail>(move || Some(group_api()));
    let resetting = RwSignal::new(false);
    let deleting_offsets = RwSignal::new(false);
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
                    <p class="facts">{move || group.get().map(|g| {
                        let (status, reason) = (g.health.status, g.health.reason);
                        let title = reason.clone();
                        view! {
                            <Pill kind=health_kind(status)>
                                <span data-testid="group-health" title=title>{health_word(status)}</span>
                            </Pill>
                            <span data-testid="group-health-reason">{reason}</span>
                        }
                    })}</p>
                </div>
                <div class="toolbar">
                    <ReadOnlyNote permissions=&[Permission::GroupsReset, Permission::GroupsDelete] />
                    <When when=move || cluster.can(Permission::GroupsReset)>
                        <button class="button button-primary" disabled=move || group.get().is_none() on:click=move |_| resetting.set(true)>"Reset offsets"</button>
                    </When>
                    <When when=move || cluster.can(Permission::GroupsDelete)>
                        <button class="button" data-testid="delete-offsets" disabled=move || group.get().is_none()
                            on:click=move |_| deleting_offsets.set(true)>"Delete offsets…"</button>
                        <button class="button button-danger-quiet" on:click=move |_| { set_error.set(None); deleting.set(true); }>"Delete…"</button>
                    </When>
                    <button class="button" on:click=move |_| group.reload()>"Refresh"</button>
                </div>
            </div>
            <LoadError error=group.error retry=group.retry() />
            <div inner_html=move || group.with(|g| g.map(group_stats).unwrap_or_default())></div>
            <LagChart group=id />
            <div inner_html=move || group.with(|g| g.map(|g| group_body(cluster, g)).unwrap_or_default())></div>
            // The dialogs get the group as it was when opened: a reload after
            // a change must not draw them afresh (and lose their result).
            <When when=move || resetting.get()>
                {move || group.with_untracked(|g| g.cloned()).map(|g| view! {
                    <ResetOffsetsDialog group=g cluster on_done=move |_| group.reload()
                        on_close=move |_| resetting.set(false) />
                })}
            </When>
            <When when=move || deleting_offsets.get()>
                {move || group.with_untracked(|g| g.cloned()).map(|g| view! {
                    <DeleteOffsetsDialog group=g cluster on_done=move |_| group.reload()
                        on_close=move |_| deleting_offsets.set(false) />
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

/// A time-lag cell, `data-ms` holding the milliseconds when known.
fn time_lag(h: &mut Html, tag: &str, class: &str, test_id: &str, ms: Option<u64>, lag: u64) {
    h.raw("<").raw(tag).raw(" class=\"").raw(class);
    if lag > 0 {
        h.raw(" text-warn");
    }
    h.raw("\" data-testid=\"").raw(test_id).raw("\"");
    if let Some(ms) = ms {
        h.raw(" data-ms=\"").raw(&ms.to_string()).raw("\"");
    }
    h.raw(">")
        .text(&format::time_lag(ms, lag))
        .raw("</")
        .raw(tag)
        .raw(">");
}

/// The group's numbers at the top of the page.
fn group_stats(group: &GroupDetail) -> String {
    let topics = group
        .offsets
        .iter()
        .map(|o| o.topic.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
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
    h.raw("<div class=\"stat\"><div class=\"stat-label\">Time lag (worst partition)</div>");
    time_lag(
        &mut h,
        "div",
        "stat-value",
        "group-time-lag",
        group.time_lag_ms,
        group.total_lag,
    );
    h.raw("</div>");
    stat(&mut h, "Topics", &topics.to_string(), "group-topics");
    stat(
        &mut h,
        "Partitions",
        &group.offsets.len().to_string(),
        "group-partitions",
    );
    h.raw("</div>");
    h.finish()
}

/// Everything else about the group that is only shown: lag per partition
/// (table and bars) and members.
fn group_body(cluster: Current, group: &GroupDetail) -> String {
    // Per topic, in partition order.
    let mut by_topic: BTreeMap<&str, Vec<&PartitionLag>> = BTreeMap::new();
    for lag in &group.offsets {
        let lags = by_topic.entry(&lag.topic).or_default();
        let at = lags.partition_point(|l| l.partition < lag.partition);
        lags.insert(at, lag);
    }
    let mut h = Html::new();
    h.raw("<h2 class=\"section-title\">Lag by partition</h2>");
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
            <th scope=\"col\" class=\"num\">Lag</th><th scope=\"col\">Next record</th>\
            <th scope=\"col\" class=\"num\">Time lag</th></tr></thead><tbody>");
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
                .cell(
                    "mono small",
                    &l.next_timestamp_ms
                        .map(format::date_time)
                        .unwrap_or_else(|| "—".into()),
                );
            time_lag(
                &mut h,
                "td",
                "num mono",
                "partition-time-lag",
                l.time_lag_ms,
                l.lag,
            );
            h.end_row();
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
        "<svg class=\"chart\" viewBox=\"0 0 {width} {HEIGHT}\" role=\"img\" data-testid=\"partition-lag-chart\" \
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
            format::compact(l.lag),
            HEIGHT - 5,
            l.partition
        ));
    }
    h.raw("</svg>");
}
