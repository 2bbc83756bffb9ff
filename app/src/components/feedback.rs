//! Errors, progress, status pills, notes and small actions.

use configurator_api::Permission;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::{api::ApiError, cluster::use_cluster, components::href, permissions::use_session};

/// A request that failed where a page's content should be, with the request
/// id to quote and a way to try again.
#[component]
pub fn ErrorPanel(error: ApiError, #[prop(optional, into)] retry: Option<Callback<()>>) -> impl IntoView {
    let (class, title) = match &error {
        ApiError::Forbidden { .. } | ApiError::Failed { status: 403, .. } => {
            ("notice notice-warning", "Not allowed")
        }
        ApiError::SignInRequired => ("notice", "Signed out"),
        ApiError::Failed { status: 404, .. } => ("notice", "Not found"),
        _ => ("notice notice-error", "Something went wrong"),
    };
    let request_id = error.request_id().map(str::to_owned);
    // The cluster is unknown or hidden from this person: nothing on this
    // page will work, but another cluster might.
    let elsewhere = (error.code() == "cluster_not_found").then(|| {
        view! { <p><a href=href("/") class="button button-small">"See all clusters"</a></p> }
    });
    view! {
        <div class=class role="alert" data-testid="error-panel">
            <strong>{title}</strong>
            <p>{error.message()}</p>
            {elsewhere}
            {request_id.map(|id| view! { <p class="small">"Request id " <code>{id}</code></p> })}
            {retry.map(|retry| view! {
                <button class="button button-small" on:click=move |_| retry.run(())>"Try again"</button>
            })}
        </div>
    }
}

/// The error of a page's last load, if any, with "Try again".
#[component]
pub fn LoadError(#[prop(into)] error: Signal<Option<ApiError>>, retry: Callback<()>) -> impl IntoView {
    move || error.get().map(|error| view! { <ErrorPanel error retry /> })
}

/// "healthy", or how many partitions are under-replicated.
#[component]
pub fn HealthPill(under: u32) -> impl IntoView {
    let (kind, text) = if under == 0 {
        ("ok", "healthy".to_owned())
    } else {
        ("danger", format!("{under} under-replicated"))
    };
    view! { <span class=format!("pill pill-{kind}")>{text}</span> }
}

/// An indeterminate progress bar for work of unknown length (a scan, a load).
#[component]
pub fn ProgressBar(#[prop(into)] active: Signal<bool>, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="progress" class:progress-active=move || active.get() role="progressbar"
            aria-label=label aria-busy=move || active.get().to_string() aria-hidden=move || (!active.get()).to_string()>
            <span></span>
        </div>
    }
}

/// A small coloured label: `ok`, `warn`, `danger`, `info` or `neutral`.
#[component]
pub fn Pill(#[prop(into)] kind: String, children: Children) -> impl IntoView {
    view! { <span class=format!("pill pill-{kind}")>{children()}</span> }
}

/// A number with its label, for the tops of pages.
#[component]
pub fn Stat(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="stat">
            <div class="stat-label">{label}</div>
            <div class="stat-value">{children()}</div>
        </div>
    }
}

/// Says which of `permissions` the person lacks on this page's cluster,
/// since the buttons for them are not shown. Nothing when they hold them all.
#[component]
pub fn ReadOnlyNote(permissions: &'static [Permission]) -> impl IntoView {
    let session = use_session();
    let cluster = use_cluster();
    let missing = move || {
        permissions
            .iter()
            .filter(|p| !cluster.can(**p))
            .map(|p| format!("{} ({p})", p.describe()))
            .collect::<Vec<_>>()
    };
    move || {
        let missing = missing();
        (session.ready() && !missing.is_empty()).then(|| {
            let all = missing.len() == permissions.len();
            let text = format!("Your role cannot {} on {}.", missing.join(", "), cluster.id());
            let title = text.clone();
            view! {
                <p class="read-only-note" data-testid="read-only-note" title=title>
                    <span class="pill pill-neutral">{if all { "View only" } else { "Limited" }}</span>
                    <span>{text}</span>
                </p>
            }
        })
    }
}

/// Offers `content` as a file download.
pub fn download(file_name: &str, mime: &str, content: &str) {
    save(file_name, mime, &content.into());
}

/// Offers `part` (a string or bytes: a `Uint8Array`) as a file download.
pub fn save(file_name: &str, mime: &str, part: &wasm_bindgen::JsValue) {
    save_parts(file_name, mime, &js_sys::Array::of1(part));
}

/// Offers `parts` (strings or `Uint8Array`s, e.g. a streamed export's
/// chunks) as one file download, without joining them in wasm memory first.
pub fn save_parts(file_name: &str, mime: &str, parts: &js_sys::Array) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
    }
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(1),
    );
}

/// The browser tab's title: `<page> · Configurator`.
pub fn set_title(page: &str) {
    document().set_title(&format!("{page} · Configurator"));
}
