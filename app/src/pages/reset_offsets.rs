//! The reset-offsets wizard: choose topic, partitions and target; see what
//! would change (a dry run on the server); then do it.

use configurator_api::{GroupDetail, ResetOffsets, ResetResult, ResetTarget};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, ApiError, seg},
    cluster::Current,
    components::{Dialog, DialogError, DialogFooter, Html, RawBody, When, toast},
    format,
};

fn preview_rows(result: &ResetResult) -> String {
    let mut h = Html::new();
    for p in &result.partitions {
        let change = p.before.map(|b| p.after - b);
        h.row("reset-row")
            .cell("mono", &p.topic)
            .cell("num mono", &p.partition.to_string())
            .cell(
                "num mono",
                &p.before.map(format::int).unwrap_or_else(|| "none".into()),
            )
            .cell("num mono strong", &format::int(p.after))
            .cell(
                if change.is_some_and(|c| c != 0) {
                    "num mono text-warn"
                } else {
                    "num mono"
                },
                &match change {
                    Some(0) => "no change".to_owned(),
                    Some(c) if c > 0 => format!("+{}", format::int(c)),
                    Some(c) => format::int(c),
                    None => "new".into(),
                },
            )
            .end_row();
    }
    h.finish()
}

#[component]
pub fn ResetOffsetsDialog(
    group: GroupDetail,
    /// The group's cluster.
    cluster: Current,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let group_id = group.group_id.clone();
    let mut topics: Vec<String> = Vec::new();
    let assigned = group
        .members
        .iter()
        .flat_map(|m| m.assignment.iter().map(|a| &a.topic));
    for topic in group.offsets.iter().map(|o| &o.topic).chain(assigned) {
        if let Err(at) = topics.binary_search(topic) {
            topics.insert(at, topic.clone());
        }
    }
    let offsets = StoredValue::new(group.offsets.clone());
    let active = group.members.len();

    let topic = RwSignal::new(topics.first().cloned().unwrap_or_default());
    let chosen = RwSignal::new(Vec::<i32>::new());
    let target = RwSignal::new("earliest".to_owned());
    let offset = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<ResetResult>);
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);
    let (form_error, set_form_error) = signal(None::<String>);

    let partitions_of_topic = move || {
        let t = topic.get();
        let mut ps = Vec::new();
        offsets.with_value(|o| {
            o.iter()
                .filter(|o| o.topic == t)
                .for_each(|o| format::insert_sorted(&mut ps, o.partition))
        });
        ps
    };
    // Changing the choice invalidates a preview.
    Effect::new(move |_| {
        topic.track();
        chosen.track();
        target.track();
        offset.track();
        when.track();
        preview.set(None);
    });

    let request = move |dry_run: bool| -> Option<ResetOffsets> {
        let (to, value) = match target.get_untracked().as_str() {
            "latest" => (ResetTarget::Latest, None),
            "offset" => match offset.get_untracked().trim().parse::<i64>() {
                Ok(n) if n >= 0 => (ResetTarget::Offset, Some(n)),
                _ => {
                    set_form_error.set(Some("Enter the offset to move to (0 or more).".into()));
                    return None;
                }
            },
            "timestamp" => match format::parse_local_date_time(&when.get_untracked()) {
                Some(ms) => (ResetTarget::Timestamp, Some(ms)),
                None => {
                    set_form_error.set(Some("Choose the date and time to move to.".into()));
                    return None;
                }
            },
            _ => (ResetTarget::Earliest, None),
        };
        set_form_error.set(None);
        let partitions = chosen.get_untracked();
        Some(ResetOffsets {
            topic: topic.get_untracked(),
            partitions: (!partitions.is_empty()).then_some(partitions),
            to,
            value,
            dry_run,
        })
    };
    let send = {
        let group_id = group_id.clone();
        move |dry_run: bool| {
            let Some(body) = request(dry_run) else { return };
            busy.set(true);
            set_error.set(None);
            let path = cluster.api_untracked(&format!("/consumer-groups/{}/reset-offsets", seg(&group_id)));
            let group_id = group_id.clone();
            spawn_local(async move {
                match api::post::<_, ResetResult>(&path, &body).await {
                    Ok(result) if dry_run => {
                        preview.try_set(Some(result));
                    }
                    Ok(result) => {
                        toast::success(format!(
                            "Offsets of {group_id} moved on {} partition{}.",
                            result.partitions.len(),
                            if result.partitions.len() == 1 { "" } else { "s" }
                        ));
                        on_done.run(());
                    }
                    Err(e) => {
                        set_error.try_set(Some(e));
                    }
                }
                busy.try_set(false);
            });
        }
    };
    let send = StoredValue::new(send);

    view! {
        <Dialog title=format!("Reset offsets of {} on {}", group.group_id, cluster.id_untracked()) on_close wide=true>
            <div class="dialog-body">
                {(active > 0).then(|| view! {
                    <div class="notice notice-warning" role="alert" data-testid="group-active">
                        <strong>"The group is active"</strong>
                        <p>{format!(
                            "It has {active} member{} consuming right now. Kafka only moves the offsets of a group without members: stop its consumers, then reset.",
                            if active == 1 { "" } else { "s" }
                        )}</p>
                    </div>
                })}
                <When when=move || preview.with(Option::is_none)>
                    <ol class="steps" aria-label="Steps"><li class="step-current">"Choose"</li><li>"Preview"</li><li>"Reset"</li></ol>
                    <div class="form-row">
                        <label class="field">
                            <span class="field-label">"Topic"</span>
                            <select class="select" autofocus on:change=move |ev| { topic.set(event_target_value(&ev)); chosen.set(Vec::new()); }>
                                {topics.iter().map(|t| view! { <option value=t.clone() selected=topic.get_untracked() == *t>{t.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    <fieldset class="fieldset">
                        <legend>"Partitions"</legend>
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || chosen.with(Vec::is_empty) on:change=move |_| chosen.set(Vec::new()) />
                            "All partitions of the topic"
                        </label>
                        <div class="partition-grid">
                            {move || partitions_of_topic().into_iter().map(|p| view! {
                                <label class="checkbox">
                                    <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&p))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| { c.retain(|x| *x != p); if on { format::insert_sorted(c, p); } });
                                        } />
                                    {p}
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <fieldset class="fieldset">
                        <legend>"Move the committed offsets to"</legend>
                        <div class="radio-list">
                            {[("earliest", "The earliest offset", "Read everything still in the topic again."),
                              ("latest", "The latest offset", "Skip everything not read yet."),
                              ("timestamp", "A date and time", "The first message at or after it."),
                              ("offset", "A specific offset", "The same offset in every chosen partition.")]
                                .into_iter().map(|(id, label, hint)| view! {
                                    <label class="radio">
                                        <input type="radio" name="reset-target" value=id prop:checked=move || target.get() == id
                                            on:change=move |_| target.set(id.into()) />
                                        <span><strong>{label}</strong><span class="muted small">{hint}</span></span>
                                    </label>
                                }).collect_view()}
                        </div>
                        <When when=move || target.get() == "timestamp">
                            <input class="input" type="datetime-local" step="1" aria-label="Date and time"
                                prop:value=when on:input=move |ev| when.set(event_target_value(&ev)) />
                        </When>
                        <When when=move || target.get() == "offset">
                            <input class="input input-narrow mono" type="number" min="0" aria-label="Offset"
                                prop:value=offset on:input=move |ev| offset.set(event_target_value(&ev)) />
                        </When>
                    </fieldset>
                    {move || form_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                    <DialogError error />
                    <DialogFooter on_cancel=on_close label="Preview changes" busy_label="Computing…" busy
                        disabled=Signal::derive(move || active > 0) on_action=move |_| send.with_value(|s| s(true)) />
                </When>
                {move || preview.get().map(|result| {
                    let moved = result.partitions.iter().filter(|p| p.before != Some(p.after)).count();
                    view! {
                        <ol class="steps" aria-label="Steps"><li>"Choose"</li><li class="step-current">"Preview"</li><li>"Reset"</li></ol>
                        <p>{format!("Dry run: nothing has changed yet. {moved} of {} partitions would move.", result.partitions.len())}</p>
                        <table class="table table-plain" data-testid="reset-preview">
                            <thead><tr>
                                <th scope="col">"Topic"</th>
                                <th scope="col" class="num">"Partition"</th>
                                <th scope="col" class="num">"Committed now"</th>
                                <th scope="col" class="num">"After the reset"</th>
                                <th scope="col" class="num">"Change"</th>
                            </tr></thead>
                            <RawBody html=preview_rows(&result) />
                        </table>
                        <DialogError error />
                        <DialogFooter on_cancel=move |_| preview.set(None) cancel_label="Back" label="Reset offsets" busy_label="Resetting…"
                            busy danger=true disabled=Signal::derive(move || active > 0) on_action=move |_| send.with_value(|s| s(false)) />
                    }
                })}
            </div>
        </Dialog>
    }
}
