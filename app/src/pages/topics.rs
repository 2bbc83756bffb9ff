//! The topics list: server-side search, sort and paging, all in the URL, so
//! it stays quick with tens of thousands of topics (only one page is ever
//! fetched and drawn).

use std::time::Duration;

use configurator_api::{Permission, TopicList, is_protected_topic};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::seg,
    cluster::{Current, use_cluster},
    components::{
        Html, LOCK, LoadError, Pager, ProgressBar, RawBody, ReadOnlyNote, SearchBox, SortHeader,
        TableSkeleton, When, set_title,
    },
    format,
    load::load,
    query,
    split::{create_topic_dialog, later},
};

/// While typing, at most one search per this interval: the first keystroke
/// searches at once, the last one always gets its own search.
const SEARCH_INTERVAL: Duration = Duration::from_millis(80);

#[derive(Clone, PartialEq)]
struct ListState {
    q: String,
    page: u32,
    per_page: u32,
    sort: String,
    desc: bool,
    internal: bool,
}

impl ListState {
    fn read(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: get("q").unwrap_or_default(),
            page: get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p > 0)
                .unwrap_or(1),
            per_page: get("per_page")
                .and_then(|p| p.parse().ok())
                .filter(|p| (1..=500).contains(p))
                .unwrap_or(50),
            sort: get("sort")
                .filter(|s| matches!(s.as_str(), "partitions" | "messages" | "rate"))
                .unwrap_or_else(|| "name".into()),
            desc: get("order").as_deref() == Some("desc"),
            internal: get("internal").as_deref() == Some("true"),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let when = |cond: bool, v: String| if cond { v } else { String::new() };
        vec![
            ("q", self.q.clone()),
            ("page", when(self.page > 1, self.page.to_string())),
            ("per_page", when(self.per_page != 50, self.per_page.to_string())),
            ("sort", when(self.sort != "name", self.sort.clone())),
            ("order", when(self.desc, "desc".into())),
            ("internal", when(self.internal, "true".into())),
        ]
    }

    fn api(&self, cluster: Current) -> String {
        let mut pairs = self.pairs();
        pairs.retain(|(k, _)| !matches!(*k, "page" | "per_page"));
        pairs.push(("page", self.page.to_string()));
        pairs.push(("per_page", self.per_page.to_string()));
        query::url(&cluster.api("/topics"), &pairs)
    }
}

#[component]
pub fn TopicsPage() -> impl IntoView {
    set_title("Topics");
    let cluster = use_cluster();
    let params = use_query_map();
    let state = Memo::new(move |_| params.with(|p| ListState::read(|k| p.get(k))));
    let topics = load::<TopicList>(move || Some(state.get().api(cluster)));
    let go = query::go();
    let (creating, set_creating) = signal(false);

    let apply = {
        let go = go.clone();
        move |change: &dyn Fn(&mut ListState), replace: bool| {
            let mut next = state.get_untracked();
            change(&mut next);
            go(&query::url(&cluster.page("/topics"), &next.pairs()), replace);
        }
    };

    // The search box: its own text, sent to the URL (and so to the server)
    // no more often than SEARCH_INTERVAL.
    let text = RwSignal::new(state.get_untracked().q);
    let last_sent = StoredValue::new(text.get_untracked());
    let waiting = StoredValue::new(false);
    let changed_meanwhile = StoredValue::new(false);
    let send_search = {
        let apply = apply.clone();
        move || {
            let q = text.get_untracked();
            last_sent.set_value(q.clone());
            apply(
                &|s| {
                    s.q = q.clone();
                    s.page = 1;
                },
                true,
            );
        }
    };
    fn throttle(send: impl Fn() + Clone + 'static, waiting: StoredValue<bool>, changed: StoredValue<bool>) {
        waiting.set_value(true);
        set_timeout(
            move || {
                // The page may be gone by now.
                if waiting.try_set_value(false).is_some() {
                    return;
                }
                if changed.get_value() {
                    changed.set_value(false);
                    send();
                    throttle(send, waiting, changed);
                }
            },
            SEARCH_INTERVAL,
        );
    }
    let on_search = Callback::new({
        let send_search = send_search.clone();
        move |value: String| {
            text.set(value);
            if waiting.get_value() {
                changed_meanwhile.set_value(true);
            } else {
                send_search();
                throttle(send_search.clone(), waiting, changed_meanwhile);
            }
        }
    });
    // Back/forward or a link changed the search: show it in the box.
    Effect::new(move |_| {
        let q = state.with(|s| s.q.clone());
        if q != last_sent.get_value() {
            last_sent.set_value(q.clone());
            text.set(q);
        }
    });

    let on_sort = Callback::new({
        let apply = apply.clone();
        move |key: &'static str| {
            apply(
                &|s| {
                    if s.sort == key {
                        s.desc = !s.desc;
                    } else {
                        s.sort = key.into();
                        s.desc = key != "name";
                    }
                    s.page = 1;
                },
                false,
            )
        }
    });
    let on_page = Callback::new({
        let apply = apply.clone();
        move |page: u32| apply(&|s| s.page = page, false)
    });
    let on_per_page = Callback::new({
        let apply = apply.clone();
        move |n: u32| {
            apply(
                &|s| {
                    s.per_page = n;
                    s.page = 1;
                },
                false,
            )
        }
    });
    let on_internal = {
        let apply = apply.clone();
        move |on: bool| {
            apply(
                &|s| {
                    s.internal = on;
                    s.page = 1;
                },
                false,
            )
        }
    };

    let total = Signal::derive(move || topics.with(|t| t.as_ref().map_or(0, |t| t.total)));
    let sort = Signal::derive(move || state.with(|s| s.sort.clone()));
    let desc = Signal::derive(move || state.with(|s| s.desc));
    let rows = Signal::derive(move || {
        let mut h = Html::new();
        let topic_page = |name: &str| cluster.page(&format!("/topics/{}", seg(name)));
        topics.with(|list| {
            let Some(list) = list else { return };
            if list.topics.is_empty() {
                h.empty(
                    6,
                    if text.get_untracked().is_empty() {
                        "No topics yet."
                    } else {
                        "No topics match the search."
                    },
                );
            }
            for t in &list.topics {
                h.row("topic-row").raw("<td>").link(
                    &topic_page(&t.name),
                    "mono strong",
                    &t.name,
                );
                if t.internal {
                    h.raw(" <span class=\"badge\">internal</span>");
                }
                if is_protected_topic(&t.name) {
                    h.raw(" <span class=\"badge\" title=\"Protected: no one changes, produces to or browses it here\">")
                        .raw(LOCK)
                        .raw("read-only</span>");
                }
                h.raw("</td>")
                    .cell("num", &format::int(t.partitions))
                    .cell("num", &t.replication_factor.to_string())
                    .cell("num", &format::int(t.messages))
                    .raw("<td class=\"num\" data-testid=\"topic-rate\">")
                    .text(&format::rate(t.messages_per_min))
                    .raw("</td><td>")
                    .health(t.under_replicated_partitions)
                    .raw("</td>")
                    .end_row();
            }
        });
        h.finish()
    });
    let count = move || {
        let total = format::int(total.get());
        match (topics.with(|d| d.is_some()), state.with(|s| s.q.is_empty())) {
            (false, _) => "Loading topics…".to_owned(),
            (true, true) => format!("{total} topics"),
            (true, false) => format!("{total} topics match"),
        }
    };

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Topics"</h1>
                    <p class="muted" data-testid="topics-count">{count}</p>
                </div>
                <div class="toolbar">
                    <ReadOnlyNote permissions=&[Permission::TopicsCreate] />
                    <When when=move || cluster.can(Permission::TopicsCreate)>
                        <button class="button button-primary" on:click=move |_| set_creating.set(true)>"Create topic"</button>
                    </When>
                </div>
            </div>
            <div class="filters">
                <SearchBox label="Search topics" placeholder="Search topics by name" test_id="topic-search" value=text on_input=on_search />
                <label class="checkbox">
                    <input
                        type="checkbox"
                        prop:checked=move || state.with(|s| s.internal)
                        on:change=move |ev| on_internal(event_target_checked(&ev))
                    />
                    "Show internal topics"
                </label>
                <button class="button" on:click=move |_| topics.reload()>"Refresh"</button>
            </div>
            <LoadError error=topics.error retry=topics.retry() />
            <div class="table-wrap">
                <ProgressBar active=topics.loading label="Loading topics" />
                <table class="table" data-testid="topics-table" aria-busy=move || topics.loading.get().to_string()>
                    <thead>
                        <tr>
                            <SortHeader label="Name" key="name" sort descending=desc on_sort />
                            <SortHeader label="Partitions" key="partitions" sort descending=desc on_sort numeric=true />
                            <th scope="col" class="num">"Replication"</th>
                            <SortHeader label="Messages" key="messages" sort descending=desc on_sort numeric=true />
                            <SortHeader label="Rate" key="rate" sort descending=desc on_sort numeric=true />
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    {move || if topics.with(|d| d.is_none()) {
                        view! { <TableSkeleton columns=6 rows=8 /> }.into_any()
                    } else {
                        view! { <RawBody html=rows /> }.into_any()
                    }}
                </table>
            </div>
            <Pager total page=Signal::derive(move || state.with(|s| s.page)) per_page=Signal::derive(move || state.with(|s| s.per_page)) on_page on_per_page />
            <When when=move || creating.get()>
                {later(create_topic_dialog(Callback::new(move |_| set_creating.set(false))))}
            </When>
        </section>
    }
}
