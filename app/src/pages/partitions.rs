//! The topic's partitions: leader, replicas, in-sync replicas, watermarks.

use leptos::prelude::*;

use super::topic_detail::use_topic;
use crate::{
    components::TableSkeleton,
    format,
    permissions::use_session,
};

#[component]
pub fn PartitionsTab() -> impl IntoView {
    let topic = use_topic();
    let session = use_session();
    let can_purge = move || session.can("topics:purge");
    let list = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");

    view! {
        <div class="table-wrap">
            <table class="table" data-testid="partitions-table">
                <thead>
                    <tr>
                        <th scope="col" class="num">"Partition"</th>
                        <th scope="col" class="num">"Leader"</th>
                        <th scope="col">"Replicas"</th>
                        <th scope="col">"In sync"</th>
                        <th scope="col" class="num">"Low watermark"</th>
                        <th scope="col" class="num">"High watermark"</th>
                        <th scope="col" class="num">"Messages"</th>
                        <th scope="col" class="share-col"><span class="visually-hidden">"Share of messages"</span></th>
                        <Show when=can_purge><th scope="col"><span class="visually-hidden">"Actions"</span></th></Show>
                    </tr>
                </thead>
                {move || match (topic.detail.data.get(), can_purge()) {
                    (None, _) => view! { <TableSkeleton columns=8 rows=4 /> }.into_any(),
                    (Some(detail), can_purge) => {
                        let most = detail.partitions.iter().map(|p| p.messages).max().unwrap_or(0).max(1);
                        view! {
                            <tbody>
                                {detail.partitions.into_iter().map(|p| {
                                    let under = p.isr.len() < p.replicas.len();
                                    let share = p.messages * 100 / most;
                                    view! {
                                        <tr data-testid="partition-row">
                                            <td class="num mono strong">{p.partition}</td>
                                            <td class="num mono">{if p.leader < 0 { "none".to_owned() } else { p.leader.to_string() }}</td>
                                            <td class="mono">{list(&p.replicas)}</td>
                                            <td class="mono">
                                                {list(&p.isr)}
                                                {under.then_some(view! { <span class="pill pill-warn">"under-replicated"</span> })}
                                            </td>
                                            <td class="num mono">{format::int(p.low_watermark)}</td>
                                            <td class="num mono">{format::int(p.high_watermark)}</td>
                                            <td class="num mono">{format::int(p.messages)}</td>
                                            <td class="share-col" aria-hidden="true">
                                                <span class="share"><span style=format!("width:{share}%")></span></span>
                                            </td>
                                            {can_purge.then(|| view! {
                                                <td class="actions">
                                                    <button class="button button-small" disabled=p.messages == 0
                                                        on:click=move |_| topic.purge.set(Some(Some(p.partition)))
                                                        aria-label=format!("Purge partition {}", p.partition)>
                                                        "Purge"
                                                    </button>
                                                </td>
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        }.into_any()
                    }
                }}
            </table>
        </div>
    }
}
