//! How records are framed for a schema registry: the few header bytes that
//! say which schema (version) wrote the body, before the schema's own
//! encoding starts.
//!
//! * Confluent (and Redpanda, Apicurio in Confluent mode, Karapace): magic
//!   byte `0x00`, the schema id as a 4-byte big-endian integer, then the body.
//!   Source: Confluent's "Wire format" documentation
//!   (docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format).
//! * AWS Glue Schema Registry: header version byte `3`, a compression byte
//!   (`0` none, `5` zlib), the 16-byte schema version UUID (most significant
//!   long first, both big-endian), then the body, zlib-deflated when the
//!   compression byte is 5. Source: awslabs/aws-glue-schema-registry,
//!   `common/.../utils/AWSSchemaRegistryConstants.java` (HEADER_VERSION_BYTE = 3,
//!   COMPRESSION_BYTE = 5, COMPRESSION_DEFAULT_BYTE = 0),
//!   `serializer-deserializer/.../deserializers/GlueSchemaRegistryDeserializerDataParser.java`
//!   (at least 18 bytes; UUID read as two big-endian longs) and
//!   `common/.../GlueSchemaRegistryDefaultCompression.java` (java.util.zip
//!   Deflater/Inflater, i.e. zlib with its 2-byte header).

use std::borrow::Cow;
use std::io::{Read, Write};

use configurator_api::GlueCompression;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use super::codec::{CodecError, Wire};

/// Largest body a zlib-compressed Glue frame may inflate to.
pub const MAX_INFLATED_BYTES: usize = 8 * 1024 * 1024;

const CONFLUENT_MAGIC: u8 = 0;
const CONFLUENT_HEADER: usize = 5;
const GLUE_HEADER_VERSION: u8 = 3;
const GLUE_COMPRESSION_NONE: u8 = 0;
const GLUE_COMPRESSION_ZLIB: u8 = 5;
const GLUE_HEADER: usize = 18;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// magic byte 0, 4-byte big-endian schema id, then the body
    Confluent { id: u32, body: &'a [u8] },
    /// header version byte 3, compression byte (0 none, 5 zlib), 16-byte schema version UUID, then the body
    Glue {
        version_id: uuid::Uuid,
        compression: GlueCompression,
        body: &'a [u8],
    },
}

impl<'a> Frame<'a> {
    /// Which framing `bytes` carry, if any (a record with neither is shown raw by the caller).
    ///
    /// The two magic bytes differ (0 vs 3), so at most one framing matches.
    /// Glue's own parser also refuses a compression byte other than 0 or 5,
    /// so such bytes are "not framed" rather than a corrupt frame.
    pub fn detect(bytes: &'a [u8]) -> Option<Frame<'a>> {
        match *bytes.first()? {
            CONFLUENT_MAGIC if bytes.len() >= CONFLUENT_HEADER => {
                let id = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
                Some(Frame::Confluent {
                    id,
                    body: &bytes[CONFLUENT_HEADER..],
                })
            }
            GLUE_HEADER_VERSION if bytes.len() >= GLUE_HEADER => {
                let compression = match bytes[1] {
                    GLUE_COMPRESSION_NONE => GlueCompression::None,
                    GLUE_COMPRESSION_ZLIB => GlueCompression::Zlib,
                    _ => return None,
                };
                let uuid_bytes: [u8; 16] = bytes[2..GLUE_HEADER].try_into().ok()?;
                Some(Frame::Glue {
                    version_id: uuid::Uuid::from_bytes(uuid_bytes),
                    compression,
                    body: &bytes[GLUE_HEADER..],
                })
            }
            _ => None,
        }
    }

    /// The body as the schema's encoding sees it: a zlib Glue body inflated, bounded by MAX_INFLATED_BYTES (error otherwise).
    pub fn body(&self) -> Result<Cow<'a, [u8]>, CodecError> {
        match *self {
            Frame::Confluent { body, .. }
            | Frame::Glue {
                compression: GlueCompression::None,
                body,
                ..
            } => Ok(Cow::Borrowed(body)),
            Frame::Glue {
                compression: GlueCompression::Zlib,
                body,
                ..
            } => inflate(body).map(Cow::Owned),
        }
    }

    /// The id as the API shows it: the Confluent number, or the Glue UUID (hyphenated lowercase).
    pub fn id_string(&self) -> String {
        match self {
            Frame::Confluent { id, .. } => id.to_string(),
            Frame::Glue { version_id, .. } => version_id.hyphenated().to_string(),
        }
    }

    pub fn wire(&self) -> Wire {
        match self {
            Frame::Confluent { .. } => Wire::Confluent,
            Frame::Glue { .. } => Wire::Glue,
        }
    }
}

pub fn confluent_frame(id: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(CONFLUENT_HEADER + body.len());
    out.push(CONFLUENT_MAGIC);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(body);
    out
}

pub fn glue_frame(version_id: uuid::Uuid, compression: GlueCompression, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(GLUE_HEADER + body.len());
    out.push(GLUE_HEADER_VERSION);
    match compression {
        GlueCompression::None => {
            out.push(GLUE_COMPRESSION_NONE);
            out.extend_from_slice(version_id.as_bytes());
            out.extend_from_slice(body);
        }
        GlueCompression::Zlib => {
            out.push(GLUE_COMPRESSION_ZLIB);
            out.extend_from_slice(version_id.as_bytes());
            // Java's Deflater default level (6), as the Glue serde uses.
            let mut encoder = ZlibEncoder::new(out, Compression::default());
            // Writing into a Vec cannot fail.
            let _ = encoder.write_all(body);
            out = encoder.finish().unwrap_or_default();
        }
    }
    out
}

/// Inflates at most MAX_INFLATED_BYTES: reading one byte past the bound
/// tells a body that is exactly at the limit from a zlib bomb, without ever
/// holding more than the bound in memory.
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    let limit = MAX_INFLATED_BYTES as u64 + 1;
    ZlibDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| {
            CodecError::new(
                "corrupt_payload",
                format!("The Glue frame says its data is zlib-compressed, but it does not inflate: {e}."),
            )
        })?;
    if out.len() > MAX_INFLATED_BYTES {
        return Err(CodecError::new(
            "too_large_to_decode",
            format!(
                "The Glue frame's zlib data inflates to more than {} MiB, the most the API decodes.",
                MAX_INFLATED_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERSION: uuid::Uuid = uuid::uuid!("1b4e28ba-2fa1-11d2-883f-0016d3cca427");

    #[test]
    fn confluent_frame_round_trips() {
        let framed = confluent_frame(0x0102_0304, b"body");
        assert_eq!(framed, [0, 1, 2, 3, 4, b'b', b'o', b'd', b'y']);
        let frame = Frame::detect(&framed).unwrap();
        assert_eq!(
            frame,
            Frame::Confluent {
                id: 0x0102_0304,
                body: b"body"
            }
        );
        assert_eq!(frame.id_string(), "16909060");
        assert_eq!(frame.wire(), Wire::Confluent);
        assert_eq!(&*frame.body().unwrap(), b"body");
    }

    #[test]
    fn glue_frame_round_trips_uncompressed() {
        let framed = glue_frame(VERSION, GlueCompression::None, b"{}");
        assert_eq!(&framed[..2], &[3, 0]);
        assert_eq!(
            &framed[2..18],
            &[
                0x1b, 0x4e, 0x28, 0xba, 0x2f, 0xa1, 0x11, 0xd2, 0x88, 0x3f, 0x00, 0x16, 0xd3, 0xcc, 0xa4,
                0x27
            ]
        );
        let frame = Frame::detect(&framed).unwrap();
        assert_eq!(frame.id_string(), "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
        assert_eq!(frame.wire(), Wire::Glue);
        assert!(matches!(frame.body().unwrap(), Cow::Borrowed(b"{}")));
    }

    #[test]
    fn glue_zlib_frame_inflates() {
        let body = b"hello hello hello hello hello".repeat(10);
        let framed = glue_frame(VERSION, GlueCompression::Zlib, &body);
        assert_eq!(framed[1], 5);
        // zlib header (CMF 0x78) right after the UUID, and actually smaller.
        assert_eq!(framed[18], 0x78);
        assert!(framed.len() < 18 + body.len());
        let frame = Frame::detect(&framed).unwrap();
        assert!(matches!(
            frame,
            Frame::Glue {
                compression: GlueCompression::Zlib,
                ..
            }
        ));
        assert_eq!(frame.body().unwrap().as_ref(), body.as_slice());
    }

    #[test]
    fn zlib_bomb_over_the_bound_is_refused() {
        // 9 MiB of zeros deflates to a few KiB.
        let bomb = vec![0u8; 9 * 1024 * 1024];
        let framed = glue_frame(VERSION, GlueCompression::Zlib, &bomb);
        assert!(framed.len() < 64 * 1024);
        let err = Frame::detect(&framed).unwrap().body().unwrap_err();
        assert_eq!(err.code, "too_large_to_decode");
        assert!(err.message.contains("8 MiB"), "{}", err.message);
        // Exactly at the bound is fine.
        let at_bound = vec![0u8; MAX_INFLATED_BYTES];
        let framed = glue_frame(VERSION, GlueCompression::Zlib, &at_bound);
        assert_eq!(
            Frame::detect(&framed).unwrap().body().unwrap().len(),
            MAX_INFLATED_BYTES
        );
    }

    #[test]
    fn corrupt_zlib_is_a_clear_error() {
        let mut framed = glue_frame(VERSION, GlueCompression::None, b"not zlib at all");
        framed[1] = 5;
        let err = Frame::detect(&framed).unwrap().body().unwrap_err();
        assert_eq!(err.code, "corrupt_payload");
        assert!(err.message.contains("does not inflate"), "{}", err.message);
        // A truncated zlib stream, too.
        let good = glue_frame(VERSION, GlueCompression::Zlib, &[7u8; 1000]);
        let cut = &good[..good.len() - 6];
        assert_eq!(
            Frame::detect(cut).unwrap().body().unwrap_err().code,
            "corrupt_payload"
        );
    }

    #[test]
    fn short_and_unframed_inputs_are_not_frames() {
        assert_eq!(Frame::detect(&[]), None);
        assert_eq!(Frame::detect(&[0]), None);
        assert_eq!(Frame::detect(&[0, 0, 0, 1]), None);
        assert_eq!(
            Frame::detect(&[0, 0, 0, 0, 1]),
            Some(Frame::Confluent { id: 1, body: &[] })
        );
        assert_eq!(Frame::detect(&[3; 17]), None);
        assert_eq!(Frame::detect(b"{\"plain\":\"json\"}"), None);
        // Glue header with an unknown compression byte.
        let mut framed = glue_frame(VERSION, GlueCompression::None, b"x");
        framed[1] = 1;
        assert_eq!(Frame::detect(&framed), None);
        // Every 1- to 3-byte input: never a panic.
        for a in 0..=255u8 {
            for b in [0u8, 3, 5, 255] {
                let _ = Frame::detect(&[a]);
                let _ = Frame::detect(&[a, b]);
                let _ = Frame::detect(&[a, b, a]).map(|f| f.body());
            }
        }
    }
}
