//! One topic: its header with the actions on the whole topic, and the tabs
//! (partitions, configs, messages, schema) below it.

use configurator_api::{
    AddPartitions, Permission, PurgeRequest, PurgeResult, TopicDetail, is_protected_topic,
};
use leptos::{prelude::*, task::spawn_local};
use serde::de::IgnoredAny;

use super::{ConfigsTab, MessagesTab, PartitionsTab, SchemaTab, produce::ProduceDialog};
use crate::{
    address,
    api::{self, ApiError, seg},
    cluster::{Current, use_cluster},
    components::{
        ConfirmDialog, Dialog, DialogError, DialogFooter, Field, HealthPill, LOCK, LoadError, NavLink,
        ReadOnlyNote, When, describe, href, set_title, toast,
    },
    format,
    load::{Load, load},
    query,
};

/// What the tabs share: the topic's name, its details, and the purge dialog
/// (opened from the header for all partitions or from a partition's row).
#[derive(Clone, Copy)]
pub struct TopicContext {
    pub cluster: Current,
    pub name: Memo<String>,
    /// Kafka's or Configurator's own topic: read-only for everyone (the API
    /// refuses changes and browsing), so no such action is offered.
    pub protected: Memo<bool>,
    pub detail: Load<TopicDetail>,
    /// `Some(None)`: purge every partition; `Some(Some(p))`: only `p`.
    pub purge: RwSignal<Option<Option<i32>>>,
    /// Counts messages produced from this page, so the messages tab reads again.
    pub produced: RwSignal<u32>,
}

pub fn use_topic() -> TopicContext {
    expect_context::<TopicContext>()
}

impl TopicContext {
    /// `/topics/{topic}` + `rest`, within the cluster (reactive).
    fn within(self, rest: &str) -> String {
        format!("/topics/{}{rest}", seg(&self.name.get()))
    }

    /// The topic's API path + `rest` (reactive), e.g. `api("/schema")`.
    pub fn api(self, rest: &str) -> String {
        self.cluster.api(&self.within(rest))
    }

    /// [`Self::api`] for calls made from handlers and tasks.
    pub fn api_untracked(self, rest: &str) -> String {
        untrack(|| self.api(rest))
    }

    /// The topic's page + `rest` (reactive), e.g. `page("/messages")`.
    pub fn page(self, rest: &str) -> String {
        self.cluster.page(&self.within(rest))
    }
}

#[component]
pub fn TopicPage() -> impl IntoView {
    let address = address::own("topics");
    let name = Memo::new(move |_| address.with(|a| a.name.clone()));
    let cluster = use_cluster();
    let detail = load::<TopicDetail>(move || Some(cluster.api(&format!("/topics/{}", seg(&name.get())))));
    let purge = RwSignal::new(None);
    let produced = RwSignal::new(0);
    let protected = Memo::new(move |_| is_protected_topic(&name.get()));
    let topic = TopicContext {
        cluster,
        name,
        protected,
        detail,
        purge,
        produced,
    };
    provide_context(topic);
    Effect::new(move |_| set_title(&name.get()));

    let (producing, set_producing) = signal(false);
    let (adding, set_adding) = signal(false);
    let (deleting, set_deleting) = signal(false);
    let base = move || href(&topic.page(""));

    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href=move || href(&cluster.page("/topics"))>"Topics"</a>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page" class="mono">{name}</span>
            </nav>
            <div class="page-header">
                <div>
                    <h1 class="mono" data-testid="topic-name">{name}</h1>
                    <p class="facts" data-testid="topic-facts">
                        {move || detail.with(|d| d.as_ref().map(|d| {
                            let under = d.partitions.iter().filter(|p| p.isr.len() < p.replicas.len()).count() as u32;
                            view! {
                                <span>{format!(
                                    "{} partitions · replication factor {} · {} messages",
                                    d.partitions.len(), d.replication_factor, format::int(d.messages)
                                )}</span>
                                {d.internal.then_some(view! { <span class="pill pill-neutral">"internal"</span> })}
                                <HealthPill under />
                                <span data-testid="topic-rate" title="Records written per minute over the last hour">
                                    {match d.messages_per_min {
                                        None => "rate not sampled yet".to_owned(),
                                        rate => format::rate(rate),
                                    }}
                                </span>
                                <span data-testid="topic-last-record" title=d.last_record_ms.map(format::iso)>
                                    {match d.last_record_ms {
                                        Some(ms) => format!("last record {} ({})", format::date_time(ms), format::ago(ms)),
                                        None => "no records".into(),
                                    }}
                                </span>
                                <span data-testid="topic-size">
                                    {match d.size_bytes {
                                        Some(n) => format!("size {}", format::bytes(n)),
                                        None => "size not reported by the broker".into(),
                                    }}
                                </span>
                            }
                        }))}
                    </p>
                </div>
                <When when=move || !protected.get() fallback=|| view! {
                    <p class="read-only-note" data-testid="protected-note">
                        <span class="pill pill-neutral" inner_html=format!("{LOCK}Protected")></span>
                        <span>"Kafka's or Configurator's own topic: no one produces to it, changes, purges, deletes or browses it here."</span>
                    </p>
                }>
                <div class="toolbar">
                    <ReadOnlyNote permissions=&[Permission::MessagesProduce, Permission::TopicsAlter, Permission::TopicsPurge, Permission::TopicsDelete] />
                    <When when=move || cluster.can(Permission::MessagesProduce)>
                        <button class="button button-primary" on:click=move |_| set_producing.set(true)>"Produce message"</button>
                    </When>
                    <When when=move || cluster.can(Permission::TopicsAlter)>
                        <button class="button" on:click=move |_| set_adding.set(true)>"Add partitions"</button>
                    </When>
                    <When when=move || cluster.can(Permission::TopicsPurge)>
                        <button class="button" on:click=move |_| purge.set(Some(None))>"Purge…"</button>
                    </When>
                    <When when=move || cluster.can(Permission::TopicsDelete)>
                        <button class="button button-danger-quiet" on:click=move |_| set_deleting.set(true)>"Delete…"</button>
                    </When>
                </div>
                </When>
            </div>
            <nav class="tabs" aria-label="Topic sections">
                <NavLink href=Signal::derive(base) exact=true>"Partitions"</NavLink>
                <NavLink href=Signal::derive(move || format!("{}/configs", base()))>"Configs"</NavLink>
                <NavLink href=Signal::derive(move || format!("{}/messages", base()))>"Messages"</NavLink>
                <NavLink href=Signal::derive(move || format!("{}/schema", base()))>"Schema"</NavLink>
            </nav>
            <LoadError error=detail.error retry=detail.retry() />
            <When when=move || detail.error.with(Option::is_none)>
                {move || match address.with(|a| a.tab.clone()).as_deref() {
                    Some("configs") => view! { <ConfigsTab /> }.into_any(),
                    Some("messages") => view! { <MessagesTab /> }.into_any(),
                    Some("schema") => view! { <SchemaTab /> }.into_any(),
                    _ => view! { <PartitionsTab /> }.into_any(),
                }}
            </When>
            <When when=move || producing.get()>
                <ProduceDialog on_close=move |_| set_producing.set(false) />
            </When>
            <When when=move || adding.get()>
                <AddPartitionsDialog on_close=move |_| set_adding.set(false) />
            </When>
            <When when=move || purge.get().is_some()>
                <PurgeDialog />
            </When>
            <When when=move || deleting.get()>
                <DeleteTopicDialog on_close=move |_| set_deleting.set(false) />
            </When>
        </section>
    }
}

#[component]
fn AddPartitionsDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let topic = use_topic();
    let current = topic
        .detail
        .with_untracked(|d| d.as_ref().map_or(0, |d| d.partitions.len() as i32));
    let count = RwSignal::new((current + 1).to_string());
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let live = Signal::derive(move || match count.with(|c| c.trim().parse::<i32>()) {
        Ok(n) if n > current => None,
        Ok(_) => Some(format!(
            "More than the current {current}; partitions cannot be removed."
        )),
        Err(_) => Some("Enter the new total number of partitions.".into()),
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(n) = count.get_untracked().trim().parse::<i32>() else {
            return;
        };
        if n <= current {
            return;
        }
        busy.set(true);
        set_error.set(None);
        let path = topic.api_untracked("/partitions");
        spawn_local(async move {
            match api::post::<_, IgnoredAny>(&path, &AddPartitions { count: n }).await {
                Ok(_) => {
                    toast::success(format!("The topic now has {n} partitions."));
                    topic.detail.reload();
                    on_close.run(());
                }
                Err(e) => {
                    busy.try_set(false);
                    set_error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <Dialog title="Add partitions" on_close>
            <form class="dialog-body" on:submit=submit novalidate>
                <p>"The topic has " <strong>{current}</strong> " partitions. Messages with the same key may go to a different partition afterwards, so per-key ordering is only kept for new messages."</p>
                <Field label="New number of partitions" id="partition-count" error=live>
                    <input id="partition-count" class="input" type="number" min=current + 1 autofocus
                        aria-describedby=describe("partition-count") prop:value=count
                        on:input=move |ev| count.set(event_target_value(&ev)) />
                </Field>
                <DialogError error />
                <DialogFooter on_cancel=on_close label="Add partitions" busy_label="Adding…" busy />
            </form>
        </Dialog>
    }
}

#[component]
fn PurgeDialog() -> impl IntoView {
    let topic = use_topic();
    let which = topic.purge.get_untracked().flatten();
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let doomed: u64 = topic.detail.with_untracked(|d| {
        d.iter()
            .flat_map(|d| &d.partitions)
            .filter(|p| which.is_none_or(|w| w == p.partition))
            .map(|p| p.messages)
            .sum()
    });
    let close = Callback::new(move |_| topic.purge.set(None));
    let confirm = move |_| {
        busy.set(true);
        set_error.set(None);
        let path = topic.api_untracked("/purge");
        spawn_local(async move {
            let request = PurgeRequest {
                partitions: which.map(|p| vec![p]),
                before_offset: None,
            };
            match api::post::<_, PurgeResult>(&path, &request).await {
                Ok(result) => {
                    toast::success(match which {
                        Some(p) => format!("Partition {p} purged."),
                        None => format!("{} partitions purged.", result.partitions.len()),
                    });
                    topic.detail.reload();
                    topic.purge.set(None);
                }
                Err(e) => {
                    busy.try_set(false);
                    set_error.try_set(Some(e));
                }
            }
        });
    };
    let title = match which {
        Some(p) => format!("Purge partition {p}"),
        None => "Purge all partitions".into(),
    };
    view! {
        <ConfirmDialog title confirm_label="Purge messages" busy error on_confirm=confirm on_close=close>
            <p>
                "This permanently deletes "
                <strong>{format!("{} messages", format::int(doomed))}</strong>
                {match which {
                    Some(p) => format!(" from partition {p} of "),
                    None => " from every partition of ".into(),
                }}
                <code>{topic.name.get_untracked()}</code>
                ". Consumers that have not read them yet will skip them."
            </p>
        </ConfirmDialog>
    }
}

#[component]
fn DeleteTopicDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let topic = use_topic();
    let name = topic.name.get_untracked();
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let go = query::go();
    let confirm = {
        let name = name.clone();
        move |_| {
            busy.set(true);
            set_error.set(None);
            let name = name.clone();
            let go = go.clone();
            let (path, list) = untrack(|| (topic.api(""), topic.cluster.page("/topics")));
            spawn_local(async move {
                match api::delete(&path).await {
                    Ok(()) => {
                        toast::success(format!("Topic {name} deleted."));
                        on_close.run(());
                        go(&list, false);
                    }
                    Err(e) => {
                        busy.try_set(false);
                        set_error.try_set(Some(e));
                    }
                }
            });
        }
    };
    view! {
        <ConfirmDialog title="Delete topic" confirm_label="Delete topic" type_to_confirm=name.clone()
            busy error on_confirm=confirm on_close>
            <p>
                "This deletes " <code>{name.clone()}</code> " and all of its "
                <strong>{topic.detail.with_untracked(|d| d.as_ref().map(|d| format::int(d.messages)))}</strong>
                " messages. It cannot be undone."
            </p>
        </ConfirmDialog>
    }
}
