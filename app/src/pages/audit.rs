//! The audit log: the latest changes, who made them and how they ended.

use configurator_api::AuditList;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{Html, LoadError, ProgressBar, RawBody, TableSkeleton, set_title},
    format,
    load::load,
    query,
};

#[component]
pub fn AuditPage() -> impl IntoView {
    set_title("Audit log");
    let params = use_query_map();
    let limit = Memo::new(move |_| {
        params.with(|p| {
            p.get("limit")
                .and_then(|l| l.parse::<u32>().ok())
                .filter(|l| (1..=1000).contains(l))
                .unwrap_or(100)
        })
    });
    let q = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let audit = load::<AuditList>(move || Some(format!("/api/v1/audit?limit={}", limit.get())));
    let go = query::go();
    let navigate = move |q: String, limit: u32, replace: bool| {
        let limit = if limit == 100 {
            String::new()
        } else {
            limit.to_string()
        };
        go(&query::url("/audit", &[("q", q), ("limit", limit)]), replace);
    };
    let navigate = StoredValue::new(navigate);

    let rows = Signal::derive(move || {
        let needle = q.get().to_ascii_lowercase();
        let mut h = Html::new();
        audit.with(|list| {
            let Some(list) = list else { return };
            let mut shown = 0;
            for r in list.records.iter().filter(|r| {
                needle.is_empty()
                    || [&r.name, &r.subject, &r.action, &r.resource, &r.result]
                        .iter()
                        .any(|f| f.to_ascii_lowercase().contains(&needle))
            }) {
                shown += 1;
                let params = r.parameters.to_string();
                h.row("audit-row")
                    .raw("<td class=\"nowrap\" title=\"")
                    .text(&format::iso(r.time))
                    .raw("\"><div>")
                    .text(&format::ago(r.time))
                    .raw("</div><div class=\"muted small mono\">")
                    .text(&format::date_time(r.time))
                    .raw("</div></td>")
                    .raw("<td><div class=\"strong\">")
                    .text(&r.name)
                    .raw("</div><div class=\"muted small\">")
                    .text(&r.subject)
                    .raw("</div></td>")
                    .raw("<td><code class=\"action\">")
                    .text(&r.action)
                    .raw("</code></td>")
                    .cell("mono", &r.resource)
                    .raw("<td class=\"mono small cell-params\" title=\"")
                    .text(&params)
                    .raw("\">")
                    .text(&format::preview(&params, 80))
                    .raw("</td>")
                    .raw("<td class=\"nowrap\">")
                    .pill(if r.result == "ok" { "ok" } else { "danger" }, &r.result)
                    .raw("<div class=\"muted small mono rid\" title=\"Request id\">")
                    .text(&r.request_id)
                    .raw("</div></td>")
                    .end_row();
            }
            if shown == 0 {
                h.empty(6, "Nothing recorded yet.");
            }
        });
        h.finish()
    });

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Audit log"</h1>
                    <p class="muted">"Every change made through Configurator, newest first."</p>
                </div>
            </div>
            <div class="filters">
                <label class="search">
                    <span class="visually-hidden">"Filter the audit log"</span>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="8.5" cy="8.5" r="5.5" /><path d="M13 13l4.5 4.5" /></svg>
                    <input class="input" type="search" placeholder="Filter by person, action or resource"
                        prop:value=move || q.get() on:input=move |ev| navigate.with_value(|n| n(event_target_value(&ev), limit.get_untracked(), true)) />
                </label>
                <label class="inline-field">
                    <span>"Show"</span>
                    <select class="select" on:change=move |ev| if let Ok(n) = event_target_value(&ev).parse() { navigate.with_value(|nav| nav(q.get_untracked(), n, false)) }>
                        {[50u32, 100, 250, 500].into_iter().map(|n| view! {
                            <option value=n.to_string() selected=move || limit.get() == n>{format!("latest {n}")}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button class="button" on:click=move |_| audit.reload()>"Refresh"</button>
            </div>
            <LoadError error=audit.error retry=audit.retry() />
            <div class="table-wrap">
                <ProgressBar active=audit.loading label="Loading the audit log" />
                <table class="table" data-testid="audit-table">
                    <thead><tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Resource"</th>
                        <th scope="col">"Parameters"</th>
                        <th scope="col">"Result"</th>
                    </tr></thead>
                    {move || if audit.with(|d| d.is_none()) {
                        view! { <TableSkeleton columns=6 rows=8 /> }.into_any()
                    } else {
                        view! { <RawBody html=rows /> }.into_any()
                    }}
                </table>
            </div>
        </section>
    }
}
