//! Building blocks shared by the pages.

mod controls;
mod dialog;
mod feedback;
mod field;
mod html;
mod json;
mod switcher;
mod table;
pub mod toast;

pub use controls::{DialogFooter, NavLink, SearchBox, When, href};
pub use dialog::{ConfirmDialog, Dialog, DialogError};
pub use feedback::{
    ErrorPanel, HealthPill, LoadError, Pill, ProgressBar, ReadOnlyNote, Stat, download, save, save_parts,
    set_title,
};
pub use field::{Field, describe};
pub use html::{Html, LOCK, RawBody, clicked, env_class};
pub use json::{JsonView, highlight, is_json, pretty_json};
pub use switcher::ClusterSwitcher;
pub use table::{Pager, SortHeader, TableSkeleton};
