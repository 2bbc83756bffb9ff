//! One module per page; the topic's tabs live beside the topic page.

mod audit;
mod clusters;
mod configs;
mod copy_messages;
mod create_topic;
mod export;
mod group_detail;
mod groups;
mod message_rows;
mod messages;
mod moved;
mod not_found;
mod overview;
mod partitions;
mod produce;
mod registry;
mod reset_offsets;
mod schema;
mod tail;
mod topic_detail;
mod topics;

pub use audit::AuditPage;
pub use clusters::ClustersPage;
use configs::ConfigsTab;
pub use create_topic::CreateTopicDialog;
pub use group_detail::GroupDetailPage;
pub use groups::GroupsPage;
use messages::MessagesTab;
pub use moved::MovedOrNotFound;
pub use not_found::{ClusterNotFound, NotFound};
pub use overview::OverviewPage;
use partitions::PartitionsTab;
pub use registry::{SchemaPage, SchemasPage};
use schema::SchemaTab;
pub use topic_detail::TopicPage;
pub use topics::TopicsPage;
