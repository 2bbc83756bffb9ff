//! Page state lives in the URL's query string, so every view has an address
//! (deep links, back and forward). Pages read it with `use_query_map` and
//! write it back with [`go`].

use leptos_router::{NavigateOptions, hooks::use_navigate};

/// `path?k=v&…` with the empty values left out and the rest encoded.
pub fn url(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::api::seg(v)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Returns a function that navigates within the app (paths relative to the
/// base). `replace` keeps the history short for changes made while typing.
pub fn go() -> impl Fn(&str, bool) + Clone + 'static {
    let navigate = use_navigate();
    move |to: &str, replace: bool| {
        navigate(
            to,
            NavigateOptions {
                replace,
                scroll: !replace,
                ..Default::default()
            },
        )
    }
}
