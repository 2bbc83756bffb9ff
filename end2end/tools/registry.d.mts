// Types for registry.mjs (see there for what each function does).
import type { Buffer } from 'node:buffer';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { IHeaders, Kafka } from 'kafkajs';

export type Format = 'AVRO' | 'PROTOBUF' | 'JSON';
type Bytes = Buffer | Uint8Array;

export const GLUE_HEADER_VERSION: 3;
export const GLUE_COMPRESSION_NONE: 0;
export const GLUE_COMPRESSION_ZLIB: 5;

export function uuidToBytes(uuid: string): Buffer;
export function bytesToUuid(bytes: Bytes): string;
export function glueFrame(versionId: string, body: Bytes, options?: { zlib?: boolean }): Buffer;
export function isGlueFramed(bytes: Bytes | null | undefined): boolean;
export function glueUnframe(bytes: Bytes): { versionId: string; compression: 'none' | 'zlib'; body: Buffer };

export function confluentFrame(id: number, body: Bytes): Buffer;
export function isConfluentFramed(bytes: Bytes | null | undefined): boolean;
export function confluentUnframe(bytes: Bytes): { id: number; body: Buffer };

export function writeUvarint(n: number): Buffer;
export function readUvarint(buf: Bytes, offset?: number): { value: number; length: number };
export function writeZigzag(n: number): Buffer;
export function readZigzag(buf: Bytes, offset?: number): { value: number; length: number };

export function avroType(definition: string | object): unknown;
export function encodeAvro(definition: string | object, value: unknown): Buffer;
export function decodeAvro(definition: string | object, body: Bytes): any;

export interface ProtoSchema {
  root: unknown;
  /** The file's own message types, full names, top-level first. */
  messages: string[];
  /** The same (plus map-entry types) in the Glue serde's numbering. */
  glueOrder: string[];
  topLevel: string[];
  pkg: string | null;
  imports: string[];
}
export const PROTO_TO_OBJECT: object;
export function protoSchema(definition: string): ProtoSchema;
export function encodeProtobuf(definition: string, message: string | undefined, value: object): Buffer;
export function decodeProtobuf(definition: string, message: string | undefined, bytes: Bytes, toObject?: object): any;
export function glueProtobufIndex(definition: string, message?: string): number;
export function glueProtobufBody(definition: string, message: string | undefined, value: object): Buffer;
export function decodeGlueProtobuf(definition: string, body: Bytes, toObject?: object): { message: string; index: number; value: any };
export function confluentMessageIndexes(definition: string, message?: string): number[];
export function writeConfluentIndexes(indexes: number[]): Buffer;
export function readConfluentIndexes(buf: Bytes, offset?: number): { indexes: number[]; length: number };
export function confluentProtobufBody(definition: string, message: string | undefined, value: object): Buffer;
export function decodeConfluentProtobuf(definition: string, body: Bytes, toObject?: object): { message: string; indexes: number[]; value: any };

export function encodeJson(value: unknown): Buffer;
export function decodeJson(body: Bytes): any;

export function encodeGlue(options: {
  versionId: string;
  format: Format;
  definition: string | object;
  value: unknown;
  /** Protobuf: full name of the message type; the file's first otherwise. */
  message?: string;
  zlib?: boolean;
}): Buffer;
export function encodeConfluent(options: {
  id: number;
  schemaType?: Format;
  schema: string | object;
  value: unknown;
  message?: string;
}): Buffer;

export function glueClient(options?: { endpoint?: string; region?: string }): GlueClient;
export function ensureGlueRegistry(options: { client?: GlueClient; registry: string; description?: string }): Promise<{ created: boolean }>;
export function ensureGlueSchema(options: {
  client?: GlueClient;
  registry: string;
  name: string;
  format: Format;
  definition: string | object;
  compatibility?: string;
  description?: string;
}): Promise<{ versionId: string; versionNumber: number; created: boolean }>;
export function glueSchemaVersion(
  client: GlueClient,
  versionId: string,
): Promise<{ registry?: string; name?: string; format: Format; definition: string; version: number; status?: string }>;

export function ensureSubject(options: {
  url: string;
  subject: string;
  schema: string | object;
  schemaType?: Format;
  references?: { name: string; subject: string; version: number }[];
}): Promise<{ id: number; version: number }>;
export function confluentSchema(
  url: string,
  id: number,
): Promise<{ id: number; format: Format; definition: string; references: object[]; subject?: string; version?: number }>;

export type Decoded =
  | {
      registry: 'glue';
      format: 'avro' | 'protobuf' | 'json';
      name?: string;
      schemaName?: string;
      registryName?: string;
      version: number;
      /** The schema version id (UUID) framed in the record. */
      id: string;
      compression: 'none' | 'zlib';
      message?: string;
      value: any;
    }
  | {
      registry: 'confluent';
      format: 'avro' | 'protobuf' | 'json';
      name?: string;
      subject?: string;
      version?: number;
      id: number;
      message?: string;
      messageIndexes?: number[];
      value: any;
    };
export function decodeFramed(
  bytes: Bytes,
  options?: { glue?: { client?: GlueClient; endpoint?: string; region?: string }; confluentUrl?: string },
): Promise<Decoded>;

export function kafkaClient(brokers: string | string[], clientId?: string): Kafka;
export function ensureTopics(kafka: Kafka, topics: { topic: string; numPartitions?: number }[]): Promise<string[]>;
export function produce(
  kafka: Kafka,
  topic: string,
  messages: { key?: string | Buffer | null; value: Buffer | string | null; headers?: IHeaders; partition?: number }[],
): Promise<void>;
export interface TopicRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  timestamp: string;
}
export function readTopic(kafka: Kafka, topic: string, options?: { timeoutMs?: number }): Promise<TopicRecord[]>;
