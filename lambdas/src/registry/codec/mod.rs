//! Avro, Protobuf and JSON Schema codecs (issue #13; being written).
