//! "Create topic": Kafka's rules checked while typing, the server's verdict
//! shown on the field it names.

use std::collections::BTreeMap;

use configurator_api::{ClusterInfo, CreateTopic};
use leptos::{prelude::*, task::spawn_local};
use serde::de::IgnoredAny;

use super::configs::TOPIC_CONFIGS;
use crate::{
    api::{self, ApiError, seg},
    cluster::{self, use_cluster},
    components::{Dialog, DialogError, DialogFooter, Field, describe, toast},
    format,
    load::load,
    query,
};

/// Kafka's topic name rules, as a sentence about what is wrong.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Enter a name.".into());
    }
    if name.len() > 249 {
        return Some(format!("At most 249 characters; this has {}.", name.len()));
    }
    if name == "." || name == ".." {
        return Some("A topic cannot be called “.” or “..”.".into());
    }
    let mut bad: Vec<char> = name
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .collect();
    bad.dedup();
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().take(5).map(|c| format!("“{c}”")).collect();
        return Some(format!(
            "Only letters, digits, “.”, “_” and “-”; not {}.",
            shown.join(" ")
        ));
    }
    None
}

fn name_hint(name: &str) -> String {
    if name.starts_with("__") {
        "Names starting with “__” are kept for internal topics.".into()
    } else if name.contains('.') && name.contains('_') {
        "Mixing “.” and “_” can make two topics collide in Kafka's metric names.".into()
    } else {
        "Letters, digits, “.”, “_” and “-”; at most 249 characters.".into()
    }
}

fn count_problem(value: &str, what: &str, max: i64) -> Option<String> {
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => None,
        Ok(_) => Some(format!("{what} must be between 1 and {}.", format::int(max))),
        Err(_) => Some(format!("Enter the number of {}.", what.to_ascii_lowercase())),
    }
}

fn retention_problem(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(n) if n >= -1 => None,
        _ => Some("Milliseconds as a whole number, or -1 to keep messages forever.".into()),
    }
}

#[component]
pub fn CreateTopicDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    // The cluster it is created on stays the one the dialog was opened on.
    let on = use_cluster().id_untracked();
    let cluster = {
        let on = on.clone();
        load::<ClusterInfo>(move || Some(cluster::api_path(&on, "")))
    };
    let brokers = move || cluster.get().map(|c| c.brokers.len() as i64);
    let title = format!("Create topic on {on}");

    let name = RwSignal::new(String::new());
    let partitions = RwSignal::new("3".to_owned());
    let replication = RwSignal::new("1".to_owned());
    let cleanup = RwSignal::new(String::new());
    let retention = RwSignal::new(String::new());
    let others = RwSignal::new(Vec::<(u32, RwSignal<String>, RwSignal<String>)>::new());
    let next_row = StoredValue::new(0u32);
    let attempted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let (server_error, set_server_error) = signal(None::<ApiError>);
    let go = query::go();

    // The server's error, when it names this field.
    let server_on = move |field: &'static str| {
        server_error.with(|e| {
            e.as_ref()
                .filter(|e| e.field() == Some(field))
                .map(ApiError::message)
        })
    };
    let name_error = Signal::derive(move || {
        let live = name
            .with(|n| name_problem(n))
            .filter(|_| attempted.get() || !name.with(String::is_empty));
        live.or_else(|| server_on("name"))
    });
    let partitions_error = Signal::derive(move || {
        partitions
            .with(|p| count_problem(p, "Partitions", 10_000))
            .or_else(|| server_on("partitions"))
    });
    let replication_error = Signal::derive(move || {
        let max = brokers().unwrap_or(32);
        let live = replication
            .with(|r| count_problem(r, "Replication factor", max))
            .map(|e| match brokers() {
                Some(n) if replication.with(|r| r.trim().parse::<i64>().is_ok_and(|r| r > n)) => {
                    format!(
                        "This cluster has {n} broker{}, so at most {n} replica{}.",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "" } else { "s" }
                    )
                }
                _ => e,
            });
        live.or_else(|| server_on("replication_factor"))
    });
    let retention_error = Signal::derive(move || {
        retention
            .with(|r| retention_problem(r))
            .or_else(|| server_on("configs.retention.ms"))
    });
    let cleanup_error = Signal::derive(move || server_on("configs.cleanup.policy"));
    // A server error no field shows goes above the buttons.
    let general_error = Signal::derive(move || {
        server_error.get().filter(|e| {
            let field = e.field().unwrap_or("");
            let shown = [
                "name",
                "partitions",
                "replication_factor",
                "configs.retention.ms",
                "configs.cleanup.policy",
            ];
            !shown.contains(&field)
                && !others.with(|rows| {
                    rows.iter()
                        .any(|(_, k, _)| k.with(|k| field == format!("configs.{k}")))
                })
        })
    });

    let invalid = move || {
        name_error.get().is_some()
            || partitions_error.get().is_some()
            || replication_error.get().is_some()
            || retention_error.get().is_some()
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        set_server_error.set(None);
        if invalid() {
            return;
        }
        let mut configs = BTreeMap::new();
        cleanup.with_untracked(|c| {
            if !c.is_empty() {
                configs.insert("cleanup.policy".to_owned(), c.clone());
            }
        });
        retention.with_untracked(|r| {
            if !r.trim().is_empty() {
                configs.insert("retention.ms".to_owned(), r.trim().to_owned());
            }
        });
        for (_, key, value) in others.get_untracked() {
            let key = key.get_untracked().trim().to_owned();
            if !key.is_empty() {
                configs.insert(key, value.get_untracked().trim().to_owned());
            }
        }
        let request = CreateTopic {
            name: name.get_untracked().trim().to_owned(),
            partitions: partitions.get_untracked().trim().parse().unwrap_or(1),
            replication_factor: replication.get_untracked().trim().parse().unwrap_or(1),
            configs,
        };
        busy.set(true);
        let go = go.clone();
        let on = on.clone();
        spawn_local(async move {
            match api::post::<_, IgnoredAny>(&cluster::api_path(&on, "/topics"), &request).await {
                Ok(_) => {
                    toast::success(format!("Topic {} created on {on}.", request.name));
                    on_close.run(());
                    go(
                        &cluster::page_path(&on, &format!("/topics/{}", seg(&request.name))),
                        false,
                    );
                }
                Err(error) => {
                    busy.try_set(false);
                    set_server_error.try_set(Some(error));
                }
            }
        });
    };

    let retention_hint = Signal::derive(move || {
        retention.with(|r| match r.trim().parse::<i64>() {
            Ok(ms) => format!("Keeps messages for {}.", format::duration_ms(ms)),
            Err(_) => "Empty: the broker's default (usually 7 days).".into(),
        })
    });
    let replication_hint = Signal::derive(move || match brokers() {
        Some(n) => format!(
            "Copies of each partition; this cluster has {n} broker{}.",
            if n == 1 { "" } else { "s" }
        ),
        None => "Copies of each partition.".into(),
    });
    let preset = move |label: &'static str, ms: &'static str| {
        view! { <button type="button" class="chip" on:click=move |_| retention.set(ms.into())>{label}</button> }
    };
    let clear_server = move |field: &'static str| {
        if server_error.with_untracked(|e| e.as_ref().is_some_and(|e| e.field() == Some(field))) {
            set_server_error.set(None);
        }
    };

    view! {
        <Dialog title on_close wide=true>
            <form class="dialog-body" on:submit=submit novalidate>
                <Field label="Name" id="topic-name" error=name_error hint=Signal::derive(move || name.with(|n| name_hint(n)))>
                    <input id="topic-name" class="input mono" autofocus autocomplete="off" spellcheck="false"
                        aria-describedby=describe("topic-name") aria-invalid=move || name_error.with(Option::is_some).to_string()
                        prop:value=name on:input=move |ev| { name.set(event_target_value(&ev)); clear_server("name"); } />
                </Field>
                <div class="form-row">
                    <Field label="Partitions" id="topic-partitions" error=partitions_error
                        hint=Signal::derive(|| "Can be increased later, never decreased.".to_owned())>
                        <input id="topic-partitions" class="input" type="number" min="1" inputmode="numeric"
                            aria-describedby=describe("topic-partitions") aria-invalid=move || partitions_error.with(Option::is_some).to_string()
                            prop:value=partitions on:input=move |ev| { partitions.set(event_target_value(&ev)); clear_server("partitions"); } />
                    </Field>
                    <Field label="Replication factor" id="topic-replication" error=replication_error hint=replication_hint>
                        <input id="topic-replication" class="input" type="number" min="1" inputmode="numeric"
                            aria-describedby=describe("topic-replication") aria-invalid=move || replication_error.with(Option::is_some).to_string()
                            prop:value=replication on:input=move |ev| { replication.set(event_target_value(&ev)); clear_server("replication_factor"); } />
                    </Field>
                </div>
                <div class="form-row">
                    <Field label="Cleanup policy" id="topic-cleanup" error=cleanup_error
                        hint=Signal::derive(|| "“compact” keeps the latest message per key.".to_owned())>
                        <select id="topic-cleanup" class="select" aria-describedby=describe("topic-cleanup")
                            on:change=move |ev| { cleanup.set(event_target_value(&ev)); clear_server("configs.cleanup.policy"); }>
                            <option value="">"Broker default (delete)"</option>
                            <option value="delete">"delete"</option>
                            <option value="compact">"compact"</option>
                            <option value="compact,delete">"compact,delete"</option>
                        </select>
                    </Field>
                    <Field label="Retention (retention.ms)" id="topic-retention" error=retention_error hint=retention_hint>
                        <input id="topic-retention" class="input mono" inputmode="numeric" placeholder="604800000"
                            aria-describedby=describe("topic-retention") aria-invalid=move || retention_error.with(Option::is_some).to_string()
                            prop:value=retention on:input=move |ev| { retention.set(event_target_value(&ev)); clear_server("configs.retention.ms"); } />
                        <div class="chips" role="group" aria-label="Retention presets">
                            {preset("1 hour", "3600000")}
                            {preset("1 day", "86400000")}
                            {preset("7 days", "604800000")}
                            {preset("30 days", "2592000000")}
                            {preset("Forever", "-1")}
                        </div>
                    </Field>
                </div>
                <fieldset class="fieldset">
                    <legend>"Other configs"</legend>
                    <datalist id="topic-config-names">
                        {TOPIC_CONFIGS.iter().map(|c| view! { <option value=*c></option> }).collect_view()}
                    </datalist>
                    {move || others.get().into_iter().map(|row| view! {
                        <div class="kv-row">
                            <input class="input mono" placeholder="name, e.g. min.insync.replicas" list="topic-config-names"
                                aria-label="Config name" prop:value=row.1 on:input=move |ev| row.1.set(event_target_value(&ev)) />
                            <input class="input mono" placeholder="value" aria-label="Config value"
                                prop:value=row.2 on:input=move |ev| row.2.set(event_target_value(&ev)) />
                            <button type="button" class="icon-button" aria-label="Remove config"
                                on:click=move |_| others.update(|rows| rows.retain(|r| r.0 != row.0))>"×"</button>
                            <p class="field-error kv-error">{move || {
                                let key = row.1.get();
                                server_error.with(|e| e.as_ref().filter(|e| e.field() == Some(&format!("configs.{key}"))).map(ApiError::message))
                            }}</p>
                        </div>
                    }).collect_view()}
                    <button type="button" class="button button-small" on:click=move |_| {
                        let id = next_row.get_value();
                        next_row.set_value(id + 1);
                        others.update(|rows| rows.push((id, RwSignal::new(String::new()), RwSignal::new(String::new()))));
                    }>"+ Add config"</button>
                </fieldset>
                <DialogError error=general_error />
                <DialogFooter on_cancel=on_close label="Create topic" busy_label="Creating…" busy />
            </form>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_name_rules() {
        assert_eq!(name_problem("orders.v1_x-2"), None);
        assert!(name_problem("").is_some());
        assert!(name_problem("..").is_some());
        assert!(name_problem(&"a".repeat(250)).is_some());
        assert!(name_problem("has space").unwrap().contains("“ ”"));
    }
}
