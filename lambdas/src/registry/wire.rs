//! How records are framed for a schema registry (issue #13; being written).
