//! The topics list.

use configurator_api::{TopicList, TopicSummary};
use leptos::prelude::*;

use crate::{
    api,
    components::{ErrorPanel, TableSkeleton},
};

#[component]
pub fn TopicsPage() -> impl IntoView {
    let topics = LocalResource::new(|| api::get::<TopicList>("/api/v1/topics"));
    let (show_internal, set_show_internal) = signal(false);

    let visible = move |list: &TopicList| -> Vec<TopicSummary> {
        list.topics
            .iter()
            .filter(|t| show_internal.get() || !t.internal)
            .cloned()
            .collect()
    };

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Topics"</h1>
                    <p class="muted">
                        {move || match topics.get() {
                            Some(Ok(list)) => format!("{} topics in the cluster", list.topics.iter().filter(|t| !t.internal).count()),
                            _ => "Topics in the cluster".to_owned(),
                        }}
                    </p>
                </div>
                <div class="toolbar">
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            prop:checked=move || show_internal.get()
                            on:change=move |ev| set_show_internal.set(event_target_checked(&ev))
                        />
                        "Show internal topics"
                    </label>
                    <button class="button" on:click=move |_| topics.refetch()>"Refresh"</button>
                </div>
            </div>
            {move || match topics.get() {
                Some(Err(error)) => view! { <ErrorPanel error /> }.into_any(),
                other => {
                    let rows = other.and_then(Result::ok).map(|list| visible(&list));
                    view! {
                        <table class="table" aria-busy=move || topics.get().is_none().to_string()>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col" class="num">"Partitions"</th>
                                    <th scope="col" class="num">"Replication factor"</th>
                                </tr>
                            </thead>
                            {match rows {
                                None => view! { <TableSkeleton columns=3 rows=6 /> }.into_any(),
                                Some(rows) if rows.is_empty() => view! {
                                    <tbody><tr><td colspan="3" class="empty">"No topics yet."</td></tr></tbody>
                                }.into_any(),
                                Some(rows) => view! {
                                    <tbody>
                                        {rows.into_iter().map(|t| view! {
                                            <tr data-testid="topic-row">
                                                <td class="mono">{t.name.clone()}
                                                    {t.internal.then(|| view! { <span class="badge">"internal"</span> })}
                                                </td>
                                                <td class="num">{t.partitions}</td>
                                                <td class="num">{t.replication_factor}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                }.into_any(),
                            }}
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}
