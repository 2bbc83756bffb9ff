//! Schema registries: records framed for AWS Glue Schema Registry or a
//! Confluent-compatible registry are decoded in every read path and encoded
//! on produce; the registry's schemas are shown and changed through the
//! `/schemas` routes.

pub mod codec;
pub mod wire;
