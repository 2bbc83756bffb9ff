//! "Copy messages": copy the records the page's range and filters select to
//! another topic, or redrive a dead-letter topic (each record to the topic
//! its header names). A run is a loop of steps, each one call that passes
//! the previous step's cursor; the run id, made here, lets the API answer a
//! repeated step from its record instead of writing twice, so a failed step
//! is retried once as it was.

use std::collections::BTreeMap;

use configurator_api::{
    CONNECT_DLQ_HEADER, CopyKeep, CopyRequest, CopySource, CopyStep, CopyTarget, SPRING_DLQ_HEADER,
    SkipReason,
};
use leptos::{prelude::*, task::spawn_local};

use super::{messages::Scan, topic_detail::use_topic};
use crate::{
    api::{self, ApiError},
    components::{Dialog, DialogError, When},
    format,
};

/// What a run wrote (or would write) so far, summed over its steps.
#[derive(Clone, Debug, Default, PartialEq)]
struct Totals {
    written: BTreeMap<String, u64>,
    skipped: BTreeMap<SkipReason, (u64, Vec<String>)>,
    filter_errors: u64,
    range_done: u64,
    range_records: u64,
    /// Stopped by "Cancel" before the run's end.
    cancelled: bool,
}

impl Totals {
    fn add(&mut self, step: &CopyStep) {
        // Zero counts say nothing ("0 records skipped …" would alarm).
        for t in step.targets.iter().filter(|t| t.records > 0) {
            *self.written.entry(t.topic.clone()).or_default() += t.records;
        }
        for s in step.skipped.iter().filter(|s| s.records > 0) {
            let (n, topics) = self.skipped.entry(s.reason).or_default();
            *n += s.records;
            for t in &s.topics {
                if !topics.contains(t) {
                    topics.push(t.clone());
                }
            }
        }
        self.filter_errors += step.filter_errors;
        self.range_done = step.range_done;
        self.range_records = step.range_records;
    }

    fn total(&self) -> u64 {
        self.written.values().sum()
    }
}

fn records(n: u64) -> String {
    format!("{} record{}", format::int(n), if n == 1 { "" } else { "s" })
}

/// 8–64 of `A-Z a-z 0-9 - _`, as the contract asks: 32 random hex digits.
fn new_run_id() -> String {
    let mut bytes = [0u8; 16];
    let random = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !random {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Is this failure worth one more try of the same step? Not when the API
/// refused the request as such (it would refuse it again).
fn retriable(e: &ApiError) -> bool {
    let status = e.status();
    status == 0 || status >= 500 || status == 408 || status == 429
}

/// Runs the steps of `request` until the cursor runs out or `cancelled`
/// says stop; `on_step` sees the totals after each step.
async fn run(
    path: String,
    mut request: CopyRequest,
    on_step: impl Fn(&Totals),
    cancelled: impl Fn() -> bool,
) -> (Totals, Option<ApiError>) {
    let mut totals = Totals::default();
    loop {
        let step = match api::post::<_, CopyStep>(&path, &request).await {
            Ok(step) => step,
            Err(e) if retriable(&e) => match api::post::<_, CopyStep>(&path, &request).await {
                Ok(step) => step,
                Err(e) => return (totals, Some(e)),
            },
            Err(e) => return (totals, Some(e)),
        };
        totals.add(&step);
        on_step(&totals);
        match step.cursor {
            Some(_) if cancelled() => {
                totals.cancelled = true;
                return (totals, None);
            }
            Some(cursor) => request.cursor = Some(cursor),
            None => return (totals, None),
        }
    }
}

/// The summary of a dry run or a run: per target topic, skipped by reason.
#[component]
fn Summary(totals: Totals, dry_run: bool) -> impl IntoView {
    let headline = if dry_run {
        format!("Would write {}.", records(totals.total()))
    } else if totals.cancelled {
        format!("Cancelled: wrote {} before stopping.", records(totals.total()))
    } else {
        format!("Wrote {}.", records(totals.total()))
    };
    view! {
        <p><strong>{headline}</strong></p>
        <ul class="plain-list">
            {totals.written.iter().map(|(topic, n)| view! {
                <li>{format!("{} to ", records(*n))}<code>{topic.clone()}</code></li>
            }).collect_view()}
            {totals.skipped.iter().map(|(reason, (n, topics))| {
                let named = if topics.is_empty() { String::new() } else { format!(": {}", topics.join(", ")) };
                view! { <li>{format!("{} skipped {}{named}.", records(*n), reason.describe())}</li> }
            }).collect_view()}
            {(totals.filter_errors > 0).then(|| view! {
                <li>{format!("{} could not be evaluated by the filter (counted as not matching).", records(totals.filter_errors))}</li>
            })}
        </ul>
    }
}

#[component]
pub(super) fn CopyMessagesDialog(scan: Scan, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let topic = use_topic();
    let described = describe_source(&scan);
    let scan = StoredValue::new(scan);
    let redrive = RwSignal::new(false);
    let target_topic = RwSignal::new(String::new());
    let header = RwSignal::new(SPRING_DLQ_HEADER.to_owned());
    let keep = CopyKeep::default();
    let (keys, headers, timestamps) = (
        RwSignal::new(keep.keys),
        RwSignal::new(keep.headers),
        RwSignal::new(keep.timestamps),
    );
    let busy = RwSignal::new(false);
    let running = RwSignal::new(false);
    let dry = RwSignal::new(None::<Totals>);
    let progress = RwSignal::new(None::<Totals>);
    let result = RwSignal::new(None::<Totals>);
    let error = RwSignal::new(None::<ApiError>);
    let form_error = RwSignal::new(None::<String>);
    // Read by the loop between steps; gone (so: stop) once the dialog closes.
    let cancel = StoredValue::new(false);

    // Enter in a field does not start a run: writing takes a click.
    let start = move |dry_run: bool| {
        let target = if redrive.get_untracked() {
            match header.get_untracked().trim() {
                "" => return form_error.set(Some("Enter the header that names each record's topic.".into())),
                h => CopyTarget::Header(h.to_owned()),
            }
        } else {
            match target_topic.get_untracked().trim() {
                "" => return form_error.set(Some("Enter the topic to copy to.".into())),
                t => CopyTarget::Topic(t.to_owned()),
            }
        };
        form_error.set(None);
        error.set(None);
        result.set(None);
        progress.set(None);
        dry.set(None);
        cancel.set_value(false);
        let request = CopyRequest {
            run_id: new_run_id(),
            target,
            source: scan.with_value(source),
            keep: CopyKeep {
                keys: keys.get_untracked(),
                headers: headers.get_untracked(),
                timestamps: timestamps.get_untracked(),
                ..keep
            },
            dry_run,
            cursor: None,
        };
        let path = topic.api_untracked("/messages/copy");
        busy.set(true);
        running.set(!dry_run);
        spawn_local(async move {
            let on_step = move |t: &Totals| {
                if !dry_run {
                    progress.try_set(Some(t.clone()));
                }
            };
            let cancelled = move || cancel.try_get_value().unwrap_or(true);
            let (totals, failed) = run(path, request, on_step, cancelled).await;
            busy.try_set(false);
            running.try_set(false);
            if dry_run {
                dry.try_set(failed.is_none().then_some(totals));
            } else {
                progress.try_set(None);
                // What was written before a failure still counts.
                result.try_set((failed.is_none() || totals.range_done > 0).then_some(totals));
            }
            error.try_set(failed);
        });
    };

    let convention = move |ev: leptos::ev::Event| match event_target_value(&ev).as_str() {
        "spring" => header.set(SPRING_DLQ_HEADER.to_owned()),
        "connect" => header.set(CONNECT_DLQ_HEADER.to_owned()),
        _ => {}
    };
    let check = |label: &'static str, on: RwSignal<bool>| {
        view! {
            <label class="checkbox">
                <input type="checkbox" prop:checked=on on:change=move |ev| on.set(event_target_checked(&ev)) />
                {label}
            </label>
        }
    };

    view! {
        <Dialog title="Copy messages" on_close wide=true>
            <form class="dialog-body" novalidate on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <p>"Copies the records the current range and filters select: " {described} "."</p>
                <fieldset class="fieldset">
                    <legend>"Where to"</legend>
                    <div class="radio-list">
                    <label class="radio">
                        <input type="radio" name="copy-mode" aria-label="To a topic" prop:checked=move || !redrive.get()
                            on:change=move |_| redrive.set(false) />
                        "To a topic"
                    </label>
                    <label class="radio">
                        <input type="radio" name="copy-mode" aria-label="Redrive by header" prop:checked=move || redrive.get()
                            on:change=move |_| redrive.set(true) />
                        "Redrive by header"
                    </label>
                    </div>
                    <When when=move || !redrive.get()>
                        <label class="field">
                            <span class="field-label">"Target topic"</span>
                            <input class="input mono" aria-label="Target topic" autocomplete="off" spellcheck="false"
                                prop:value=target_topic on:input=move |ev| target_topic.set(event_target_value(&ev)) />
                        </label>
                    </When>
                    <When when=move || redrive.get()>
                        <p class="muted">"Each record goes to the topic its header names, as dead-letter queues record it; records without the header are skipped."</p>
                        <div class="form-row">
                            <label class="field">
                                <span class="field-label">"Header name"</span>
                                <input class="input mono" aria-label="Header name" autocomplete="off" spellcheck="false"
                                    prop:value=header on:input=move |ev| header.set(event_target_value(&ev)) />
                            </label>
                            <label class="field">
                                <span class="field-label">"Convention"</span>
                                <select class="select" aria-label="Convention" on:change=convention>
                                    <option value="spring" selected=move || header.get() == SPRING_DLQ_HEADER>{format!("Spring ({SPRING_DLQ_HEADER})")}</option>
                                    <option value="connect" selected=move || header.get() == CONNECT_DLQ_HEADER>{format!("Kafka Connect ({CONNECT_DLQ_HEADER})")}</option>
                                    <option value="other" selected=move || header.with(|h| h != SPRING_DLQ_HEADER && h != CONNECT_DLQ_HEADER)>"Other"</option>
                                </select>
                            </label>
                        </div>
                    </When>
                </fieldset>
                <fieldset class="fieldset">
                    <legend>"Keep"</legend>
                    {check("Keep keys", keys)}
                    {check("Keep headers", headers)}
                    {check("Keep timestamps", timestamps)}
                </fieldset>
                {move || form_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                {move || dry.get().map(|totals| view! {
                    <div class="notice notice-info" data-testid="copy-dry-run"><Summary totals dry_run=true /></div>
                })}
                {move || progress.get().map(|t| {
                    let written = t.total();
                    view! {
                        <div class="copy-progress" data-testid="copy-progress">
                            <progress max=t.range_records.max(1).to_string() value=t.range_done.to_string()></progress>
                            <p>{format!("{} of {} records read · {} written", format::int(t.range_done), format::int(t.range_records), format::int(written))}</p>
                        </div>
                    }
                })}
                {move || running.get().then(|| view! { <p class="muted" aria-live="polite">"Copying…"</p> })}
                {move || result.get().map(|totals| view! {
                    <div class="notice notice-success" data-testid="copy-result"><Summary totals dry_run=false /></div>
                })}
                <DialogError error />
                <footer class="dialog-footer">
                    <When when=move || running.get() fallback=move || view! {
                        <button type="button" class="button" on:click=move |_| on_close.run(())>"Close"</button>
                        <button type="button" class="button" disabled=move || busy.get() on:click=move |_| start(true)>
                            {move || if busy.get() { "Counting…" } else { "Dry run" }}
                        </button>
                        <button type="button" class="button button-primary" disabled=move || busy.get() on:click=move |_| start(false)>
                            {move || if redrive.get() { "Redrive" } else { "Copy" }}
                        </button>
                    }>
                        <button type="button" class="button" on:click=move |_| cancel.set_value(true)>"Cancel"</button>
                    </When>
                </footer>
            </form>
        </Dialog>
    }
}

/// Where a copy or export of the page's range starts. Both read forwards,
/// so a page showing the newest records (`latest`) is read from the oldest:
/// the whole topic up to now, as a dead-letter redrive wants.
pub(super) fn range_start(scan: &Scan) -> String {
    if scan.from == "latest" || scan.from.is_empty() {
        "earliest".to_owned()
    } else {
        scan.from.clone()
    }
}

/// The page's range and filters as a copy's source (`until`: the
/// partitions' ends now).
fn source(scan: &Scan) -> CopySource {
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    CopySource {
        partition: some(&scan.partition_param()),
        from: some(&range_start(scan)),
        until: None,
        q: some(&scan.q),
        filter: some(&scan.filter),
        records: Vec::new(),
    }
}

/// "all partitions, from the oldest record to the end, containing “x”, where …"
pub(super) fn describe_source(scan: &Scan) -> String {
    let mut text = match scan.partitions.len() {
        0 => "all partitions".to_owned(),
        1 => format!("partition {}", scan.partitions[0]),
        _ => format!("partitions {}", scan.partition_param().replace(',', ", ")),
    };
    let from = range_start(scan);
    text += &match from.split_once(':') {
        Some(("offset", n)) => format!(", from offset {n}"),
        Some(("timestamp", ms)) => ms
            .parse()
            .map(|ms| format!(", from {}", format::date_time(ms)))
            .unwrap_or_default(),
        _ => ", from the oldest record".to_owned(),
    };
    text += " to the end";
    if !scan.q.is_empty() {
        text += &format!(", containing “{}”", scan.q);
    }
    if !scan.filter.is_empty() {
        text += &format!(", where {}", scan.filter);
    }
    text
}

#[cfg(test)]
mod tests {
    use configurator_api::{SkipCount, TopicCount};

    use super::*;

    fn step(written: &[(&str, u64)], missing: u64, cursor: Option<&str>) -> CopyStep {
        CopyStep {
            run_id: "run-1234".into(),
            dry_run: false,
            scanned: 10,
            targets: written
                .iter()
                .map(|(t, n)| TopicCount {
                    topic: (*t).into(),
                    records: *n,
                })
                .collect(),
            skipped: vec![SkipCount {
                reason: SkipReason::MissingHeader,
                records: missing,
                topics: Vec::new(),
            }],
            cursor: cursor.map(Into::into),
            range_records: 20,
            range_done: 10,
            replayed: false,
            filter_errors: 1,
        }
    }

    #[test]
    fn totals_sum_steps_per_topic_and_reason() {
        let mut t = Totals::default();
        t.add(&step(&[("a", 3), ("b", 1)], 2, Some("c")));
        t.add(&step(&[("a", 4)], 1, None));
        assert_eq!(t.total(), 8);
        assert_eq!(t.written["a"], 7);
        assert_eq!(t.skipped[&SkipReason::MissingHeader].0, 3);
        assert_eq!(t.filter_errors, 2);
    }

    #[test]
    fn the_source_says_what_the_page_selects() {
        let scan = Scan {
            partitions: vec![0, 2],
            from: "offset:5".into(),
            limit: 50,
            q: "pay".into(),
            filter: "value.a > 1".into(),
        };
        assert_eq!(
            describe_source(&scan),
            "partitions 0, 2, from offset 5 to the end, containing “pay”, where value.a > 1"
        );
        let newest = Scan {
            from: "latest".into(),
            partitions: Vec::new(),
            ..scan.clone()
        };
        assert!(describe_source(&newest).starts_with("all partitions, from the oldest record to the end"));
        assert_eq!(source(&newest).from.as_deref(), Some("earliest"));
        let source = source(&scan);
        assert_eq!(source.partition.as_deref(), Some("0,2"));
        assert_eq!(source.until, None);
    }
}
