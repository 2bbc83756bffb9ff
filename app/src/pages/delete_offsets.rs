//! Forgetting a group's committed offsets on chosen topics (Kafka's
//! OffsetDelete): a consumer of the group then starts those topics from its
//! `auto.offset.reset` position. The API may not support it on a cluster
//! (501 `not_supported_by_broker`) and refuses while the group has members (409): the
//! dialog shows either answer as it is.

use configurator_api::{DeleteOffsets, DeletedOffsets, GroupDetail};
use leptos::{prelude::*, task::spawn_local};

use super::reset_offsets::GroupDialogError;
use crate::{
    api::{self, ApiError, seg},
    cluster::Current,
    components::{Dialog, toast},
};

#[component]
pub fn DeleteOffsetsDialog(
    group: GroupDetail,
    cluster: Current,
    /// After offsets were deleted (the page reads the group again).
    #[prop(into)]
    on_done: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let mut topics: Vec<String> = group.offsets.iter().map(|o| o.topic.clone()).collect();
    topics.sort_unstable();
    topics.dedup();
    let group_id = group.group_id.clone();
    let members = group.members.len();
    let chosen = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<DeletedOffsets>);
    let (error, set_error) = signal(None::<ApiError>);

    let confirm = move |_| {
        let body = DeleteOffsets {
            topics: chosen.get_untracked(),
        };
        busy.set(true);
        set_error.set(None);
        let path = cluster.api_untracked(&format!("/consumer-groups/{}/delete-offsets", seg(&group_id)));
        spawn_local(async move {
            match api::post::<_, DeletedOffsets>(&path, &body).await {
                Ok(result) => {
                    let n: usize = result.partitions.iter().map(|t| t.partitions.len()).sum();
                    toast::success(format!(
                        "Committed offsets deleted on {n} partition{}.",
                        if n == 1 { "" } else { "s" }
                    ));
                    done.try_set(Some(result));
                    on_done.run(());
                }
                Err(e) => {
                    set_error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <Dialog title=format!("Delete committed offsets of {}", group.group_id) on_close>
            <div class="dialog-body">
                <p>"The group forgets where it is on the chosen topics. Its consumers then start them from their "
                    <code>"auto.offset.reset"</code> " position. Kafka refuses while the group has members."</p>
                {topics.is_empty().then(|| view! { <p class="muted">"The group has no committed offsets."</p> })}
                <fieldset class="fieldset">
                    <legend>"Topics"</legend>
                    <div class="topic-grid">
                        {topics.into_iter().map(|t| {
                            let (mine, id, label) = (t.clone(), format!("delete-offsets-topic-{t}"), t.clone());
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" data-testid=id prop:checked=move || chosen.with(|c| c.contains(&mine))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| { c.retain(|x| *x != t); if on { c.push(t.clone()); c.sort_unstable(); } });
                                        } />
                                    <span class="mono">{label}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <GroupDialogError error known_members=members />
                {move || done.get().map(|result| view! {
                    <div class="notice notice-success" data-testid="delete-offsets-result">
                        <strong>"Committed offsets deleted"</strong>
                        <ul>{result.partitions.into_iter().map(|t| view! {
                            <li><span class="mono">{t.topic}</span>": partitions "
                                {t.partitions.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")}</li>
                        }).collect_view()}</ul>
                    </div>
                })}
                <footer class="dialog-footer">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>
                        {move || if done.with(Option::is_some) { "Close" } else { "Cancel" }}
                    </button>
                    <button type="button" class="button button-danger" data-testid="delete-offsets-confirm"
                        disabled=move || busy.get() || chosen.with(Vec::is_empty)
                        on:click=confirm>
                        {move || if busy.get() { "Working…" } else { "Delete offsets" }}
                    </button>
                </footer>
            </div>
        </Dialog>
    }
}
