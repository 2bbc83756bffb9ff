//! Which cluster a page is about, and the paths that lead to it.
//!
//! Every page about one cluster's data lives under `/clusters/{cluster}/…`,
//! as the API's resources do (`/api/v1/clusters/{cluster}/…`), so the cluster
//! is part of every address: a link, a bookmark or a page left open always
//! says which cluster it shows and changes. [`scope`] writes that prefix for
//! both, in one place.

use configurator_api::{API_PREFIX, ClusterAccess, ClusterTotals, Permission, routes::percent_decode};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::Deserialize;

use crate::{
    api::{BASE, seg},
    load::{Load, load},
    permissions::Session,
};

/// `/clusters/{cluster}`, the id made safe as a path segment.
pub fn scope(cluster: &str) -> String {
    format!("/clusters/{}", seg(cluster))
}

/// A page of `cluster` (relative to the console's base, like every router path).
pub fn page_path(cluster: &str, rest: &str) -> String {
    scope(cluster) + rest
}

/// An API path of `cluster`, for [`crate::api`].
pub fn api_path(cluster: &str, rest: &str) -> String {
    format!("{API_PREFIX}{}{rest}", scope(cluster))
}

/// The cluster a console path (relative to the base) is about, decoded.
pub fn of_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/clusters/")?;
    percent_decode(rest.split('/').next()?).filter(|id| !id.is_empty())
}

/// Where switching to cluster `to` leads from the page at `here` (relative
/// to the base): the same list on the other cluster, since a list exists on
/// every cluster; from anything else (a topic, a group, which the other
/// cluster may not have) its overview. The query is left behind: a search
/// or a page number is about the cluster left.
pub fn switch_target(here: &str, to: &str, may_audit: bool) -> String {
    let page = here
        .strip_prefix("/clusters/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, page)| page.trim_end_matches('/'));
    let rest = match page {
        Some("topics") => "/topics",
        Some("groups") => "/groups",
        Some("schemas") => "/schemas",
        Some("audit") if may_audit => "/audit",
        _ => "",
    };
    page_path(to, rest)
}

/// The cluster in the address bar (`None` on pages about no one cluster),
/// with what the signed-in person may do there.
#[derive(Clone, Copy)]
pub struct Current {
    id: Memo<Option<String>>,
    session: Session,
}

impl Current {
    /// Follows the router's location; call inside the `<Router>`.
    pub fn from_location(session: Session) -> Self {
        let location = use_location();
        let id = Memo::new(move |_| {
            location
                .pathname
                .with(|p| of_path(p.strip_prefix(BASE).unwrap_or(p)))
        });
        Self { id, session }
    }

    /// The cluster's id, `None` outside a cluster's pages (reactive).
    pub fn get(self) -> Option<String> {
        self.id.get()
    }

    /// The cluster's id (reactive); empty outside a cluster's pages.
    pub fn id(self) -> String {
        self.get().unwrap_or_default()
    }

    pub fn id_untracked(self) -> String {
        self.id.get_untracked().unwrap_or_default()
    }

    /// A page of this cluster, e.g. `page("/topics")` (reactive).
    pub fn page(self, rest: &str) -> String {
        page_path(&self.id(), rest)
    }

    /// An API path of this cluster, e.g. `api("/topics")` (reactive).
    pub fn api(self, rest: &str) -> String {
        api_path(&self.id(), rest)
    }

    /// [`Self::api`] without subscribing, for calls made from handlers.
    pub fn api_untracked(self, rest: &str) -> String {
        api_path(&self.id_untracked(), rest)
    }

    /// The cluster's name, environment and what the person may do there
    /// (reactive); `None` outside a cluster's pages or before `/auth/me`.
    pub fn access(self) -> Option<ClusterAccess> {
        let id = self.get()?;
        self.session.0.with(|me| me.as_ref()?.access(&id).cloned())
    }

    /// The name people know the cluster by, else its id (reactive).
    pub fn name(self) -> String {
        self.access().map_or_else(|| self.id(), |a| a.name)
    }

    /// Whether the person holds `permission` on this cluster (reactive).
    pub fn can(self, permission: Permission) -> bool {
        self.session.can(&self.id(), permission)
    }
}

pub fn use_cluster() -> Current {
    expect_context::<Current>()
}

/// `configurator_api::ClusterList` as the console reads it.
#[derive(Deserialize)]
pub struct ClusterList {
    pub clusters: Vec<ClusterSummary>,
    pub default_cluster: Option<String>,
}

/// `configurator_api::ClusterSummary`, with its health read flat: the
/// contract's `ClusterHealth` is an internally tagged enum, whose derived
/// deserialiser buffers the answer into serde's `Content` and decodes every
/// field a second time from there (kilobytes in the download). The
/// permissions are not read: `/auth/me` has them.
#[derive(Deserialize)]
pub struct ClusterSummary {
    pub id: String,
    pub name: String,
    pub environment: String,
    pub health: Health,
}

/// `configurator_api::ClusterHealth`: `status` is `reachable` (with
/// `totals` when the person may read them) or `unreachable` (with `reason`).
#[derive(Deserialize)]
pub struct Health {
    pub status: String,
    pub elapsed_ms: u64,
    #[serde(default)]
    pub totals: Option<ClusterTotals>,
    #[serde(default)]
    pub reason: Option<String>,
}

impl Health {
    pub fn reachable(&self) -> bool {
        self.status == "reachable"
    }
}

/// Every cluster the person may see, with its health (`GET /clusters`):
/// asked once at start and whenever the overview refreshes, shared by the
/// overview, the switcher and the redirects of old addresses.
#[derive(Clone, Copy)]
pub struct Clusters(pub Load<ClusterList>);

impl Clusters {
    pub fn load() -> Self {
        Self(load(|| Some(format!("{API_PREFIX}/clusters"))))
    }
}

pub fn use_clusters() -> Clusters {
    expect_context::<Clusters>()
}
