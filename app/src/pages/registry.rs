//! A cluster's schema registry (AWS Glue or Confluent-compatible): one
//! schema's detail (its versions, a definition, a diff between two versions,
//! its compatibility mode, registering a new version), shown on a topic's
//! Schema tab and on the cluster's Schemas pages, and the list of the
//! registry's schemas. A cluster without a registry keeps the topic's
//! built-in JSON Schema ([`super::schema`]).

use configurator_api::{
    CompatibilityMode, CompatibilityVerdict, NewSchemaVersion, Permission, Registered, RegistryKind,
    SchemaFormat, SchemaList, SchemaRef, SchemaSubject, SchemaVersion,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;
use serde::de::IgnoredAny;

use crate::{
    address,
    api::{self, ApiError, seg},
    cluster::use_cluster,
    components::{
        ErrorPanel, Html, JsonView, ProgressBar, RawBody, SearchBox, When, href, is_json, pretty_json,
        set_title,
    },
    format,
    load::load,
    query,
};

/// The code of a 501 for a call the cluster's registry does not offer (the
/// local Glue lacks some): its message says what to do instead.
const NOT_SUPPORTED: &str = "not_supported_by_registry";

/// "Avro · orders-value v3"; the framed id when the registry did not name it.
pub fn schema_label(s: &SchemaRef) -> String {
    let which = match (&s.name, s.version) {
        (Some(name), Some(v)) => format!("{name} v{v}"),
        (Some(name), None) => format!("{name} · id {}", s.id),
        (None, _) => format!("id {}", s.id),
    };
    format!("{} · {which}", s.format.label())
}

/// A registry call's error: "not supported by this registry" with its
/// message, else the usual panel with the fields the server named.
#[component]
pub fn RegistryError(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            if e.code() == NOT_SUPPORTED {
                return view! {
                    <div class="notice notice-info" role="alert" data-testid="not-supported">
                        <strong>"Not supported by this registry"</strong>
                        <p>{e.message()}</p>
                    </div>
                }
                .into_any();
            }
            let details = e.details().to_vec();
            view! {
                <ErrorPanel error=e />
                {(!details.is_empty()).then(|| view! {
                    <div class="violations" data-testid="error-details">
                        <ul>{details.into_iter().map(|d| view! { <li><code>{d.path}</code> " " {d.message}</li> }).collect_view()}</ul>
                    </div>
                })}
            }
            .into_any()
        })
    }
}

/// A definition as shown and compared: JSON (Avro, JSON Schema) re-indented.
fn display_text(v: &SchemaVersion) -> String {
    pretty_json(&v.definition).unwrap_or_else(|| v.definition.clone())
}

/// The lines of `old` and `new` as a diff, each marked ' ' (kept), '-'
/// (removed) or '+' (added): a longest common subsequence of the lines
/// between their common start and end. Past a few million line pairs (huge
/// definitions, changed throughout) it shows all old lines out, all new in.
fn line_diff<'a>(old: &'a str, new: &'a str) -> Vec<(char, &'a str)> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (x, y) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let (n, m) = (x.len(), y.len());
    let mut out: Vec<(char, &str)> = a[..head].iter().map(|l| (' ', *l)).collect();
    if n * m > 4_000_000 {
        out.extend(x.iter().map(|l| ('-', *l)).chain(y.iter().map(|l| ('+', *l))));
    } else {
        // common[i * (m + 1) + j]: lines x[i..] and y[j..] have in common.
        let w = m + 1;
        let mut common = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                common[i * w + j] = if x[i] == y[j] {
                    common[(i + 1) * w + j + 1] + 1
                } else {
                    common[(i + 1) * w + j].max(common[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && x[i] == y[j] {
                out.push((' ', x[i]));
                (i, j) = (i + 1, j + 1);
            } else if j < m && (i == n || common[i * w + j + 1] >= common[(i + 1) * w + j]) {
                out.push(('+', y[j]));
                j += 1;
            } else {
                out.push(('-', x[i]));
                i += 1;
            }
        }
    }
    out.extend(a[a.len() - tail..].iter().map(|l| (' ', *l)));
    out
}

/// The diff as HTML: added lines `.diff-new` (`data-diff="added"`), removed
/// `.diff-old` (`data-diff="removed"`), with counts.
fn diff_html(old: &SchemaVersion, new: &SchemaVersion) -> String {
    let (old_text, new_text) = (display_text(old), display_text(new));
    let lines = line_diff(&old_text, &new_text);
    let count = |sign| lines.iter().filter(|(s, _)| *s == sign).count();
    let mut h = Html::new();
    h.raw("<p class=\"muted small\" data-testid=\"diff-summary\">")
        .text(&format!(
            "v{} → v{}: {} added, {} removed",
            old.version,
            new.version,
            count('+'),
            count('-')
        ))
        .raw("</p><pre class=\"code\" data-testid=\"schema-diff\">");
    for (sign, line) in &lines {
        match sign {
            '+' => h.raw("<span class=\"diff-new\" data-diff=\"added\">+ "),
            '-' => h.raw("<span class=\"diff-old\" data-diff=\"removed\">- "),
            _ => h.raw("<span>  "),
        };
        h.text(line).raw("</span>\n");
    }
    h.raw("</pre>").finish()
}

/// A definition: JSON highlighted, `.proto` as text.
fn definition_view(v: &SchemaVersion) -> AnyView {
    if v.format != SchemaFormat::Protobuf && is_json(&v.definition) {
        view! { <div data-testid="schema-definition"><JsonView text=v.definition.clone() /></div> }.into_any()
    } else {
        view! { <pre class="code" data-testid="schema-definition">{v.definition.clone()}</pre> }.into_any()
    }
}

/// One registry schema (Confluent subject, Glue schema) named `name`;
/// `missing` when the caller already knows there is none yet (then, with
/// SchemasWrite, its first version can be registered here).
#[component]
pub fn SchemaDetail(#[prop(into)] name: String, #[prop(optional)] missing: bool) -> impl IntoView {
    let cluster = use_cluster();
    let base = StoredValue::new(format!("/schemas/{}", seg(&name)));
    let api_path = move |rest: &str| cluster.api(&format!("{}{rest}", base.get_value()));
    let exists = RwSignal::new(!missing);
    let subject = load::<SchemaSubject>(move || exists.get().then(|| api_path("")));
    let absent = move || {
        !exists.get()
            || subject
                .error
                .with(|e| e.as_ref().is_some_and(|e| e.status() == 404))
    };
    let can_write = move || cluster.can(Permission::SchemasWrite);

    // The version shown; `None`: the latest (already in the subject).
    let shown = RwSignal::new(None::<i64>);
    let version = load::<SchemaVersion>(move || Some(api_path(&format!("/versions/{}", shown.get()?))));
    // Compare: two versions, by default the last two.
    let comparing = RwSignal::new(false);
    let (from, to) = (RwSignal::new(None::<i64>), RwSignal::new(None::<i64>));
    let last_two = move || {
        subject.with(|s| {
            let v = &s?.versions;
            (v.len() >= 2).then(|| (v[v.len() - 2], v[v.len() - 1]))
        })
    };
    let pair = move || {
        let (a, b) = last_two()?;
        Some((from.get().unwrap_or(a), to.get().unwrap_or(b)))
    };
    let old = load::<SchemaVersion>(move || {
        comparing
            .get()
            .then(|| pair().map(|p| api_path(&format!("/versions/{}", p.0))))
            .flatten()
    });
    let new = load::<SchemaVersion>(move || {
        comparing
            .get()
            .then(|| pair().map(|p| api_path(&format!("/versions/{}", p.1))))
            .flatten()
    });

    // Compatibility mode: the one chosen in the select, empty until then.
    let mode = RwSignal::new(String::new());
    let mode_busy = RwSignal::new(false);
    let mode_error = RwSignal::new(None::<ApiError>);
    let save_mode = move |_| {
        let body = CompatibilityMode {
            compatibility: mode.get_untracked(),
        };
        let path = untrack(|| api_path("/compatibility"));
        mode_busy.set(true);
        mode_error.set(None);
        spawn_local(async move {
            match api::put::<_, IgnoredAny>(&path, &body).await {
                Ok(_) => {
                    crate::components::toast::success(format!(
                        "Compatibility mode set to {}.",
                        body.compatibility
                    ));
                    subject.reload();
                }
                Err(e) => {
                    mode_error.try_set(Some(e));
                }
            }
            mode_busy.try_set(false);
        });
    };

    // Registering: the definition, prefilled with the latest one.
    let definition = RwSignal::new(String::new());
    let new_format = RwSignal::new(SchemaFormat::Avro);
    Effect::new(move |_| {
        if let Some(latest) = subject.with(|s| s.map(|s| s.latest.definition.clone()))
            && definition.with_untracked(String::is_empty)
        {
            definition.set(latest);
        }
    });
    let verdict = RwSignal::new(None::<CompatibilityVerdict>);
    let registered = RwSignal::new(None::<Registered>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let send = move |register: bool| {
        let (format, references) = subject
            .with_untracked(|s| s.map(|s| (s.format, s.latest.references.clone())))
            .filter(|_| !untrack(absent))
            .unwrap_or_else(|| (new_format.get_untracked(), Vec::new()));
        let body = NewSchemaVersion {
            format,
            definition: definition.get_untracked(),
            references,
            compatibility: None,
        };
        let path = untrack(|| {
            api_path(if register {
                "/versions"
            } else {
                "/compatibility-check"
            })
        });
        busy.set(true);
        error.set(None);
        verdict.set(None);
        registered.set(None);
        spawn_local(async move {
            let answer = if register {
                api::post::<_, Registered>(&path, &body).await.map(|r| {
                    shown.try_set(None);
                    registered.try_set(Some(r));
                    exists.try_set(true);
                    subject.reload();
                })
            } else {
                api::post::<_, CompatibilityVerdict>(&path, &body).await.map(|v| {
                    verdict.try_set(Some(v));
                })
            };
            if let Err(e) = answer {
                error.try_set(Some(e));
            }
            busy.try_set(false);
        });
    };

    let name_shown = name.clone();
    let name_attr = name.clone();
    view! {
        <div class="card" data-testid="schema-detail" data-schema=name_attr>
            <div class="card-head">
                <h3 class="mono">{name_shown}</h3>
                {move || subject.with(|s| s.map(|s| view! {
                    <span class="pill pill-info" data-testid="schema-format">{s.format.label()}</span>
                }))}
            </div>
            <ProgressBar active=subject.loading label="Loading the schema" />
            {move || absent().then(|| view! {
                <p class="muted" data-testid="schema-missing">"No schema registered under " <code>{name.clone()}</code> "."</p>
            })}
            <RegistryError error=Signal::derive(move || subject.error.get().filter(|e| e.status() != 404)) />
            {move || subject.get().filter(|_| !absent()).map(|s| {
                let kind = s.registry.kind;
                let current = s.compatibility.clone();
                let latest = s.latest.version;
                let versions = s.versions.clone();
                view! {
                    <dl class="pairs">
                        <dt>"Compatibility"</dt>
                        <dd>
                            <span class="mono" data-testid="schema-compatibility">{current.clone()}</span>
                            <When when=can_write>
                                " "
                                <select class="select select-small" aria-label="Compatibility mode" on:change=move |ev| mode.set(event_target_value(&ev))>
                                    // The registry's own mode first when it is not one of ours.
                                    {(!kind.modes().contains(&current.as_str())).then(|| view! { <option value=current.clone() selected>{current.clone()}</option> })}
                                    {kind.modes().iter().map(|m| view! { <option value=*m selected=*m == current>{*m}</option> }).collect_view()}
                                </select>
                                " "
                                <button class="button button-small" disabled=move || mode_busy.get() || mode.with(String::is_empty) on:click=save_mode>
                                    {move || if mode_busy.get() { "Saving…" } else { "Save mode" }}
                                </button>
                            </When>
                        </dd>
                        <dt>"Versions"</dt>
                        <dd>
                            <div class="chips" role="group" aria-label="Versions" data-testid="schema-versions">
                                {versions.iter().map(|v| {
                                    let v = *v;
                                    let on = move || shown.get().unwrap_or(latest) == v;
                                    view! {
                                        <button type="button" class="chip" aria-pressed=move || on().to_string()
                                            on:click=move |_| shown.set((v != latest).then_some(v))>{format!("v{v}")}</button>
                                    }
                                }).collect_view()}
                            </div>
                        </dd>
                    </dl>
                    <RegistryError error=mode_error />
                    <RegistryError error=version.error />
                    {move || {
                        let v = match shown.get() {
                            None => Some(s.latest.clone()),
                            Some(n) => version.get().filter(|v| v.version == n),
                        }?;
                        let facts = [
                            Some(format!("Version {}", v.version)),
                            Some(format!("id {}", v.id)),
                            v.status.clone(),
                            v.created_at.clone(),
                            (!v.message_types.is_empty()).then(|| format!("message types: {}", v.message_types.join(", "))),
                        ];
                        Some(view! {
                            <h4 data-testid="schema-version-shown">{facts.into_iter().flatten().collect::<Vec<_>>().join(" · ")}</h4>
                            {definition_view(&v)}
                        })
                    }}
                    {(versions.len() >= 2).then(|| {
                        let pick = move |label: &'static str, which: RwSignal<Option<i64>>, default: fn((i64, i64)) -> i64| {
                            let versions = versions.clone();
                            view! {
                                <select class="select select-small" aria-label=label on:change=move |ev| which.set(event_target_value(&ev).parse().ok())>
                                    {versions.iter().map(|v| {
                                        let v = *v;
                                        view! { <option value=v.to_string() selected=move || pair().is_some_and(|p| default(p) == v)>{format!("v{v}")}</option> }
                                    }).collect_view()}
                                </select>
                            }
                        };
                        view! {
                            <details class="schema-hint" on:toggle=move |_| comparing.set(true)>
                                <summary>"Compare versions"</summary>
                                <div class="filters">
                                    {pick("Compare from version", from, |p| p.0)}
                                    <span aria-hidden="true">"→"</span>
                                    {pick("Compare to version", to, |p| p.1)}
                                </div>
                                <RegistryError error=Signal::derive(move || old.error.get().or(new.error.get())) />
                                <div inner_html=move || {
                                    let (Some(a), Some(b), Some(p)) = (old.get(), new.get(), pair()) else { return String::new() };
                                    if (a.version, b.version) != p { return String::new() }
                                    diff_html(&a, &b)
                                }></div>
                            </details>
                        }
                    })}
                }
            })}
            <When when=move || can_write() && (absent() || subject.with(|s| s.is_some()))>
                <details class="schema-hint" data-testid="register-form">
                    <summary>"Register new version"</summary>
                    <When when=absent>
                        <label class="inline-field">
                            <span>"Format"</span>
                            <select class="select select-small" aria-label="Schema format" on:change=move |ev| new_format.set(match event_target_value(&ev).as_str() {
                                "protobuf" => SchemaFormat::Protobuf,
                                "json" => SchemaFormat::Json,
                                _ => SchemaFormat::Avro,
                            })>
                                <option value="avro">"Avro"</option>
                                <option value="protobuf">"Protobuf"</option>
                                <option value="json">"JSON Schema"</option>
                            </select>
                        </label>
                    </When>
                    <textarea class="input editor mono" rows="14" spellcheck="false" aria-label="New definition"
                        prop:value=definition on:input=move |ev| { definition.set(event_target_value(&ev)); verdict.set(None); }></textarea>
                    {move || verdict.get().map(|v| {
                        let (class, text) = if v.compatible {
                            ("notice notice-info", format!("Compatible under {}.", v.compatibility))
                        } else {
                            ("notice notice-warning", format!("Not compatible under {}.", v.compatibility))
                        };
                        view! {
                            <div class=class role="status" data-testid="compatibility-verdict" data-compatible=v.compatible.to_string()>
                                <strong>{text}</strong>
                                {v.messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                            </div>
                        }
                    })}
                    {move || registered.get().map(|r| view! {
                        <div class="notice notice-info" role="status" data-testid="register-result">
                            <strong>{format!(
                                "Registered version {}{}{}.",
                                r.version.version,
                                r.version.status.map(|s| format!(" · {s}")).unwrap_or_default(),
                                if r.created { " · a new schema" } else { "" }
                            )}</strong>
                        </div>
                    })}
                    <RegistryError error />
                    <div class="form-actions">
                        <When when=move || !absent()>
                            <button type="button" class="button" disabled=move || busy.get() on:click=move |_| send(false)>"Check compatibility"</button>
                        </When>
                        <button type="button" class="button button-primary" disabled=move || busy.get() || definition.with(|d| d.trim().is_empty())
                            on:click=move |_| send(true)>{move || if busy.get() { "Sending…" } else { "Register" }}</button>
                    </div>
                </details>
            </When>
        </div>
    }
}

/// `/clusters/:cluster/schemas`: the registry's schemas, searched by name
/// (`q`) and paged by the API's cursor, both in the URL.
#[component]
pub fn SchemasPage() -> impl IntoView {
    set_title("Schemas");
    let cluster = use_cluster();
    let params = use_query_map();
    let get = move |k: &str| params.with(|p| p.get(k).unwrap_or_default());
    let list = load::<SchemaList>(move || {
        Some(query::url(
            &cluster.api("/schemas"),
            &[("q", get("q")), ("cursor", get("cursor"))],
        ))
    });
    let go = query::go();
    let list_page = move |pairs: &[(&str, String)]| query::url(&untrack(|| cluster.page("/schemas")), pairs);

    // The search box: sent to the URL once typing pauses.
    let text = RwSignal::new(get("q"));
    let typed = StoredValue::new(0u32);
    let on_search = Callback::new({
        let go = go.clone();
        move |value: String| {
            text.set(value);
            let this = typed.get_value() + 1;
            typed.set_value(this);
            let go = go.clone();
            set_timeout(
                move || {
                    if typed.try_get_value() == Some(this) {
                        go(&list_page(&[("q", text.get_untracked())]), true);
                    }
                },
                std::time::Duration::from_millis(250),
            );
        }
    });
    let open_name = RwSignal::new(String::new());
    let open = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = open_name.get_untracked().trim().to_owned();
            if !name.is_empty() {
                go(
                    &untrack(|| cluster.page(&format!("/schemas/{}", seg(&name)))),
                    false,
                );
            }
        }
    };
    let next = Callback::new(move |()| {
        if let Some(cursor) = list.with_untracked(|l| l.and_then(|l| l.cursor.clone())) {
            go(&list_page(&[("q", get("q")), ("cursor", cursor)]), false);
        }
    });
    let not_supported = move || {
        list.error
            .with(|e| e.as_ref().is_some_and(|e| e.code() == NOT_SUPPORTED))
    };

    let rows = Signal::derive(move || {
        let mut h = Html::new();
        list.with(|l| {
            let Some(l) = l else { return };
            if l.schemas.is_empty() {
                h.empty(
                    3,
                    if get("q").is_empty() {
                        "No schemas in the registry."
                    } else {
                        "No schemas match the search."
                    },
                );
            }
            for s in &l.schemas {
                h.row("schema-row")
                    .raw("<td>")
                    .link(
                        &cluster.page(&format!("/schemas/{}", seg(&s.name))),
                        "mono strong",
                        &s.name,
                    )
                    .raw("</td>")
                    .cell("", s.format.map_or("", SchemaFormat::label))
                    .cell(
                        "num",
                        &s.latest_version.map(|v| format!("v{v}")).unwrap_or_default(),
                    )
                    .end_row();
            }
        });
        h.finish()
    });

    view! {
        <section class="page">
            <div class="page-header">
                <div>
                    <h1>"Schemas"</h1>
                    <p class="muted" data-testid="schemas-count">{move || list.with(|l| l.map(|l| format!(
                        "{} {} · {} schema{}{}",
                        l.registry.kind.label(), l.registry.name,
                        format::int(l.total), if l.total == 1 { "" } else { "s" },
                        if get("q").is_empty() { "" } else { " match" }
                    )))}</p>
                </div>
            </div>
            <div class="filters">
                <SearchBox label="Search schemas" placeholder="Search schemas by name" test_id="schema-search" value=text on_input=on_search />
                <button class="button" on:click=move |_| list.reload()>"Refresh"</button>
            </div>
            <RegistryError error=list.error />
            <When when=not_supported>
                <form class="filters" on:submit=open.clone() data-testid="open-schema">
                    <input class="input mono" aria-label="Schema name" placeholder="Schema name" autocomplete="off" spellcheck="false"
                        prop:value=open_name on:input=move |ev| open_name.set(event_target_value(&ev)) />
                    <button type="submit" class="button button-primary">"Open a schema by name"</button>
                </form>
            </When>
            {move || list.with(|l| l.map(|l| (l.registry.kind == RegistryKind::Builtin, l.truncated))).map(|(builtin, truncated)| view! {
                {builtin.then(|| view! {
                    <div class="notice notice-info" data-testid="no-registry">
                        <p>"This cluster has no schema registry: each topic's JSON Schema is on the topic's Schema tab."</p>
                    </div>
                })}
                {truncated.then(|| view! {
                    <div class="notice notice-info" data-testid="schemas-truncated">
                        <p>{format!("The registry has more than {} schemas: only the first ones were searched.", format::int(configurator_api::SCHEMA_LIST_MAX_SCAN as u64))}</p>
                    </div>
                })}
            })}
            <When when=move || !not_supported()>
                <div class="table-wrap">
                    <ProgressBar active=list.loading label="Loading schemas" />
                    <table class="table" data-testid="schemas-table" aria-busy=move || list.loading.get().to_string()>
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Format"</th>
                                <th scope="col" class="num">"Latest version"</th>
                            </tr>
                        </thead>
                        <RawBody html=rows />
                    </table>
                </div>
                <nav class="pager" aria-label="Pages">
                    <When when=move || !get("cursor").is_empty()>
                        <a class="button button-small" href=move || href(&list_page(&[("q", get("q"))]))>"First page"</a>
                    </When>
                    <When when=move || list.with(|l| l.is_some_and(|l| l.cursor.is_some()))>
                        <button type="button" class="button button-small" on:click=move |_| next.run(())>"Next →"</button>
                    </When>
                </nav>
            </When>
        </section>
    }
}

/// `/clusters/:cluster/schemas/:name`: one registry schema.
#[component]
pub fn SchemaPage() -> impl IntoView {
    let cluster = use_cluster();
    let address = address::own("schemas");
    let name = Memo::new(move |_| address.with(|a| a.name.clone()));
    Effect::new(move |_| set_title(&name.get()));
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href=move || href(&cluster.page("/schemas"))>"Schemas"</a>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page" class="mono">{name}</span>
            </nav>
            <div class="page-header">
                <h1 class="mono" data-testid="schema-name">{name}</h1>
            </div>
            {move || view! { <SchemaDetail name=name.get() /> }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_lines() {
        let d = line_diff("a\nb\nc\nd", "a\nc\nx\nd");
        assert_eq!(
            d,
            vec![(' ', "a"), ('-', "b"), (' ', "c"), ('+', "x"), (' ', "d")]
        );
        assert_eq!(line_diff("", "a"), vec![('+', "a")]);
    }
}
