//! One consumer group: lag per partition (table and chart), members, and the
//! actions on it (reset offsets, delete).

use std::collections::BTreeMap;

use configurator_api::{GroupDetail, PartitionLag};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use super::{groups::state_kind, reset_offsets::ResetOffsetsDialog};
use crate::{
    api::{self, ApiError, seg},
    components::{ConfirmDialog, LoadError, Pill, ReadOnlyNote, Stat, set_title, toast},
    format,
    load::load,
    permissions::use_session,
    query,
};

#[component]
pub fn GroupDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        let raw = params.with(|p| p.get("group").unwrap_or_default());
        js_sys::decode_uri_component(&raw).map(String::from).unwrap_or(raw)
    });
    Effect::new(move |_| set_title(&id.get()));
    let group = load::<GroupDetail>(move || Some(format!("/api/v1/consumer-groups/{}", seg(&id.get()))));
    let session = use_session();
    let resetting = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let go = query::go();

    let delete = move |_| {
        busy.set(true);
        set_error.set(None);
        let go = go.clone();
        spawn_local(async move {
            let group_id = id.get_untracked();
            match api::delete(&format!("/api/v1/consumer-groups/{}", seg(&group_id))).await {
                Ok(()) => {
                    toast::success(format!("Consumer group {group_id} deleted."));
                    deleting.try_set(false);
                    go("/groups", false);
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
                <A href="/groups">"Consumer groups"</A>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page" class="mono">{id}</span>
            </nav>
            <div class="page-header">
                <div>
                    <h1 class="mono" data-testid="group-id">{id}</h1>
                    <p class="facts">{move || group.data.get().map(|g| view! {
                        <Pill kind=state_kind(&g.state)>{g.state.clone()}</Pill>
                        <span>{if g.protocol.is_empty() { g.protocol_type.clone() } else { format!("{} · {}", g.protocol_type, g.protocol) }}</span>
                    })}</p>
                </div>
                <div class="toolbar">
                    <ReadOnlyNote permissions=&["groups:reset", "groups:delete"] />
                    <Show when=move || session.can("groups:reset")>
                        <button class="button button-primary" disabled=move || group.data.get().is_none() on:click=move |_| resetting.set(true)>"Reset offsets"</button>
                    </Show>
                    <Show when=move || session.can("groups:delete")>
                        <button class="button button-danger-quiet" on:click=move |_| { set_error.set(None); deleting.set(true); }>"Delete…"</button>
                    </Show>
                    <button class="button" on:click=move |_| group.reload()>"Refresh"</button>
                </div>
            </div>
            <LoadError error=group.error retry=group.retry() />
            {move || group.data.get().map(|group| view! { <GroupBody group /> })}
            <Show when=move || resetting.get()>
                {move || group.data.get().map(|g| view! {
                    <ResetOffsetsDialog group=g on_done=move |_| { resetting.set(false); group.reload(); }
                        on_close=move |_| resetting.set(false) />
                })}
            </Show>
            <Show when=move || deleting.get()>
                <ConfirmDialog title="Delete consumer group" confirm_label="Delete group" busy error
                    on_confirm=delete.clone() on_close=move |_| deleting.set(false)>
                    <p>"This deletes " <code>{id.get_untracked()}</code> " and its committed offsets. A consumer that joins it again starts from its "
                        <code>"auto.offset.reset"</code> " position. Kafka refuses while the group has members."</p>
                </ConfirmDialog>
            </Show>
        </section>
    }
}

#[component]
fn GroupBody(group: GroupDetail) -> impl IntoView {
    let mut by_topic: BTreeMap<String, Vec<PartitionLag>> = BTreeMap::new();
    for lag in &group.offsets {
        by_topic.entry(lag.topic.clone()).or_default().push(lag.clone());
    }
    let topic_count = by_topic.len();
    let member_count = group.members.len();
    let partition_count = group.offsets.len();
    view! {
        <div class="stats">
            <Stat label="Total lag"><span class:text-warn={group.total_lag > 0} data-testid="group-total-lag">{format::int(group.total_lag)}</span></Stat>
            <Stat label="Members">{member_count}</Stat>
            <Stat label="Topics">{topic_count}</Stat>
            <Stat label="Partitions">{partition_count}</Stat>
        </div>
        <h2 class="section-title">"Lag by partition"</h2>
        {if by_topic.is_empty() {
            view! { <div class="card empty-state"><p class="muted">"This group has no committed offsets."</p></div> }.into_any()
        } else {
            by_topic.into_iter().map(|(topic, mut lags)| {
                lags.sort_unstable_by(|a, b| a.partition.cmp(&b.partition));
                let total: u64 = lags.iter().map(|l| l.lag).sum();
                let link = format!("/topics/{}", seg(&topic));
                let chart = view! { <LagChart topic=topic.clone() lags=lags.clone() /> };
                view! {
                    <div class="card" data-testid="group-topic">
                        <div class="card-head">
                            <h3><A href=link attr:class="mono">{topic}</A></h3>
                            <span class="muted">{format!("lag {}", format::int(total))}</span>
                        </div>
                        {chart}
                        <table class="table table-plain" data-testid="lag-table">
                            <thead><tr>
                                <th scope="col" class="num">"Partition"</th>
                                <th scope="col" class="num">"Committed offset"</th>
                                <th scope="col" class="num">"End offset"</th>
                                <th scope="col" class="num">"Lag"</th>
                            </tr></thead>
                            <tbody>
                                {lags.into_iter().map(|l| view! {
                                    <tr data-testid="lag-row">
                                        <td class="num mono strong">{l.partition}</td>
                                        <td class="num mono">{if l.committed_offset < 0 { "—".to_owned() } else { format::int(l.committed_offset) }}</td>
                                        <td class="num mono">{format::int(l.end_offset)}</td>
                                        <td class="num mono" class:text-warn={l.lag > 0}>{format::int(l.lag)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }).collect_view().into_any()
        }}
        <h2 class="section-title">"Members"</h2>
        <div class="table-wrap">
            <table class="table" data-testid="members-table">
                <thead><tr>
                    <th scope="col">"Member"</th>
                    <th scope="col">"Client id"</th>
                    <th scope="col">"Host"</th>
                    <th scope="col">"Assigned partitions"</th>
                </tr></thead>
                {if group.members.is_empty() {
                    view! { <tbody><tr><td colspan="4" class="empty">"No active members: the group is not consuming right now."</td></tr></tbody> }.into_any()
                } else {
                    view! {
                        <tbody>
                            {group.members.into_iter().map(|m| view! {
                                <tr data-testid="member-row">
                                    <td class="mono small">{m.member_id}</td>
                                    <td class="mono">{m.client_id}</td>
                                    <td class="mono">{m.host}</td>
                                    <td class="mono small">{m.assignment.iter().map(|a| format!("{}: {}", a.topic, a.partitions.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join("; ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    }.into_any()
                }}
            </table>
        </div>
    }
}

/// Lag per partition as bars (SVG, scaled to the largest lag of the topic;
/// whole-number coordinates keep float formatting out of the download).
#[component]
fn LagChart(topic: String, lags: Vec<PartitionLag>) -> impl IntoView {
    const HEIGHT: u64 = 140;
    const TOP: u64 = 18;
    const BOTTOM: u64 = 20;
    const SLOT: u64 = 44;
    const BAR: u64 = 26;
    let width = (lags.len() as u64 * SLOT).max(240);
    let most = lags.iter().map(|l| l.lag).max().unwrap_or(0).max(1);
    let plot = HEIGHT - TOP - BOTTOM;
    let base = HEIGHT - BOTTOM;
    let label = format!("Lag per partition of {topic}");
    view! {
        <svg class="chart" viewBox=format!("0 0 {width} {HEIGHT}") role="img" aria-label=label data-testid="lag-chart"
            preserveAspectRatio="xMinYMid meet" style=format!("max-width:{width}px")>
            <line class="chart-axis" x1="0" x2=width.to_string() y1=base.to_string() y2=base.to_string() />
            {lags.into_iter().enumerate().map(|(i, l)| {
                let h = (l.lag.min(most) * plot / most).max(u64::from(l.lag > 0) * 2);
                let x = i as u64 * SLOT + (SLOT - BAR) / 2;
                let middle = (x + BAR / 2).to_string();
                view! {
                    <g class="chart-bar">
                        <title>{format!("Partition {}: lag {}", l.partition, format::int(l.lag))}</title>
                        <rect x=x.to_string() y=(base - h).to_string() width=BAR.to_string() height=h.to_string() rx="2" />
                        <text class="chart-value" x=middle.clone() y=(base - h - 4).to_string() text-anchor="middle">{compact(l.lag)}</text>
                        <text class="chart-label" x=middle y=(HEIGHT - 5).to_string() text-anchor="middle">{l.partition}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// `1234` → `1.2k`, for labels that must stay short.
fn compact(n: u64) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..1_000_000 => format!("{}.{}k", n / 1000, n % 1000 / 100),
        _ => format!("{}.{}M", n / 1_000_000, n % 1_000_000 / 100_000),
    }
}
