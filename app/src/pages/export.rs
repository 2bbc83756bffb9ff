//! "Export messages": the whole range the page's filters select, as one
//! NDJSON or CSV file the BFF streams page by page. The body is read as it
//! comes (so progress shows and "Cancel" aborts the download), kept as the
//! chunks the browser handed over, and saved as one Blob at the end.

use configurator_api::{API_PREFIX, EXPORT_MAX_RECORDS, ExportFormat, export_path};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};

use super::{
    copy_messages::{describe_source, range_start},
    messages::Scan,
    topic_detail::use_topic,
};
use crate::{
    api::{self, ApiError, seg},
    components::{Dialog, DialogError, save_parts},
    format, query,
};

/// Records and bytes received so far; lines are counted as they stream.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Received {
    lines: u64,
    bytes: u64,
}

/// Counts record ends: newlines, for CSV only those outside quoted fields
/// (a value may hold a newline there). `quoted` carries over chunks.
fn count_lines(chunk: &[u8], csv: bool, quoted: &mut bool) -> u64 {
    let mut n = 0;
    for &b in chunk {
        match b {
            b'"' if csv => *quoted = !*quoted,
            b'\n' if !*quoted => n += 1,
            _ => {}
        }
    }
    n
}

#[component]
pub(super) fn ExportDialog(scan: Scan, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let topic = use_topic();
    let described = describe_source(&scan);
    let scan = StoredValue::new(scan);
    let chosen = RwSignal::new(ExportFormat::Ndjson);
    let busy = RwSignal::new(false);
    let received = RwSignal::new(None::<Received>);
    let done = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let controller = StoredValue::new_local(None::<web_sys::AbortController>);
    let cancel = move || {
        if let Some(Some(c)) = controller.try_update_value(Option::take) {
            c.abort();
        }
    };
    on_cleanup(cancel);

    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let format = chosen.get_untracked();
        let scan = scan.get_value();
        let name = topic.name.get_untracked();
        let path = query::url(
            &format!(
                "{API_PREFIX}{}",
                export_path(&seg(&topic.cluster.id_untracked()), &seg(&name))
            ),
            &[
                ("format", format.extension().to_owned()),
                ("partition", scan.partition_param()),
                ("from", range_start(&scan)),
                ("q", scan.q.clone()),
                ("filter", scan.filter.clone()),
            ],
        );
        let Ok(c) = web_sys::AbortController::new() else {
            return;
        };
        controller.set_value(Some(c.clone()));
        busy.set(true);
        error.set(None);
        done.set(None);
        received.set(Some(Received::default()));
        spawn_local(async move {
            let outcome = download(&path, c, format == ExportFormat::Csv, received).await;
            controller.try_set_value(None);
            busy.try_set(false);
            match outcome {
                Ok(Some((parts, got))) => {
                    let records = if format == ExportFormat::Csv {
                        got.lines.saturating_sub(1)
                    } else {
                        got.lines
                    };
                    let file = format!("{name}.{}", format.extension());
                    save_parts(&file, format.content_type(), &parts);
                    let mut text = format!("Exported {} records to {file}.", format::int(records));
                    if records >= EXPORT_MAX_RECORDS {
                        text += &format!(
                            " The export stopped at the export limit of {} records.",
                            format::int(EXPORT_MAX_RECORDS)
                        );
                    }
                    done.try_set(Some(text));
                }
                // Cancelled: nothing to save.
                Ok(None) => {
                    received.try_set(None);
                }
                Err(e) => {
                    received.try_set(None);
                    error.try_set(Some(e));
                }
            }
        });
    };

    let radio = move |label: &'static str, format: ExportFormat| {
        view! {
            <label class="radio">
                <input type="radio" name="export-format" aria-label=label prop:checked=move || chosen.get() == format
                    on:change=move |_| chosen.set(format) />
                {label}
            </label>
        }
    };

    view! {
        <Dialog title="Export messages" on_close>
            <form class="dialog-body" novalidate on:submit=start>
                <p>"Exports the records the current range and filters select: " {described} "."</p>
                <fieldset class="fieldset">
                    <legend>"Format"</legend>
                    <div class="radio-list">
                        {radio("NDJSON", ExportFormat::Ndjson)}
                        {radio("CSV", ExportFormat::Csv)}
                    </div>
                </fieldset>
                {move || received.get().map(|r| {
                    let records = if chosen.get_untracked() == ExportFormat::Csv { r.lines.saturating_sub(1) } else { r.lines };
                    view! {
                        <p data-testid="export-progress" aria-live="polite">
                            {format!("{} records · {} KB", format::int(records), format::int(r.bytes / 1024))}
                            {(records >= EXPORT_MAX_RECORDS).then(|| format!(" · stopped at the export limit of {} records", format::int(EXPORT_MAX_RECORDS)))}
                        </p>
                    }
                })}
                {move || done.get().map(|text| view! { <div class="notice notice-success" role="status"><p>{text}</p></div> })}
                <DialogError error />
                <footer class="dialog-footer">
                    {move || if busy.get() {
                        view! { <button type="button" class="button" on:click=move |_| cancel()>"Cancel"</button> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="button" on:click=move |_| on_close.run(())>"Close"</button>
                            <button type="submit" class="button button-primary">"Start export"</button>
                        }.into_any()
                    }}
                </footer>
            </form>
        </Dialog>
    }
}

/// Reads the export's body to its end: its chunks, and what they held.
/// `Ok(None)` when it was cancelled.
async fn download(
    path: &str,
    controller: web_sys::AbortController,
    csv: bool,
    received: RwSignal<Option<Received>>,
) -> Result<Option<(js_sys::Array, Received)>, ApiError> {
    let signal = controller.signal();
    let response = match api::open(path, controller).await {
        Ok(r) => r,
        Err(_) if signal.aborted() => return Ok(None),
        Err(e) => return Err(e),
    };
    let broken = |what: &str| ApiError::Failed {
        status: 200,
        body: api::error_body("export_interrupted", format!("The export {what}. Try again.")),
    };
    let Some(body) = response.body() else {
        return Err(broken("came without a body"));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let parts = js_sys::Array::new();
    let mut got = Received::default();
    let mut quoted = false;
    loop {
        let chunk = match wasm_bindgen_futures::JsFuture::from(reader.read()).await {
            Ok(chunk) => chunk,
            Err(_) if signal.aborted() => return Ok(None),
            Err(_) => return Err(broken("was cut off before its end")),
        };
        let field =
            |name: &str| js_sys::Reflect::get(&chunk, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        if field("done").is_truthy() {
            break;
        }
        let Ok(bytes) = field("value").dyn_into::<js_sys::Uint8Array>() else {
            continue;
        };
        got.lines += count_lines(&bytes.to_vec(), csv, &mut quoted);
        got.bytes += u64::from(bytes.length());
        parts.push(&bytes);
        received.try_set(Some(got));
    }
    Ok(Some((parts, got)))
}

#[cfg(test)]
mod tests {
    use super::count_lines;

    #[test]
    fn counts_records_across_chunks_and_not_newlines_in_quoted_csv_fields() {
        let mut quoted = false;
        assert_eq!(count_lines(b"{\"a\":1}\n{\"a\"", false, &mut quoted), 1);
        assert_eq!(count_lines(b":2}\n", false, &mut quoted), 1);
        let mut quoted = false;
        let csv = b"partition,offset\n0,1,\"two\nlines\"\n0,2,\"say \"\"hi";
        assert_eq!(count_lines(csv, true, &mut quoted), 2);
        assert!(quoted);
        assert_eq!(count_lines(b"\"\"\"\n", true, &mut quoted), 1);
    }
}
