//! The audit log: the latest changes, who made them and how they ended.

use configurator_api::AuditList;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{LoadError, ProgressBar, TableSkeleton, set_title},
    format,
    load::load,
    query,
};

#[component]
pub fn AuditPage() -> impl IntoView {
    set_title("Audit log");
    let params = use_query_map();
    let limit = Memo::new(move |_| {
        params.with(|p| p.get("limit").and_then(|l| l.parse::<u32>().ok()).filter(|l| (1..=1000).contains(l)).unwrap_or(100))
    });
    let q = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let audit = load::<AuditList>(move || Some(format!("/api/v1/audit?limit={}", limit.get())));
    let go = query::go();
    let navigate = move |q: String, limit: u32, replace: bool| {
        let limit = if limit == 100 { String::new() } else { limit.to_string() };
        go(&query::url("/audit", &[("q", q), ("limit", limit)]), replace);
    };
    let navigate = StoredValue::new(navigate);

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
                    {move || {
                        let needle = q.get().to_lowercase();
                        match audit.data.get() {
                            None => view! { <TableSkeleton columns=6 rows=8 /> }.into_any(),
                            Some(list) => {
                                let rows: Vec<_> = list.records.into_iter().filter(|r| {
                                    needle.is_empty() || [&r.name, &r.subject, &r.action, &r.resource, &r.result]
                                        .iter().any(|f| f.to_lowercase().contains(&needle))
                                }).collect();
                                if rows.is_empty() {
                                    view! { <tbody><tr><td colspan="6" class="empty">"Nothing recorded yet."</td></tr></tbody> }.into_any()
                                } else {
                                    view! {
                                        <tbody>
                                            {rows.into_iter().map(|r| {
                                                let ok = r.result == "ok";
                                                let params = r.parameters.to_string();
                                                view! {
                                                    <tr data-testid="audit-row">
                                                        <td class="nowrap" title=format::iso(r.time)>
                                                            <div>{format::ago(r.time)}</div>
                                                            <div class="muted small mono">{format::date_time(r.time)}</div>
                                                        </td>
                                                        <td><div class="strong">{r.name}</div><div class="muted small">{r.subject}</div></td>
                                                        <td><code class="action">{r.action}</code></td>
                                                        <td class="mono">{r.resource}</td>
                                                        <td class="mono small cell-params" title=params.clone()>{format::preview(&params, 80)}</td>
                                                        <td class="nowrap">
                                                            <span class=if ok { "pill pill-ok" } else { "pill pill-danger" }>{r.result}</span>
                                                            <div class="muted small mono" title="Request id">{r.request_id}</div>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    }.into_any()
                                }
                            }
                        }
                    }}
                </table>
            </div>
        </section>
    }
}
