//! The topic's partitions: leader, replicas, in-sync replicas, watermarks.

use configurator_api::Permission;
use leptos::prelude::*;

use super::topic_detail::use_topic;
use crate::{
    components::{Html, RawBody, TableSkeleton, When, clicked},
    format,
};

#[component]
pub fn PartitionsTab() -> impl IntoView {
    let topic = use_topic();
    let can_purge = move || !topic.protected.get() && topic.cluster.can(Permission::TopicsPurge);
    let list = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    let rows = Signal::derive(move || {
        let purge = can_purge();
        let mut h = Html::new();
        topic.detail.with(|d| {
            let Some(d) = d else { return };
            let most = d.partitions.iter().map(|p| p.messages).max().unwrap_or(0).max(1);
            for p in &d.partitions {
                h.row("partition-row")
                    .cell("num mono strong", &p.partition.to_string())
                    .cell("num mono", &if p.leader < 0 { "none".to_owned() } else { p.leader.to_string() })
                    .cell("mono", &list(&p.replicas))
                    .raw("<td class=\"mono\">")
                    .text(&list(&p.isr));
                if p.isr.len() < p.replicas.len() {
                    h.raw(" ").pill("warn", "under-replicated");
                }
                h.raw("</td>")
                    .cell("num mono", &format::int(p.low_watermark))
                    .cell("num mono", &format::int(p.high_watermark))
                    .cell("num mono", &format::int(p.messages))
                    .raw("<td class=\"mono small\" data-testid=\"partition-last-record\"");
                if let Some(ms) = p.last_record_ms {
                    h.raw(" title=\"").text(&format::ago(ms)).raw("\"");
                }
                h.raw(">")
                    .text(&p.last_record_ms.map(format::date_time).unwrap_or_else(|| "—".into()))
                    .raw("</td>")
                    // A bar, without a style attribute (the CSP allows none).
                    .raw("<td class=\"share-col\" aria-hidden=\"true\"><progress class=\"share\" max=\"100\" value=\"")
                    .raw(&(p.messages * 100 / most).to_string())
                    .raw("\"></progress></td>");
                if purge {
                    let n = p.partition.to_string();
                    h.raw("<td class=\"actions\"><button type=\"button\" class=\"button button-small\" data-purge=\"")
                        .raw(&n)
                        .raw("\" aria-label=\"Purge partition ")
                        .raw(&n)
                        .raw(if p.messages == 0 { "\" disabled>Purge</button></td>" } else { "\">Purge</button></td>" });
                }
                h.end_row();
            }
        });
        h.finish()
    });

    view! {
        <div class="table-wrap">
            <table class="table" data-testid="partitions-table"
                on:click=move |ev| if let Some(p) = clicked(&ev, "data-purge").and_then(|p| p.parse().ok()) {
                    topic.purge.set(Some(Some(p)));
                }>
                <thead>
                    <tr>
                        <th scope="col" class="num">"Partition"</th>
                        <th scope="col" class="num">"Leader"</th>
                        <th scope="col">"Replicas"</th>
                        <th scope="col">"In sync"</th>
                        <th scope="col" class="num">"Low watermark"</th>
                        <th scope="col" class="num">"High watermark"</th>
                        <th scope="col" class="num">"Messages"</th>
                        <th scope="col">"Last record"</th>
                        <th scope="col" class="share-col"><span class="visually-hidden">"Share of messages"</span></th>
                        <When when=can_purge><th scope="col"><span class="visually-hidden">"Actions"</span></th></When>
                    </tr>
                </thead>
                {move || if topic.detail.with(|d| d.is_none()) {
                    view! { <TableSkeleton columns=9 rows=4 /> }.into_any()
                } else {
                    view! { <RawBody html=rows /> }.into_any()
                }}
            </table>
        </div>
    }
}
