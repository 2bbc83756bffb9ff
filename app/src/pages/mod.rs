//! One module per page.

mod not_found;
mod topics;

pub use not_found::NotFound;
pub use topics::TopicsPage;
