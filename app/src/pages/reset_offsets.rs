//! The reset-offsets dialog: choose the topics (all of the group's, several,
//! or one and some of its partitions) and where to move them (earliest,
//! latest, a time, an offset, a shift, another group's offsets); see what
//! would change (a dry run on the server); then do exactly that.
//!
//! The settings make one [`ResetOffsets`] ([`Settings::request`], a plain
//! function). The Reset button is offered only while the last preview was
//! of that very request: change anything and it must be previewed again.

use configurator_api::{GroupDetail, GroupList, ResetOffsets, ResetResult, ResetTarget};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, ApiError, seg},
    cluster::Current,
    components::{Dialog, DialogError, Html, RawBody, When, toast},
    format,
    load::load,
};

/// The modes of the `reset-mode` select: value, label, hint.
const MODES: [(&str, &str, &str); 6] = [
    (
        "earliest",
        "The earliest offset",
        "Read everything still in the topics again.",
    ),
    ("latest", "The latest offset", "Skip everything not read yet."),
    (
        "timestamp",
        "A date and time",
        "The first record at or after it; the end where there is none.",
    ),
    (
        "offset",
        "A specific offset",
        "The same offset in every chosen partition.",
    ),
    (
        "shift",
        "Shift by a number of records",
        "Negative goes back, positive skips ahead; kept within each partition.",
    ),
    (
        "group",
        "Another group's offsets",
        "Copy its committed offset on each partition.",
    ),
];

/// What the dialog's inputs say, before checking.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Chosen topics; empty: all of the group's.
    pub topics: Vec<String>,
    /// Chosen partitions of the one chosen topic; empty: all.
    pub partitions: Vec<i32>,
    pub mode: String,
    pub offset: String,
    pub shift: String,
    /// The date and time input, already in Unix ms (`None`: empty or invalid).
    pub when_ms: Option<i64>,
    pub from_group: String,
    /// The group being reset (a copy from itself is refused here).
    pub group: String,
}

impl Settings {
    /// The request these settings make (not a dry run), or what is missing.
    pub fn request(&self) -> Result<ResetOffsets, String> {
        let number = |text: &str| text.trim().parse::<i64>().ok();
        let (to, value, from_group) = match self.mode.as_str() {
            "earliest" => (ResetTarget::Earliest, None, None),
            "latest" => (ResetTarget::Latest, None, None),
            "timestamp" => match self.when_ms {
                Some(ms) => (ResetTarget::Timestamp, Some(ms), None),
                None => return Err("Choose the date and time to move to.".into()),
            },
            "offset" => match number(&self.offset) {
                Some(n) if n >= 0 => (ResetTarget::Offset, Some(n), None),
                _ => return Err("Enter the offset to move to (0 or more).".into()),
            },
            "shift" => match number(&self.shift) {
                Some(n) if n != 0 => (ResetTarget::Shift, Some(n), None),
                _ => {
                    return Err(
                        "Enter how many records to shift by: negative goes back (-100), positive ahead."
                            .into(),
                    );
                }
            },
            "group" => match self.from_group.trim() {
                "" => return Err("Enter the group whose offsets to copy.".into()),
                g if g == self.group => return Err("Choose another group than this one.".into()),
                g => (ResetTarget::Group, None, Some(g.to_owned())),
            },
            other => return Err(format!("Unknown mode {other}.")),
        };
        let one_topic = self.topics.len() == 1;
        Ok(ResetOffsets {
            topics: (!self.topics.is_empty()).then(|| self.topics.clone()),
            partitions: (one_topic && !self.partitions.is_empty()).then(|| self.partitions.clone()),
            to,
            value,
            from_group,
            dry_run: false,
        })
    }
}

/// The member count in a `group_active` message ("… has 2 active members; …").
pub fn members_in(message: &str) -> Option<usize> {
    let (_, rest) = message.split_once(" has ")?;
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// What to say for a 409 `group_active` (`known`: the members the page saw).
pub fn active_message(error: &ApiError, known: usize) -> Option<String> {
    (error.code() == "group_active").then(|| {
        let n = members_in(&error.message()).unwrap_or(known);
        format!(
            "Stop the group's consumers first: it has {n} member{}.",
            if n == 1 { "" } else { "s" }
        )
    })
}

/// An error inside a dialog: the active-group sentence for `group_active`,
/// else the server's message.
#[component]
pub fn GroupDialogError(
    #[prop(into)] error: Signal<Option<ApiError>>,
    known_members: usize,
) -> impl IntoView {
    let plain = Signal::derive(move || error.get().filter(|e| e.code() != "group_active"));
    view! {
        {move || error.with(|e| e.as_ref().and_then(|e| active_message(e, known_members))).map(|text| view! {
            <div class="notice notice-warning" role="alert" data-testid="dialog-error"><p>{text}</p></div>
        })}
        <DialogError error=plain />
    }
}

fn change_rows(result: &ResetResult) -> String {
    let mut h = Html::new();
    let lag = |l: Option<u64>| l.map(format::int).unwrap_or_else(|| "—".into());
    for p in &result.partitions {
        let change = p.before.map(|b| p.after - b);
        h.raw("<tr data-testid=\"reset-preview-row\" data-topic=\"")
            .text(&p.topic)
            .raw("\" data-partition=\"")
            .raw(&p.partition.to_string())
            .raw("\" data-after=\"")
            .raw(&p.after.to_string())
            .raw("\">")
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
            .cell(
                "num mono",
                &format!("{} → {}", lag(p.lag_before), format::int(p.lag_after)),
            )
            .end_row();
    }
    h.finish()
}

/// The table of a dry run or of a reset done, and the partitions left alone.
fn changes_table(result: &ResetResult, test_id: &'static str) -> impl IntoView + use<> {
    let skipped = result.skipped.clone();
    view! {
        <div class="table-wrap">
            <table class="table table-plain" data-testid=test_id>
                <thead><tr>
                    <th scope="col">"Topic"</th>
                    <th scope="col" class="num">"Partition"</th>
                    <th scope="col" class="num">"Committed before"</th>
                    <th scope="col" class="num">"After"</th>
                    <th scope="col" class="num">"Change"</th>
                    <th scope="col" class="num">"Lag before → after"</th>
                </tr></thead>
                <RawBody html=change_rows(result) />
            </table>
        </div>
        {(!skipped.is_empty()).then(|| view! {
            <div class="notice" data-testid="reset-skipped">
                <strong>{format!("{} partition{} left as they are", skipped.len(), if skipped.len() == 1 { "" } else { "s" })}</strong>
                <ul>{skipped.into_iter().map(|s| view! {
                    <li><span class="mono">{format!("{} #{}", s.topic, s.partition)}</span>": "{s.reason}</li>
                }).collect_view()}</ul>
            </div>
        })}
    }
}

#[component]
pub fn ResetOffsetsDialog(
    group: GroupDetail,
    /// The group's cluster.
    cluster: Current,
    /// After a reset was applied (the page reads the group again).
    #[prop(into)]
    on_done: Callback<()>,
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
    let has_members = active > 0;

    let chosen_topics = RwSignal::new(Vec::<String>::new());
    let chosen = RwSignal::new(Vec::<i32>::new());
    let mode = RwSignal::new("earliest".to_owned());
    let offset = RwSignal::new(String::new());
    let shift = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let from_group = RwSignal::new(String::new());
    let previewed = RwSignal::new(None::<(ResetOffsets, ResetResult)>);
    let applied = RwSignal::new(None::<ResetResult>);
    let busy = RwSignal::new(false);
    let (error, set_error) = signal(None::<ApiError>);

    let current = Memo::new({
        let group_id = group_id.clone();
        move |_| {
            Settings {
                topics: chosen_topics.get(),
                partitions: chosen.get(),
                mode: mode.get(),
                offset: offset.get(),
                shift: shift.get(),
                when_ms: when.with(|w| format::parse_local_date_time(w)),
                from_group: from_group.get(),
                group: group_id.clone(),
            }
            .request()
        }
    });
    // The preview on screen is of exactly the current settings.
    let fresh = Memo::new(move |_| {
        previewed.with(|p| {
            p.as_ref()
                .is_some_and(|(r, _)| current.with(|c| c.as_ref() == Ok(r)))
        })
    });
    // Other groups, offered to copy from (read only when that mode is chosen).
    let groups = load::<GroupList>(move || (mode.get() == "group").then(|| cluster.api("/consumer-groups")));

    let one_topic = move || chosen_topics.with(|t| (t.len() == 1).then(|| t[0].clone()));
    let partitions_of_topic = move || {
        let Some(t) = one_topic() else { return Vec::new() };
        let mut ps = Vec::new();
        offsets.with_value(|o| {
            o.iter()
                .filter(|o| o.topic == t)
                .for_each(|o| format::insert_sorted(&mut ps, o.partition))
        });
        ps
    };

    let send = {
        let group_id = group_id.clone();
        move |dry_run: bool| {
            let Ok(mut body) = current.get_untracked() else {
                return;
            };
            let settings = body.clone();
            body.dry_run = dry_run;
            busy.set(true);
            set_error.set(None);
            let path = cluster.api_untracked(&format!("/consumer-groups/{}/reset-offsets", seg(&group_id)));
            let group_id = group_id.clone();
            spawn_local(async move {
                match api::post::<_, ResetResult>(&path, &body).await {
                    Ok(result) if dry_run => {
                        applied.try_set(None);
                        previewed.try_set(Some((settings, result)));
                    }
                    Ok(result) => {
                        toast::success(format!(
                            "Offsets of {group_id} moved on {} partition{}.",
                            result.partitions.len(),
                            if result.partitions.len() == 1 { "" } else { "s" }
                        ));
                        previewed.try_set(None);
                        applied.try_set(Some(result));
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
    let zone = move || {
        let at = format::parse_local_date_time(&when.get()).unwrap_or_else(|| js_sys::Date::now() as i64);
        let value = format::parse_local_date_time(&when.get())
            .map(|ms| format!(" = {} ({ms} ms)", format::iso(ms)))
            .unwrap_or_default();
        format!("In your browser's time zone, {}{value}.", format::time_zone(at))
    };
    let own_id = StoredValue::new(group_id.clone());
    let topic_count = group
        .offsets
        .iter()
        .map(|o| &o.topic)
        .collect::<std::collections::BTreeSet<_>>()
        .len();

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
                <fieldset class="fieldset">
                    <legend>"Topics"</legend>
                    <label class="checkbox">
                        <input type="checkbox" data-testid="reset-topics-all" prop:checked=move || chosen_topics.with(Vec::is_empty)
                            on:change=move |_| { chosen_topics.set(Vec::new()); chosen.set(Vec::new()); } />
                        {format!("All topics the group has committed offsets for ({topic_count})")}
                    </label>
                    <div class="topic-grid">
                        {topics.iter().map(|t| {
                            let (t, id) = (t.clone(), format!("reset-topic-{t}"));
                            let label = t.clone();
                            let mine = t.clone();
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" data-testid=id prop:checked=move || chosen_topics.with(|c| c.contains(&mine))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen_topics.update(|c| {
                                                c.retain(|x| *x != t);
                                                if on && let Err(at) = c.binary_search(&t) { c.insert(at, t.clone()); }
                                            });
                                            chosen.set(Vec::new());
                                        } />
                                    <span class="mono">{label}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <When when=move || one_topic().is_some()>
                    <fieldset class="fieldset">
                        <legend>{move || format!("Partitions of {}", one_topic().unwrap_or_default())}</legend>
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || chosen.with(Vec::is_empty) on:change=move |_| chosen.set(Vec::new()) />
                            "All partitions of the topic"
                        </label>
                        <div class="partition-grid">
                            {move || partitions_of_topic().into_iter().map(|p| view! {
                                <label class="checkbox">
                                    <input type="checkbox" data-testid=format!("reset-partition-{p}") prop:checked=move || chosen.with(|c| c.contains(&p))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| { c.retain(|x| *x != p); if on { format::insert_sorted(c, p); } });
                                        } />
                                    {p}
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                </When>
                <fieldset class="fieldset">
                    <legend>"Move the committed offsets to"</legend>
                    <select class="select" data-testid="reset-mode" aria-label="Move the committed offsets to" autofocus
                        on:change=move |ev| mode.set(event_target_value(&ev))>
                        {MODES.into_iter().map(|(value, label, _)| view! {
                            <option value=value selected=move || mode.get() == value>{label}</option>
                        }).collect_view()}
                    </select>
                    <p class="muted small">{move || MODES.iter().find(|m| m.0 == mode.get()).map(|m| m.2)}</p>
                    <When when=move || mode.get() == "timestamp">
                        <input class="input" type="datetime-local" step="1" aria-label="Date and time" data-testid="reset-value"
                            prop:value=when on:input=move |ev| when.set(event_target_value(&ev)) />
                        <p class="muted small" data-testid="reset-zone">{zone}</p>
                    </When>
                    <When when=move || mode.get() == "offset">
                        <input class="input input-narrow mono" type="number" min="0" aria-label="Offset" data-testid="reset-value"
                            prop:value=offset on:input=move |ev| offset.set(event_target_value(&ev)) />
                    </When>
                    <When when=move || mode.get() == "shift">
                        <input class="input input-narrow mono" type="number" step="1" aria-label="Records to shift by" data-testid="reset-value"
                            placeholder="-100" prop:value=shift on:input=move |ev| shift.set(event_target_value(&ev)) />
                    </When>
                    <When when=move || mode.get() == "group">
                        <input class="input mono" list="reset-groups" aria-label="Group to copy from" data-testid="reset-from-group"
                            autocomplete="off" spellcheck="false" placeholder="Group id"
                            prop:value=from_group on:input=move |ev| from_group.set(event_target_value(&ev)) />
                        <datalist id="reset-groups">
                            {move || groups.with(|g| g.map(|g| g.groups.iter()
                                .filter(|o| own_id.with_value(|own| o.group_id != *own))
                                .map(|o| view! { <option value=o.group_id.clone()></option> })
                                .collect_view()))}
                        </datalist>
                    </When>
                </fieldset>
                {move || current.with(|c| c.as_ref().err().cloned()).map(|e| view! {
                    <p class="field-error" data-testid="reset-invalid">{e}</p>
                })}
                <GroupDialogError error known_members=active />
                {move || previewed.get().map(|(_, result)| {
                    let moved = result.partitions.iter().filter(|p| p.before != Some(p.after)).count();
                    view! {
                        <h3 class="section-title">"Preview"</h3>
                        <When when=move || !fresh.get()>
                            <p class="notice notice-warning" data-testid="reset-stale">"The settings changed since this preview: preview again before resetting."</p>
                        </When>
                        <p>{format!("Dry run: nothing has changed yet. {moved} of {} partitions would move.", result.partitions.len())}</p>
                        {changes_table(&result, "reset-preview")}
                    }
                })}
                {move || applied.get().map(|result| view! {
                    <div data-testid="reset-result">
                        <p class="notice notice-success"><strong>{format!(
                            "Done: the committed offsets moved on {} partition{}.",
                            result.partitions.len(),
                            if result.partitions.len() == 1 { "" } else { "s" }
                        )}</strong></p>
                        {changes_table(&result, "reset-changes")}
                    </div>
                })}
                <footer class="dialog-footer">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>
                        {move || if applied.with(Option::is_some) { "Close" } else { "Cancel" }}
                    </button>
                    <button type="button" class="button" data-testid="reset-preview-button"
                        disabled=move || busy.get() || has_members || current.with(Result::is_err)
                        on:click=move |_| send.with_value(|s| s(true))>
                        {move || if busy.get() { "Working…" } else { "Preview changes" }}
                    </button>
                    <button type="button" class="button button-danger" data-testid="reset-apply"
                        title="Preview these settings first"
                        disabled=move || busy.get() || has_members || !fresh.get()
                        on:click=move |_| send.with_value(|s| s(false))>
                        "Reset offsets"
                    </button>
                </footer>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(mode: &str) -> Settings {
        Settings {
            mode: mode.into(),
            group: "billing".into(),
            ..Settings::default()
        }
    }

    #[test]
    fn all_topics_is_no_list() {
        let r = settings("earliest").request().unwrap();
        assert_eq!(
            (r.topics, r.partitions, r.to, r.value),
            (None, None, ResetTarget::Earliest, None)
        );
    }

    #[test]
    fn partitions_only_with_one_topic() {
        let mut s = settings("latest");
        s.topics = vec!["a".into()];
        s.partitions = vec![0, 2];
        assert_eq!(s.request().unwrap().partitions, Some(vec![0, 2]));
        s.topics.push("b".into());
        let r = s.request().unwrap();
        assert_eq!(r.topics, Some(vec!["a".into(), "b".into()]));
        assert_eq!(r.partitions, None);
    }

    #[test]
    fn values_are_checked() {
        let mut s = settings("shift");
        s.shift = "-100".into();
        assert_eq!(s.request().unwrap().value, Some(-100));
        s.shift = "0".into();
        assert!(s.request().is_err());
        let mut s = settings("offset");
        s.offset = "-1".into();
        assert!(s.request().is_err());
        s.offset = " 42 ".into();
        assert_eq!(s.request().unwrap().value, Some(42));
        let mut s = settings("timestamp");
        assert!(s.request().is_err());
        s.when_ms = Some(1_700_000_000_000);
        assert_eq!(s.request().unwrap().value, Some(1_700_000_000_000));
        let mut s = settings("group");
        assert!(s.request().is_err());
        s.from_group = "billing".into();
        assert!(s.request().is_err());
        s.from_group = " other ".into();
        let r = s.request().unwrap();
        assert_eq!((r.to, r.from_group), (ResetTarget::Group, Some("other".into())));
    }

    #[test]
    fn member_count_from_the_message() {
        assert_eq!(
            members_in("The consumer group g has 2 active members; stop its consumers first."),
            Some(2)
        );
        assert_eq!(members_in("The consumer group g has active members"), None);
    }
}
