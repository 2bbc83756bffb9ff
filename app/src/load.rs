//! Loading data for a page: one GET whose path follows signals (route
//! parameters, the query string). The last answer stays on screen while the
//! next one loads, and an answer that arrives after a newer request started is
//! dropped, so fast typing never shows a stale table. An answer about
//! another cluster does not stay, though: after a switch, the old cluster's
//! table under the new cluster's name would be a lie.
//!
//! The request itself is not generic (one copy in the download); only the
//! decoding is done per type.

use std::{any::Any, cell::Cell, marker::PhantomData, rc::Rc, sync::Arc};

use leptos::{prelude::*, task::spawn_local};
use serde::de::DeserializeOwned;

use crate::api::{self, ApiError};

pub struct Load<T: Send + Sync + 'static> {
    /// The last answer; `None` before the first one and after an error. Kept
    /// as `dyn Any`: one signal type for every answer type (each signal type
    /// costs its own copy of the reactive code in the download).
    data: RwSignal<Option<Arc<dyn Any + Send + Sync>>>,
    kind: PhantomData<fn() -> T>,
    /// Why the last request failed.
    pub error: RwSignal<Option<ApiError>>,
    /// A request is under way.
    pub loading: RwSignal<bool>,
    again: RwSignal<u32>,
}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    /// A copy of the last answer (reactive).
    pub fn get(self) -> Option<T> {
        self.with(|d| d.cloned())
    }
}

impl<T: Send + Sync + 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Load<T> {}

impl<T: Send + Sync + 'static> Load<T> {
    /// Reads the last answer (reactive).
    pub fn with<R>(self, f: impl FnOnce(Option<&T>) -> R) -> R {
        self.data
            .with(|d| f(d.as_ref().and_then(|d| d.downcast_ref::<T>())))
    }

    /// Reads the last answer without subscribing to it.
    pub fn with_untracked<R>(self, f: impl FnOnce(Option<&T>) -> R) -> R {
        self.data
            .with_untracked(|d| f(d.as_ref().and_then(|d| d.downcast_ref::<T>())))
    }

    /// Asks again with the same path.
    pub fn reload(self) {
        self.again.update(|n| *n += 1);
    }

    /// What a "Try again" button calls.
    pub fn retry(self) -> Callback<()> {
        let again = self.again;
        Callback::new(move |_| again.update(|n| *n += 1))
    }
}

/// GET `path()` now and whenever it changes; nothing while it is `None`.
pub fn load<T>(path: impl Fn() -> Option<String> + 'static) -> Load<T>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let data = RwSignal::new(None);
    let error = RwSignal::new(None);
    let loading = RwSignal::new(false);
    let again = RwSignal::new(0);
    let decode = Box::new(move |text| match api::decode::<T>(text) {
        Ok(value) => {
            data.try_set(Some(Arc::new(value) as Arc<dyn Any + Send + Sync>));
        }
        Err(e) => {
            error.try_set(Some(e));
        }
    });
    let clear = Rc::new(move || {
        data.try_set(None);
    });
    fetch_text(Box::new(path), again, loading, error, clear, decode);
    Load {
        data,
        kind: PhantomData,
        error,
        loading,
        again,
    }
}

fn fetch_text(
    path: Box<dyn Fn() -> Option<String>>,
    again: RwSignal<u32>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    clear: Rc<dyn Fn()>,
    decode: Box<dyn Fn(String)>,
) {
    let latest = Rc::new(Cell::new(0u64));
    let decode = Rc::new(decode);
    let mut last_cluster = None;
    Effect::new(move |_| {
        again.track();
        let Some(path) = path() else { return };
        let cluster = path
            .strip_prefix(configurator_api::API_PREFIX)
            .and_then(crate::cluster::of_path);
        if cluster != last_cluster {
            clear();
            last_cluster = cluster;
        }
        let this = latest.get() + 1;
        latest.set(this);
        loading.set(true);
        let (latest, decode, clear) = (latest.clone(), decode.clone(), clear.clone());
        spawn_local(async move {
            let answer = api::get_text(&path).await;
            if latest.get() != this {
                return;
            }
            match answer {
                Ok(text) => {
                    error.try_set(None);
                    decode(text);
                }
                Err(e) => {
                    clear();
                    error.try_set(Some(e));
                }
            }
            loading.try_set(false);
        });
    });
}
