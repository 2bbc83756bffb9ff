// An independent producer/consumer of schema-registry wire formats, written
// apart from the Rust API so the browser tests and the local demo can check
// the API against real framings instead of against itself:
//
//   - AWS Glue Schema Registry: header version byte 3, compression byte
//     (0 none, 5 zlib), the schema version id as 16 bytes, then the data
//     (zlib-deflated as a whole when the compression byte is 5).
//   - Confluent-compatible registries: magic byte 0, the schema id as a 4-byte
//     big-endian integer, then the data.
//
// Payloads: Avro binary (avsc), Protobuf (protobufjs, .proto text parsed at
// run time) and JSON (UTF-8 text). Protobuf data carries which message type
// it is, differently for each registry (see glueProtobufIndex and
// confluentMessageIndexes below).
//
// Usable from the CLI (registry-producer.mjs) and from Playwright specs
// (tests/registry.ts re-exports it with types from registry.d.mts).
import { Buffer } from 'node:buffer';
import { deflateSync, inflateSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import avro from 'avsc';
import protobuf from 'protobufjs';
import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  GetSchemaByDefinitionCommand,
  GetSchemaVersionCommand,
  GlueClient,
  RegisterSchemaVersionCommand,
} from '@aws-sdk/client-glue';
import { Kafka, logLevel } from 'kafkajs';

// ---------------------------------------------------------------------------
// Glue framing
// ---------------------------------------------------------------------------

/** AWSSchemaRegistryConstants.HEADER_VERSION_BYTE */
export const GLUE_HEADER_VERSION = 3;
/** AWSSchemaRegistryConstants.COMPRESSION_DEFAULT_BYTE */
export const GLUE_COMPRESSION_NONE = 0;
/** AWSSchemaRegistryConstants.COMPRESSION_BYTE (zlib, java.util.zip.Deflater defaults) */
export const GLUE_COMPRESSION_ZLIB = 5;
const GLUE_HEADER_LENGTH = 18;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 16 bytes of a UUID, most significant first (Java's UUID via ByteBuffer.putLong twice). */
export function uuidToBytes(uuid) {
  if (!UUID_RE.test(uuid)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export function bytesToUuid(bytes) {
  const hex = Buffer.from(bytes).toString('hex');
  if (hex.length !== 32) throw new Error(`a UUID has 16 bytes, not ${hex.length / 2}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Frames `body` for Glue, as SerializationDataEncoder.write does
 * (serializer-deserializer/.../serializers/SerializationDataEncoder.java):
 * 3, compression byte, version id (16 bytes), then the body, deflated with
 * zlib (header and Adler-32, like java.util.zip.Deflater) when `zlib` is set.
 */
export function glueFrame(versionId, body, { zlib = false } = {}) {
  const data = Buffer.from(body);
  return Buffer.concat([
    Buffer.from([GLUE_HEADER_VERSION, zlib ? GLUE_COMPRESSION_ZLIB : GLUE_COMPRESSION_NONE]),
    uuidToBytes(versionId),
    zlib ? deflateSync(data) : data,
  ]);
}

/** Whether the bytes start like a Glue frame (no schema lookup). */
export function isGlueFramed(bytes) {
  return (
    bytes != null &&
    bytes.length >= GLUE_HEADER_LENGTH &&
    bytes[0] === GLUE_HEADER_VERSION &&
    (bytes[1] === GLUE_COMPRESSION_NONE || bytes[1] === GLUE_COMPRESSION_ZLIB)
  );
}

/** Reverses glueFrame: {versionId, compression: 'none'|'zlib', body (inflated)}. Throws on anything else. */
export function glueUnframe(bytes) {
  const buf = Buffer.from(bytes);
  if (buf.length < GLUE_HEADER_LENGTH) throw new Error(`too short for a Glue frame: ${buf.length} bytes`);
  if (buf[0] !== GLUE_HEADER_VERSION) throw new Error(`not a Glue frame: header version byte ${buf[0]}`);
  const versionId = bytesToUuid(buf.subarray(2, GLUE_HEADER_LENGTH));
  const rest = buf.subarray(GLUE_HEADER_LENGTH);
  if (buf[1] === GLUE_COMPRESSION_NONE) return { versionId, compression: 'none', body: rest };
  if (buf[1] === GLUE_COMPRESSION_ZLIB) return { versionId, compression: 'zlib', body: inflateSync(rest) };
  throw new Error(`not a Glue frame: compression byte ${buf[1]}`);
}

// ---------------------------------------------------------------------------
// Confluent framing
// ---------------------------------------------------------------------------

/** 0x00, the schema id as a 4-byte big-endian integer, then the body. */
export function confluentFrame(id, body) {
  if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) throw new Error(`bad Confluent schema id: ${id}`);
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, Buffer.from(body)]);
}

export function isConfluentFramed(bytes) {
  return bytes != null && bytes.length >= 5 && bytes[0] === 0;
}

/** {id, body}. */
export function confluentUnframe(bytes) {
  const buf = Buffer.from(bytes);
  if (!isConfluentFramed(buf)) throw new Error('not a Confluent frame (magic byte 0 and a 4-byte id)');
  return { id: buf.readInt32BE(1), body: buf.subarray(5) };
}

// ---------------------------------------------------------------------------
// Varints
// ---------------------------------------------------------------------------

/** Unsigned LEB128 varint (protobuf's uint32/uint64 wire encoding). */
export function writeUvarint(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad unsigned varint: ${n}`);
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

/** {value, length} of the unsigned varint at `offset`. */
export function readUvarint(buf, offset = 0) {
  let result = 0n;
  let shift = 0n;
  for (let i = offset; i < buf.length && i < offset + 10; i++) {
    const byte = buf[i];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: Number(result), length: i - offset + 1 };
    shift += 7n;
  }
  throw new Error('truncated or overlong varint');
}

/** Zigzag varint (Kafka's ByteUtils.writeVarint, protobuf's sint32). */
export function writeZigzag(n) {
  if (!Number.isSafeInteger(n)) throw new Error(`bad varint: ${n}`);
  const b = BigInt(n);
  return writeUvarint(Number(b >= 0n ? b << 1n : (-b << 1n) - 1n));
}

export function readZigzag(buf, offset = 0) {
  const { value, length } = readUvarint(buf, offset);
  const b = BigInt(value);
  return { value: Number(b & 1n ? -((b + 1n) >> 1n) : b >> 1n), length };
}

// ---------------------------------------------------------------------------
// Avro
// ---------------------------------------------------------------------------

const avroTypes = new Map();

/** avsc Type for an Avro schema (JSON text or object), cached by text. */
export function avroType(definition) {
  const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
  let type = avroTypes.get(text);
  if (!type) {
    type = avro.Type.forSchema(JSON.parse(text));
    avroTypes.set(text, type);
  }
  return type;
}

/** Avro binary of one datum (no container, no fingerprint: what both registries frame). */
export function encodeAvro(definition, value) {
  const type = avroType(definition);
  const errors = [];
  if (!type.isValid(value, { errorHook: (path) => errors.push(path.join('.') || '(root)') })) {
    throw new Error(`value does not match the Avro schema at: ${errors.join(', ')}`);
  }
  return type.toBuffer(value);
}

/** Decodes one Avro datum (all bytes must be used) into plain JSON-like data. */
export function decodeAvro(definition, body) {
  return toPlain(avroType(definition).fromBuffer(Buffer.from(body)));
}

/** avsc gives records as class instances and bytes as Buffers: plain objects, Buffers as arrays of numbers. */
function toPlain(value) {
  if (Buffer.isBuffer(value)) return [...value];
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------
// Protobuf
// ---------------------------------------------------------------------------

const protoSchemas = new Map();

/**
 * Parses .proto text. Returns {root, messages, glueOrder, pkg, imports}:
 *   - root: a resolved protobufjs Root; the well-known google/protobuf/*.proto
 *     imports that protobufjs ships (timestamp, duration, any, wrappers,
 *     struct, empty, field_mask) are loaded, other imports are not.
 *   - messages: the file's own message types (full names, no leading dot),
 *     top-level first in declaration order then nested level by level.
 *   - glueOrder: the same names as the Glue serde numbers them (see glueProtobufIndex).
 */
export function protoSchema(definition) {
  let schema = protoSchemas.get(definition);
  if (schema) return schema;
  // The file alone, to know which types are its own (imports add theirs to the same root).
  const own = protobuf.parse(definition, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  const root = new protobuf.Root();
  for (const imp of own.imports ?? []) {
    const common = protobuf.common.get(imp);
    if (common) root.addJSON(common.nested);
  }
  for (const imp of own.weakImports ?? []) {
    const common = protobuf.common.get(imp);
    if (common) root.addJSON(common.nested);
  }
  protobuf.parse(definition, root, { keepCase: true, alternateCommentMode: true });
  root.resolveAll();

  const topLevel = [];
  (function walk(ns) {
    for (const child of ns.nestedArray) {
      if (child instanceof protobuf.Type) topLevel.push(child);
      else if (child instanceof protobuf.Namespace && !(child instanceof protobuf.Service)) walk(child);
    }
  })(own.root);
  const name = (t) => t.fullName.replace(/^\./, '');

  // Breadth-first like MessageIndexFinder.getAll, with the synthetic map-entry
  // types protoc adds for map fields (Descriptor.getNestedTypes() lists them).
  const messages = [];
  const glueNames = [];
  const queue = [...topLevel];
  while (queue.length) {
    const t = queue.shift();
    messages.push(name(t));
    glueNames.push(name(t));
    for (const f of t.fieldsArray) {
      if (f.map) glueNames.push(`${name(t)}.${mapEntryName(f.name)}`);
    }
    queue.push(...t.nestedArray.filter((c) => c instanceof protobuf.Type));
  }
  // Java's String.compareTo orders by UTF-16 code units, as JS's default sort does.
  const glueOrder = [...glueNames].sort();
  schema = { root, messages, glueOrder, topLevel: topLevel.map(name), pkg: own.package ?? null, imports: own.imports ?? [] };
  protoSchemas.set(definition, schema);
  return schema;
}

/** protoc's name for a map field's entry type: foo_bar → FooBarEntry. */
function mapEntryName(fieldName) {
  let out = '';
  let upper = true;
  for (const ch of fieldName) {
    if (ch === '_') upper = true;
    else {
      out += upper ? ch.toUpperCase() : ch;
      upper = false;
    }
  }
  return `${out}Entry`;
}

function protoType(definition, message) {
  const schema = protoSchema(definition);
  const full = message ?? schema.messages[0];
  if (!full) throw new Error('the .proto declares no message');
  const candidates = [full, schema.pkg ? `${schema.pkg}.${full}` : null].filter(Boolean);
  const hit = candidates.find((c) => schema.messages.includes(c));
  if (!hit) throw new Error(`no message ${full} in the .proto (has ${schema.messages.join(', ')})`);
  return { schema, name: hit, type: schema.root.lookupType(hit) };
}

/** Options for protobufjs toObject, near proto3's JSON mapping: enums by name, 64-bit ints and bytes as strings. */
export const PROTO_TO_OBJECT = { enums: String, longs: String, bytes: String };

/** Protobuf bytes of `value` (a plain object, as protobufjs fromObject takes it) as `message` (default: first in the file). */
export function encodeProtobuf(definition, message, value) {
  const { type } = protoType(definition, message);
  checkProtoFields(type, value, type.fullName.replace(/^\./, ''));
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** fromObject drops unknown fields silently: refuse them, so a typo in test data shows. */
function checkProtoFields(type, value, path) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${path}: expected an object for ${type.fullName}`);
  }
  if (type.fullName.startsWith('.google.protobuf.')) return;
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field) throw new Error(`${path}.${key}: no such field in ${type.fullName.replace(/^\./, '')}`);
    field.resolve();
    if (!(field.resolvedType instanceof protobuf.Type) || v == null) continue;
    if (field.map) for (const [k, item] of Object.entries(v)) checkProtoFields(field.resolvedType, item, `${path}.${key}[${k}]`);
    else if (field.repeated) v.forEach((item, i) => checkProtoFields(field.resolvedType, item, `${path}.${key}[${i}]`));
    else checkProtoFields(field.resolvedType, v, `${path}.${key}`);
  }
}

export function decodeProtobuf(definition, message, bytes, toObject = PROTO_TO_OBJECT) {
  const { type } = protoType(definition, message);
  return type.toObject(type.decode(Buffer.from(bytes)), toObject);
}

/**
 * The index the AWS Glue serde writes before the Protobuf bytes. From
 * awslabs/aws-glue-schema-registry (master, 2025):
 * serializer-deserializer/src/main/java/com/amazonaws/services/schemaregistry/serializers/protobuf/MessageIndexFinder.java
 * (getAll) collects the file's message types breadth-first (top-level ones,
 * then their nested types, recursively; imported files are not included),
 * sorts them by full name ("pkg.Outer.Inner") and numbers them from 0;
 * ProtobufWireFormatEncoder.java (prefixMessageIndexToBytes) then writes that
 * ONE number with CodedOutputStream.writeUInt32NoTag, a plain unsigned
 * varint (its comment says "zig-zag" but writeUInt32NoTag does not zigzag),
 * and the message bytes after it; deserializers/protobuf/ProtobufWireFormatDecoder.java
 * reads it back with CodedInputStream.readUInt32. With compression, the
 * whole thing (index and message) is deflated (SerializationDataEncoder).
 */
export function glueProtobufIndex(definition, message) {
  const { schema, name } = protoType(definition, message);
  return schema.glueOrder.indexOf(name);
}

/** Glue's Protobuf body: uvarint(index) + message bytes. */
export function glueProtobufBody(definition, message, value) {
  return Buffer.concat([writeUvarint(glueProtobufIndex(definition, message)), encodeProtobuf(definition, message, value)]);
}

/** {message, index, value} from Glue's Protobuf body. */
export function decodeGlueProtobuf(definition, body, toObject = PROTO_TO_OBJECT) {
  const schema = protoSchema(definition);
  const { value: index, length } = readUvarint(body, 0);
  const message = schema.glueOrder[index];
  if (message === undefined || !schema.messages.includes(message)) {
    throw new Error(`Glue message index ${index} names no message of the schema (${schema.glueOrder.length} types)`);
  }
  return { message, index, value: decodeProtobuf(definition, message, body.subarray(length), toObject) };
}

/**
 * Confluent's message indexes: the path to the message type, each step its
 * position among its parent's message types in declaration order (first the
 * file's top-level messages), as ProtobufSchema.toMessageIndexes does in
 * confluentinc/schema-registry (protobuf-provider/.../ProtobufSchema.java):
 * it counts the MessageElements of the schema parsed from .proto text, where
 * map fields make no nested type. (protoc's nested_type numbering, which
 * counts map entries, differs when a map field precedes a nested message.)
 */
export function confluentMessageIndexes(definition, message) {
  const { schema, type } = protoType(definition, message);
  const path = [];
  let t = type;
  while (t.parent instanceof protobuf.Type) {
    path.unshift(t.parent.nestedArray.filter((c) => c instanceof protobuf.Type).indexOf(t));
    t = t.parent;
  }
  path.unshift(schema.topLevel.indexOf(t.fullName.replace(/^\./, '')));
  return path;
}

/** Zigzag count then zigzag indexes; [0] as the single byte 0 (as Confluent's serializer writes it). */
export function writeConfluentIndexes(indexes) {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  return Buffer.concat([writeZigzag(indexes.length), ...indexes.map(writeZigzag)]);
}

/** {indexes, length}; a count of 0 means [0]. */
export function readConfluentIndexes(buf, offset = 0) {
  const count = readZigzag(buf, offset);
  if (count.value < 0 || count.value > 100) throw new Error(`bad message-index count ${count.value}`);
  let length = count.length;
  if (count.value === 0) return { indexes: [0], length };
  const indexes = [];
  for (let i = 0; i < count.value; i++) {
    const idx = readZigzag(buf, offset + length);
    indexes.push(idx.value);
    length += idx.length;
  }
  return { indexes, length };
}

function messageAtIndexes(definition, indexes) {
  const schema = protoSchema(definition);
  let name = schema.topLevel[indexes[0]];
  if (name === undefined) throw new Error(`no top-level message ${indexes[0]}`);
  let t = schema.root.lookupType(name);
  for (const i of indexes.slice(1)) {
    t = t.nestedArray.filter((c) => c instanceof protobuf.Type)[i];
    if (!t) throw new Error(`message indexes ${JSON.stringify(indexes)} lead nowhere`);
  }
  return t.fullName.replace(/^\./, '');
}

export function confluentProtobufBody(definition, message, value) {
  return Buffer.concat([
    writeConfluentIndexes(confluentMessageIndexes(definition, message)),
    encodeProtobuf(definition, message, value),
  ]);
}

export function decodeConfluentProtobuf(definition, body, toObject = PROTO_TO_OBJECT) {
  const { indexes, length } = readConfluentIndexes(body, 0);
  const message = messageAtIndexes(definition, indexes);
  return { message, indexes, value: decodeProtobuf(definition, message, body.subarray(length), toObject) };
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

export function encodeJson(value) {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function decodeJson(body) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
}

// ---------------------------------------------------------------------------
// Payloads for either registry
// ---------------------------------------------------------------------------

/** 'AVRO' | 'PROTOBUF' | 'JSON' (Glue DataFormat, Confluent schemaType; Confluent's absent type is AVRO). */
function normFormat(format) {
  const f = String(format ?? 'AVRO').toUpperCase();
  if (f === 'AVRO' || f === 'PROTOBUF' || f === 'JSON') return f;
  throw new Error(`unknown schema format ${format}`);
}

/** Glue-framed record: {versionId, format, definition, value, message?, zlib?} → Buffer. */
export function encodeGlue({ versionId, format, definition, value, message, zlib = false }) {
  const f = normFormat(format);
  const body =
    f === 'AVRO' ? encodeAvro(definition, value) : f === 'PROTOBUF' ? glueProtobufBody(definition, message, value) : encodeJson(value);
  return glueFrame(versionId, body, { zlib });
}

/** Confluent-framed record: {id, schemaType, schema, value, message?} → Buffer. */
export function encodeConfluent({ id, schemaType, schema, value, message }) {
  const f = normFormat(schemaType);
  const body =
    f === 'AVRO' ? encodeAvro(schema, value) : f === 'PROTOBUF' ? confluentProtobufBody(schema, message, value) : encodeJson(value);
  return confluentFrame(id, body);
}

// ---------------------------------------------------------------------------
// Glue registry
// ---------------------------------------------------------------------------

/**
 * A Glue client. With an endpoint (or AWS_ENDPOINT_URL_GLUE), e.g. moto, it
 * uses dummy static credentials; without, the SDK's default chain.
 */
export function glueClient({ endpoint, region } = {}) {
  // The SDK warns on every run that its 2027 releases will need Node 22 (this suite runs on 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const url = endpoint ?? process.env.AWS_ENDPOINT_URL_GLUE;
  return new GlueClient({
    region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-central-1',
    ...(url ? { endpoint: url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } } : {}),
  });
}

const isName = (err, ...names) => err && names.includes(err.name ?? err.Code ?? err.code);

/** Creates the registry unless it exists; {created}. */
export async function ensureGlueRegistry({ client = glueClient(), registry, description }) {
  try {
    await client.send(
      new CreateRegistryCommand({ RegistryName: registry, Description: description ?? 'Configurator local demo' }),
    );
    return { created: true };
  } catch (err) {
    if (isName(err, 'AlreadyExistsException')) return { created: false };
    throw err;
  }
}

async function waitAvailable(client, versionId) {
  for (let i = 0; ; i++) {
    const v = await client.send(new GetSchemaVersionCommand({ SchemaVersionId: versionId }));
    if (v.Status === 'AVAILABLE' || v.Status === undefined) return v;
    if (v.Status === 'FAILURE' || v.Status === 'DELETING') {
      throw new Error(`Glue schema version ${versionId} is ${v.Status}`);
    }
    if (i >= 40) throw new Error(`Glue schema version ${versionId} still ${v.Status} after 20 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The schema version for `definition`: the existing one when the schema
 * already has this definition, else a new version (CreateSchema when the
 * schema is missing, RegisterSchemaVersion otherwise). Waits until the
 * version is AVAILABLE. Returns {versionId, versionNumber, created}.
 */
export async function ensureGlueSchema({
  client = glueClient(),
  registry,
  name,
  format,
  definition,
  compatibility = 'BACKWARD',
  description,
}) {
  const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
  const SchemaId = { RegistryName: registry, SchemaName: name };
  try {
    const found = await client.send(new GetSchemaByDefinitionCommand({ SchemaId, SchemaDefinition: text }));
    const v = await waitAvailable(client, found.SchemaVersionId);
    return { versionId: found.SchemaVersionId, versionNumber: Number(v.VersionNumber), created: false };
  } catch (err) {
    if (!isName(err, 'EntityNotFoundException')) throw err;
  }
  let versionId;
  try {
    const made = await client.send(
      new CreateSchemaCommand({
        RegistryId: { RegistryName: registry },
        SchemaName: name,
        DataFormat: normFormat(format),
        Compatibility: compatibility,
        SchemaDefinition: text,
        ...(description ? { Description: description } : {}),
      }),
    );
    versionId = made.SchemaVersionId;
  } catch (err) {
    if (!isName(err, 'AlreadyExistsException')) throw err;
    const reg = await client.send(new RegisterSchemaVersionCommand({ SchemaId, SchemaDefinition: text }));
    versionId = reg.SchemaVersionId;
  }
  const v = await waitAvailable(client, versionId);
  return { versionId, versionNumber: Number(v.VersionNumber), created: true };
}

/** GetSchemaVersion by id, cached (a version never changes): {name, registry, format, definition, version}. */
const glueVersions = new Map();
export async function glueSchemaVersion(client, versionId) {
  const cached = glueVersions.get(versionId);
  if (cached) return cached;
  const v = await client.send(new GetSchemaVersionCommand({ SchemaVersionId: versionId }));
  // arn:aws:glue:<region>:<account>:schema/<registry>/<schema>
  const m = /:schema\/([^/]+)\/(.+)$/.exec(v.SchemaArn ?? '');
  const out = {
    registry: m?.[1],
    name: m?.[2],
    format: normFormat(v.DataFormat),
    definition: v.SchemaDefinition,
    version: Number(v.VersionNumber),
    status: v.Status,
  };
  glueVersions.set(versionId, out);
  return out;
}

// ---------------------------------------------------------------------------
// Confluent-compatible registry (REST)
// ---------------------------------------------------------------------------

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Splits user:password@ off the URL (fetch refuses URLs with credentials) into a Basic header. */
function registryRequest(url, path, init = {}) {
  const u = new URL(url);
  const headers = { Accept: `${CONTENT_TYPE}, application/json`, ...(init.body ? { 'Content-Type': CONTENT_TYPE } : {}) };
  if (u.username || u.password) {
    headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  const base = u.toString().replace(/\/+$/, '');
  return { target: `${base}${path}`, init: { ...init, headers: { ...headers, ...init.headers } } };
}

async function registryJson(url, path, init) {
  const { target, init: req } = registryRequest(url, path, init);
  const res = await fetch(target, req);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const err = new Error(`${req.method ?? 'GET'} ${path}: HTTP ${res.status} ${typeof body === 'object' ? JSON.stringify(body) : body}`);
    err.status = res.status;
    err.body = body;
    throw err;
  }
  return body;
}

/**
 * Registers `schema` under `subject` (the registry returns the existing id
 * for a schema it already has) and looks up its version.
 * schemaType: 'AVRO' (default) | 'PROTOBUF' | 'JSON'. Returns {id, version}.
 */
export async function ensureSubject({ url, subject, schema, schemaType = 'AVRO', references }) {
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  const payload = JSON.stringify({
    schema: text,
    ...(normFormat(schemaType) !== 'AVRO' ? { schemaType: normFormat(schemaType) } : {}),
    ...(references?.length ? { references } : {}),
  });
  const s = encodeURIComponent(subject);
  const { id } = await registryJson(url, `/subjects/${s}/versions`, { method: 'POST', body: payload });
  const found = await registryJson(url, `/subjects/${s}`, { method: 'POST', body: payload });
  return { id: Number(id), version: Number(found.version) };
}

/** GET /schemas/ids/{id} (+ /versions for subject and version when the registry has it), cached per URL and id. */
const confluentSchemas = new Map();
export async function confluentSchema(url, id) {
  const key = `${url} ${id}`;
  const cached = confluentSchemas.get(key);
  if (cached) return cached;
  const s = await registryJson(url, `/schemas/ids/${id}`);
  let subject;
  let version;
  try {
    const versions = await registryJson(url, `/schemas/ids/${id}/versions`);
    if (Array.isArray(versions) && versions.length) {
      subject = versions[0].subject;
      version = Number(versions[0].version);
    }
  } catch {
    // older registries lack /schemas/ids/{id}/versions
  }
  const out = { id, format: normFormat(s.schemaType), definition: s.schema, references: s.references ?? [], subject, version };
  confluentSchemas.set(key, out);
  return out;
}

// ---------------------------------------------------------------------------
// Decoding what a topic holds
// ---------------------------------------------------------------------------

/**
 * Detects the framing, fetches the writer's schema from the registry and
 * decodes. Options: glue: {client} (or {endpoint, region}), confluentUrl.
 * Returns, lower-case `format` as the API's SchemaFormat serialises it:
 *   Glue:      {registry: 'glue', format, name, schemaName, registryName, version, id (UUID), compression, message?, value}
 *   Confluent: {registry: 'confluent', format, name, subject, version, id (number), message?, messageIndexes?, value}
 * Throws when the bytes are neither framing or do not decode.
 */
export async function decodeFramed(bytes, { glue, confluentUrl } = {}) {
  const buf = Buffer.from(bytes);
  if (isGlueFramed(buf) && glue) {
    const client = glue.client ?? glueClient(glue);
    const { versionId, compression, body } = glueUnframe(buf);
    const s = await glueSchemaVersion(client, versionId);
    const base = {
      registry: 'glue',
      format: s.format.toLowerCase(),
      name: s.name,
      schemaName: s.name,
      registryName: s.registry,
      version: s.version,
      id: versionId,
      compression,
    };
    if (s.format === 'AVRO') return { ...base, value: decodeAvro(s.definition, body) };
    if (s.format === 'JSON') return { ...base, value: decodeJson(body) };
    const p = decodeGlueProtobuf(s.definition, body);
    return { ...base, message: p.message, value: p.value };
  }
  if (isConfluentFramed(buf) && confluentUrl) {
    const { id, body } = confluentUnframe(buf);
    const s = await confluentSchema(confluentUrl, id);
    const base = { registry: 'confluent', format: s.format.toLowerCase(), name: s.subject, subject: s.subject, version: s.version, id };
    if (s.format === 'AVRO') return { ...base, value: decodeAvro(s.definition, body) };
    if (s.format === 'JSON') return { ...base, value: decodeJson(body) };
    const p = decodeConfluentProtobuf(s.definition, body);
    return { ...base, message: p.message, messageIndexes: p.indexes, value: p.value };
  }
  if (isGlueFramed(buf)) throw new Error('Glue-framed record, but no glue client given');
  if (isConfluentFramed(buf)) throw new Error('Confluent-framed record, but no confluentUrl given');
  throw new Error(`not framed for a registry (first byte ${buf[0]})`);
}

// ---------------------------------------------------------------------------
// Kafka helpers (kafkajs)
// ---------------------------------------------------------------------------

export function kafkaClient(brokers, clientId = 'configurator-registry-tool') {
  return new Kafka({ clientId, brokers: Array.isArray(brokers) ? brokers : String(brokers).split(','), logLevel: logLevel.NOTHING });
}

/** Creates the topics that do not exist yet; returns the names created. */
export async function ensureTopics(kafka, topics) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions ?? 1, replicationFactor: 1 })),
      });
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Sends records ({key, value: Buffer, headers?, partition?}) to a topic. */
export async function produce(kafka, topic, messages) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Every record a topic holds now, from each partition's start to its high
 * watermark: [{partition, offset, key (Buffer|null), value (Buffer|null), headers, timestamp}],
 * ordered by partition then offset. No group offsets are committed.
 */
export async function readTopic(kafka, topic, { timeoutMs = 15_000 } = {}) {
  const admin = kafka.admin();
  await admin.connect();
  let ends;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  const records = [];
  if (!remaining.size) return records;
  const consumer = kafka.consumer({ groupId: `configurator-registry-tool-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic}: ${records.length} records after ${timeoutMs} ms, partitions left ${[...remaining.keys()]}`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined) return;
            records.push({ partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, timestamp: message.timestamp });
            if (BigInt(message.offset) + 1n >= end) {
              remaining.delete(partition);
              if (!remaining.size) {
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
