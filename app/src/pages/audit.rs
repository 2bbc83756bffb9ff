//! A cluster's audit log: who changed what, when, and how it ended. The server
//! filters, pages (newest first, "Older →" follows its cursor) and checks
//! each record's signature; the filters and the page live in the URL, under
//! the API's own names, so a deep link is the API query too.
//!
//! Size: the filter form is HTML text written once (its fields are filled
//! from the URL by name), and the answer is read into the flat [`Page`]
//! rather than the contract's `AuditList`, whose `#[serde(flatten)]` entry
//! costs kilobytes of deserialiser in the download.

use configurator_api::{Permission, ScanStop};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlFormElement;

use crate::{
    api,
    cluster::use_cluster,
    components::{Html, LoadError, ProgressBar, RawBody, TableSkeleton, download, set_title, toast},
    format,
    load::load,
    query,
};

/// The filters' query keys, in the console's URL and the API's alike.
const FILTERS: [&str; 7] = [
    "person", "action", "resource", "outcome", "since", "until", "limit",
];

/// `configurator_api::AuditList`, as this page reads it.
#[derive(Deserialize)]
struct Page {
    records: Vec<Entry>,
    scanned: u64,
    failed_verification: u64,
    stopped_early: Option<ScanStop>,
    cursor: Option<String>,
}

/// `configurator_api::AuditEntry` with its record's fields (flat in the JSON too).
#[derive(Deserialize)]
struct Entry {
    time: i64,
    subject: String,
    name: String,
    action: String,
    resource: String,
    parameters: serde_json::Value,
    result: String,
    request_id: String,
    client_request_id: Option<String>,
    verified: bool,
    problem: Option<String>,
}

/// The filter form, without values.
fn form_html() -> String {
    let mut h = Html::new();
    let field = |h: &mut Html, label: &str| {
        h.raw("<label class=\"inline-field\"><span>")
            .raw(label)
            .raw("</span>");
    };
    let input = |h: &mut Html, label: &str, name: &str, kind: &str| {
        field(h, label);
        h.raw("<input class=\"input\" step=\"1\" type=\"")
            .raw(kind)
            .raw("\" name=\"")
            .raw(name)
            .raw("\"></label>");
    };
    let select = |h: &mut Html, label: &str, name: &str, options: &[(&str, &str)]| {
        field(h, label);
        h.raw("<select class=\"select\" name=\"").raw(name).raw("\">");
        for (value, text) in options {
            h.raw("<option value=\"")
                .raw(value)
                .raw("\">")
                .raw(text)
                .raw("</option>");
        }
        h.raw("</select></label>");
    };
    input(&mut h, "Person", "person", "search");
    let mut actions = vec![("", "Any action")];
    actions.extend(Permission::ALL.map(|p| (p.name(), p.name())));
    select(&mut h, "Action", "action", &actions);
    input(&mut h, "Resource", "resource", "search");
    select(
        &mut h,
        "Outcome",
        "outcome",
        &[
            ("", "Allowed calls"),
            ("refused", "Refused calls"),
            ("all", "All calls"),
        ],
    );
    input(&mut h, "From", "since", "datetime-local");
    input(&mut h, "To", "until", "datetime-local");
    select(
        &mut h,
        "Show",
        "limit",
        &[
            ("50", "50 a page"),
            ("", "100 a page"),
            ("250", "250 a page"),
            ("500", "500 a page"),
        ],
    );
    h.raw("<button type=\"submit\" class=\"button\">Apply</button>")
        .finish()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    set_title("Audit log");
    let cluster = use_cluster();
    let params = use_query_map();
    // The filters from the URL (reactive), defaults left out.
    let filters = move || {
        params.with(|p| {
            FILTERS.map(|k| {
                let v = p.get(k).unwrap_or_default();
                let default = matches!((k, v.as_str()), ("outcome", "allowed") | ("limit", "100"));
                (k, if default { String::new() } else { v })
            })
        })
    };
    let cursor = move || params.with(|p| p.get("cursor").unwrap_or_default());
    let audit = load::<Page>(move || {
        let mut pairs = filters().to_vec();
        pairs.push(("cursor", cursor()));
        Some(query::url(&cluster.api("/audit"), &pairs))
    });
    let go = query::go();
    let open = move |cursor: String| {
        let mut pairs = untrack(filters).to_vec();
        pairs.push(("cursor", cursor));
        go(&query::url(&untrack(|| cluster.page("/audit")), &pairs), false);
    };
    let open = StoredValue::new(open);

    // The form's fields show the URL's filters (also after back and forward);
    // the form sends them all whenever one changes (or on Enter), and a new
    // filter starts again at the newest records.
    let form = || {
        document()
            .get_element_by_id("audit-filters")
            .map(JsCast::unchecked_into::<HtmlFormElement>)
    };
    let value = JsValue::from_str("value");
    Effect::new({
        let value = value.clone();
        move |_| {
            let (filters, Some(form)) = (filters(), form()) else {
                return;
            };
            for (k, v) in filters {
                let v = match k {
                    "since" | "until" => v.parse().map(format::local_date_time_value).unwrap_or_default(),
                    _ => v,
                };
                if let Some(field) = form.get_with_name(k) {
                    let _ = js_sys::Reflect::set(&field, &value, &v.into());
                }
            }
        }
    });
    let go = query::go();
    let apply = move || {
        let Some(form) = form() else { return };
        let pairs = FILTERS.map(|k| {
            let v = form
                .get_with_name(k)
                .and_then(|f| js_sys::Reflect::get(&f, &value).ok()?.as_string())
                .unwrap_or_default();
            let v = match k {
                "since" | "until" => {
                    format::parse_local_date_time(&v).map_or(String::new(), |ms| ms.to_string())
                }
                _ => v.trim().to_owned(),
            };
            (k, v)
        });
        go(&query::url(&untrack(|| cluster.page("/audit")), &pairs), false);
    };
    let apply = StoredValue::new_local(apply);

    let exporting = RwSignal::new(false);
    let export = move |_| {
        exporting.set(true);
        let path = query::url(&cluster.api_untracked("/audit/export"), &untrack(filters));
        let file = format!("configurator-audit-{}.csv", cluster.id_untracked());
        spawn_local(async move {
            match api::get_text(&path).await {
                Ok(csv) => download(&file, "text/csv", &csv),
                Err(e) => toast::error(&e),
            }
            exporting.try_set(false);
        });
    };

    // The tampering banner and the budget note, above the table.
    let notices = Signal::derive(move || {
        let mut h = Html::new();
        audit.with(|list| {
            let Some(list) = list else { return };
            let n = list.failed_verification;
            if n > 0 {
                h.raw("<div class=\"notice notice-error\" role=\"alert\" data-testid=\"audit-tampered\"><strong>")
                    .text(&if n == 1 {
                        "1 record in this range fails verification".to_owned()
                    } else {
                        format!("{} records in this range fail verification", format::int(n))
                    })
                    .raw(": the trail was changed outside Configurator.</strong><p>Each one is marked below with what is wrong with it.</p></div>");
            }
            if let Some(why) = list.stopped_early {
                h.raw("<div class=\"notice notice-info\" data-testid=\"stopped-early\"><p>")
                    .text(&format!(
                        "Read {} records; stopped at {}. “Older →” continues.",
                        format::int(list.scanned),
                        format::stop_reason(why)
                    ))
                    .raw("</p></div>");
            }
        });
        h.finish()
    });

    let rows = Signal::derive(move || {
        let mut h = Html::new();
        audit.with(|list| {
            let Some(list) = list else { return };
            for r in &list.records {
                let params = r.parameters.to_string();
                h.raw(if r.verified {
                    "<tr data-testid=\"audit-row\">"
                } else {
                    "<tr class=\"row-tampered\" data-testid=\"audit-row\">"
                })
                .raw("<td class=\"nowrap\" title=\"")
                .text(&format::iso(r.time))
                .raw("\"><div>")
                .text(&format::ago(r.time))
                .raw("</div><div class=\"muted small mono\">")
                .text(&format::date_time(r.time))
                .raw("</div></td><td><div class=\"strong\">")
                .text(&r.name)
                .raw("</div><div class=\"muted small\">")
                .text(&r.subject)
                .raw("</div></td><td><code class=\"action\">")
                .text(&r.action)
                .raw("</code></td>")
                .cell("mono", &r.resource)
                .raw("<td class=\"mono small cell-params\" title=\"")
                .text(&params)
                .raw("\">")
                .text(&format::preview(&params, 80))
                .raw("</td><td>")
                .pill(if r.result == "ok" { "ok" } else { "danger" }, &r.result)
                .raw("<div class=\"muted small mono rid\" title=\"Request id; the caller's own: ")
                .text(r.client_request_id.as_deref().unwrap_or("none"))
                .raw("\">")
                .text(&r.request_id)
                .raw("</div>");
                if let Some(problem) = &r.problem {
                    h.pill("danger", "fails verification")
                        .raw("<div class=\"small problem\" data-testid=\"audit-problem\">")
                        .text(problem)
                        .raw("</div>");
                }
                h.raw("</td></tr>");
            }
            if list.records.is_empty() {
                h.empty(6, "No records match.");
            }
        });
        h.finish()
    });
    let older = move || audit.with(|l| l.and_then(|l| l.cursor.clone()));

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Audit log"</h1>
                    <p class="muted">{move || format!("Every change made to {} through Configurator, newest first. Refused calls are shown when you choose them under Outcome.", cluster.id())}</p>
                </div>
                <div class="toolbar">
                    <button class="button" on:click=move |_| audit.reload()>"Refresh"</button>
                    <button class="button" disabled=move || exporting.get() on:click=export>"Export CSV"</button>
                </div>
            </div>
            <form class="filters filters-wrap" id="audit-filters" data-testid="audit-filters" inner_html=form_html()
                on:change=move |_| apply.with_value(|a| a()) on:submit=move |ev| { ev.prevent_default(); apply.with_value(|a| a()) }>
            </form>
            <div inner_html=notices></div>
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
            <nav class="pager" aria-label="Pages">
                <span class="muted" data-testid="audit-summary">{move || audit.with(|l| l.map(|l| format!(
                    "{} records shown · {} read", format::int(l.records.len() as u64), format::int(l.scanned)
                )))}</span>
                <button type="button" class="button button-small" disabled=move || cursor().is_empty()
                    on:click=move |_| open.with_value(|o| o(String::new()))>"← Newest"</button>
                <button type="button" class="button button-small" disabled=move || older().is_none()
                    on:click=move |_| if let Some(c) = older() { open.with_value(|o| o(c)) }>"Older →"</button>
            </nav>
        </section>
    }
}
