//! Which message type of a `.proto` file a Protobuf body holds: both
//! registries put a message index before the message bytes, encoded
//! differently.
//!
//! * Confluent ("Wire format", Protobuf: "message-indexes"): the path from
//!   the file's top-level messages down through nested ones, as a zigzag
//!   varint count followed by that many zigzag varint indexes (Kafka's
//!   `ByteUtils.writeVarint`, 32-bit zigzag, at most 5 bytes each). The path
//!   `[0]` (the first top-level message, the usual case) is written as the
//!   single byte `0x00` (a count of zero). Indexes count every nested type
//!   in `DescriptorProto.nested_type`, including map-entry types.
//!   Source: Confluent's `MessageIndexes.java` (readFrom/toByteArray) as
//!   described in the Schema Registry serdes docs.
//! * Glue: ONE plain (not zigzag) protobuf varint, `writeUInt32NoTag`, of the
//!   message's position in a list of ALL the file's message types — top-level
//!   and nested (map entries included, `Descriptor.getNestedTypes()`),
//!   gathered level by level and then sorted by full name. Imported files'
//!   messages are not in the list. Source: awslabs/aws-glue-schema-registry,
//!   `serializer-deserializer/src/main/java/com/amazonaws/services/schemaregistry/serializers/protobuf/MessageIndexFinder.java`
//!   (getAll: level-order traversal, `allDescriptors.sort(comparing(getFullName))`),
//!   `.../serializers/protobuf/ProtobufWireFormatEncoder.java`
//!   (`codedOutputStream.writeUInt32NoTag(messageIndex)`) and
//!   `.../deserializers/protobuf/ProtobufWireFormatDecoder.java`
//!   (`codedInputStream.readUInt32()`).

use prost_reflect::{FileDescriptor, MessageDescriptor};

use super::{CodecError, Wire};

/// Nesting deeper than this is not a real schema; refusing it keeps a
/// corrupt count from driving a long loop.
const MAX_PATH: usize = 100;

/// The file's message types in Glue's numbering (index = position).
pub(crate) fn glue_order(file: &FileDescriptor) -> Vec<MessageDescriptor> {
    let mut all: Vec<MessageDescriptor> = Vec::new();
    let mut queue: std::collections::VecDeque<MessageDescriptor> = file.messages().collect();
    while let Some(message) = queue.pop_front() {
        queue.extend(message.child_messages());
        all.push(message);
    }
    // Java compares UTF-16 code units; protobuf names are ASCII, where that
    // equals Rust's byte order.
    all.sort_by(|a, b| a.full_name().cmp(b.full_name()));
    all
}

/// Splits a body into its message type and the message bytes.
pub(crate) fn read<'b>(
    body: &'b [u8],
    wire: Wire,
    file: &FileDescriptor,
    glue: &[MessageDescriptor],
) -> Result<(MessageDescriptor, &'b [u8]), CodecError> {
    match wire {
        Wire::Glue => {
            let (index, used) = read_uvarint(body, 10).ok_or_else(|| {
                CodecError::corrupt(
                    "The Protobuf data ends inside its message index, or the index is malformed.",
                )
            })?;
            // readUInt32 keeps the low 32 bits of a longer varint.
            let index = index as u32 as usize;
            let message = glue.get(index).cloned().ok_or_else(|| {
                CodecError::corrupt(format!(
                    "The Protobuf data names message index {index}, which does not exist: the schema has {} message types.",
                    glue.len()
                ))
            })?;
            Ok((message, &body[used..]))
        }
        Wire::Confluent => {
            let malformed = || {
                CodecError::corrupt(
                    "The Protobuf data ends inside its message indexes, or they are malformed.",
                )
            };
            let (count, mut at) = read_zigzag32(body).ok_or_else(malformed)?;
            let path: Vec<i32> = if count == 0 {
                vec![0]
            } else {
                let count = usize::try_from(count)
                    .ok()
                    .filter(|&c| c <= MAX_PATH)
                    .ok_or_else(|| CodecError::corrupt(format!("The Protobuf data's message index count {count} is not a plausible nesting depth.")))?;
                let mut path = Vec::with_capacity(count);
                for _ in 0..count {
                    let (index, used) = read_zigzag32(&body[at..]).ok_or_else(malformed)?;
                    path.push(index);
                    at += used;
                }
                path
            };
            let message = follow(file, &path).ok_or_else(|| {
                let shown = if path.len() == 1 {
                    path[0].to_string()
                } else {
                    format!("{path:?}")
                };
                CodecError::corrupt(format!(
                    "The Protobuf data names message index {shown}, which does not exist in the schema."
                ))
            })?;
            Ok((message, &body[at..]))
        }
    }
}

/// Appends the index of `message` (a type of `file`) for the given wire.
pub(crate) fn write(out: &mut Vec<u8>, wire: Wire, message: &MessageDescriptor, glue: &[MessageDescriptor]) {
    match wire {
        Wire::Glue => {
            let index = glue.iter().position(|m| m == message).unwrap_or(0);
            write_uvarint(out, index as u64);
        }
        Wire::Confluent => {
            let path = confluent_path(message);
            if path == [0] {
                out.push(0);
            } else {
                write_zigzag32(out, path.len() as i32);
                for index in path {
                    write_zigzag32(out, index);
                }
            }
        }
    }
}

fn follow(file: &FileDescriptor, path: &[i32]) -> Option<MessageDescriptor> {
    let (first, rest) = path.split_first()?;
    let mut message = file.messages().nth(usize::try_from(*first).ok()?)?;
    for index in rest {
        let child = message.child_messages().nth(usize::try_from(*index).ok()?)?;
        message = child;
    }
    Some(message)
}

/// Positions from the top-level message down to `message`.
fn confluent_path(message: &MessageDescriptor) -> Vec<i32> {
    let mut path = Vec::new();
    let mut current = message.clone();
    loop {
        let siblings: Vec<MessageDescriptor> = match current.parent_message() {
            Some(parent) => parent.child_messages().collect(),
            None => current.parent_file().messages().collect(),
        };
        path.push(siblings.iter().position(|m| m == &current).unwrap_or(0) as i32);
        match current.parent_message() {
            Some(parent) => current = parent,
            None => break,
        }
    }
    path.reverse();
    path
}

fn read_uvarint(bytes: &[u8], max_len: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().take(max_len).enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn read_zigzag32(bytes: &[u8]) -> Option<(i32, usize)> {
    let (raw, used) = read_uvarint(bytes, 5)?;
    let raw = u32::try_from(raw).ok()?;
    Some((((raw >> 1) as i32) ^ -((raw & 1) as i32), used))
}

fn write_uvarint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_zigzag32(out: &mut Vec<u8>, value: i32) {
    write_uvarint(out, u64::from(((value << 1) ^ (value >> 31)) as u32));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_matches_kafka_varints() {
        for (value, bytes) in [
            (0, vec![0x00]),
            (-1, vec![0x01]),
            (1, vec![0x02]),
            (2, vec![0x04]),
            (-64, vec![0x7f]),
            (64, vec![0x80, 0x01]),
            (i32::MIN, vec![0xff, 0xff, 0xff, 0xff, 0x0f]),
        ] {
            let mut out = Vec::new();
            write_zigzag32(&mut out, value);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(read_zigzag32(&bytes), Some((value, bytes.len())));
        }
        assert_eq!(read_zigzag32(&[0x80]), None);
        assert_eq!(read_zigzag32(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), None);
        assert_eq!(read_uvarint(&[0xac, 0x02], 10), Some((300, 2)));
        let mut out = Vec::new();
        write_uvarint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
    }
}
