// The demo's schemas and records, and the seeding behind
// registry-producer.mjs's glue and confluent commands; specs import them
// (through tests/registry.ts) to know what the seeded topics hold.
// (No import.meta here: Playwright's transform turns it into CommonJS, which an .mjs cannot be.)
import { encodeConfluent, encodeGlue, ensureGlueRegistry, ensureGlueSchema, ensureSubject, ensureTopics, glueClient, kafkaClient, produce } from './registry.mjs';

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

export const ORDER_AVRO = {
  type: 'record',
  name: 'Order',
  namespace: 'demo.shop',
  doc: 'An order placed in the demo shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD', 'GBP', 'CHF'] } },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Item',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
            { name: 'price', type: 'double' },
          ],
        },
      },
    },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

// google/protobuf/timestamp.proto ships with protobufjs (protobuf.common), so
// the import resolves without a file on disk; the Glue serde numbers only this
// file's messages, so the import does not change the message index.
export const PAYMENT_PROTO = `syntax = "proto3";

package payments;

import "google/protobuf/timestamp.proto";

// A card or bank payment for an order.
message Payment {
  enum Method {
    METHOD_UNSPECIFIED = 0;
    CARD = 1;
    BANK_TRANSFER = 2;
    WALLET = 3;
  }

  message Amount {
    int64 minor_units = 1;
    string currency = 2;
  }

  string id = 1;
  string order_id = 2;
  Amount amount = 3;
  Method method = 4;
  repeated string tags = 5;
  google.protobuf.Timestamp created_at = 6;
}

// Sent when a payment is taken back; declared so the file has more than one
// message type and the message index matters.
message Refund {
  string payment_id = 1;
  Payment.Amount amount = 2;
  string reason = 3;
}
`;

export const LOG_EVENT_AVRO = {
  type: 'record',
  name: 'LogEvent',
  namespace: 'logs.platform',
  fields: [
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'level', type: { type: 'enum', name: 'Level', symbols: ['DEBUG', 'INFO', 'WARN', 'ERROR'] } },
    { name: 'service', type: 'string' },
    { name: 'message', type: 'string' },
    { name: 'attributes', type: { type: 'map', values: 'string' }, default: {} },
    { name: 'trace_id', type: ['null', 'string'], default: null },
  ],
};

// ---------------------------------------------------------------------------
// Records (deterministic per index, so reruns look alike)
// ---------------------------------------------------------------------------

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];
const SKUS = ['KB-101', 'MS-220', 'HD-4K', 'CB-USB-C', 'DK-DOCK'];

export function order(i) {
  const items = Array.from({ length: 1 + (i % 3) }, (_, j) => ({
    sku: SKUS[(i + j) % SKUS.length],
    quantity: 1 + ((i * 7 + j) % 4),
    price: Math.round((9.99 + ((i * 13 + j * 5) % 90)) * 100) / 100,
  }));
  const amount = Math.round(items.reduce((s, it) => s + it.quantity * it.price, 0) * 100) / 100;
  return {
    id: `order-${String(i + 1).padStart(4, '0')}`,
    amount,
    currency: CURRENCIES[i % CURRENCIES.length],
    items,
    note: i % 4 === 0 ? `gift wrap please (#${i + 1})` : null,
  };
}

const METHODS = ['CARD', 'BANK_TRANSFER', 'WALLET'];
const BASE_SECONDS = 1_767_225_600; // 2026-01-01T00:00:00Z

export function payment(i) {
  return {
    id: `pay-${String(i + 1).padStart(4, '0')}`,
    order_id: `order-${String(i + 1).padStart(4, '0')}`,
    amount: { minor_units: 1000 + i * 137, currency: CURRENCIES[i % CURRENCIES.length] },
    method: METHODS[i % METHODS.length],
    tags: i % 2 === 0 ? ['web', `batch-${Math.floor(i / 5)}`] : ['mobile'],
    created_at: { seconds: BASE_SECONDS + i * 60, nanos: (i * 1_000_000) % 1_000_000_000 },
  };
}

const LEVELS = ['DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR'];
const SERVICES = ['checkout', 'payments', 'search', 'gateway'];
const BASE_MILLIS = BASE_SECONDS * 1000;

export function logEvent(i) {
  const level = LEVELS[i % LEVELS.length];
  return {
    timestamp: BASE_MILLIS + i * 1500,
    level,
    service: SERVICES[i % SERVICES.length],
    message: level === 'ERROR' ? `request ${i} failed: upstream timeout` : `handled request ${i}`,
    attributes: { region: i % 2 ? 'eu-central-1' : 'eu-west-1', attempt: String(1 + (i % 3)) },
    trace_id: i % 3 === 0 ? `trace-${(i * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}` : null,
  };
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

/**
 * Glue: topics <prefix>orders-avro (3 partitions, Avro demo.shop.Order) and
 * <prefix>payments-proto (1 partition, Protobuf payments.Payment), schemas named
 * after the topics (the Glue serde's default naming), `count` records each;
 * every fifth record is zlib-compressed. Returns one summary per topic.
 */
export async function seedGlue({ brokers, endpoint, region, registry = 'configurator-local', topicPrefix = 'demo.', count = 20, log = () => {} }) {
  const client = glueClient({ endpoint, region });
  const reg = await ensureGlueRegistry({ client, registry });
  if (reg.created) log(`created Glue registry ${registry}`);
  const kafka = kafkaClient(brokers);
  const orders = `${topicPrefix}orders-avro`;
  const payments = `${topicPrefix}payments-proto`;
  await ensureTopics(kafka, [
    { topic: orders, numPartitions: 3 },
    { topic: payments, numPartitions: 1 },
  ]);

  const summaries = [];
  const orderSchema = await ensureGlueSchema({
    client,
    registry,
    name: orders,
    format: 'AVRO',
    definition: JSON.stringify(ORDER_AVRO, null, 2),
    compatibility: 'BACKWARD',
    description: 'Demo orders (Avro)',
  });
  const orderRecords = Array.from({ length: count }, (_, i) => {
    const value = order(i);
    return {
      key: value.id,
      value: encodeGlue({ versionId: orderSchema.versionId, format: 'AVRO', definition: JSON.stringify(ORDER_AVRO, null, 2), value, zlib: i % 5 === 4 }),
      headers: { source: 'registry-producer' },
    };
  });
  await produce(kafka, orders, orderRecords);
  summaries.push({ topic: orders, schema: orders, version: orderSchema.versionNumber, versionId: orderSchema.versionId, records: count });

  const paymentSchema = await ensureGlueSchema({
    client,
    registry,
    name: payments,
    format: 'PROTOBUF',
    definition: PAYMENT_PROTO,
    compatibility: 'BACKWARD',
    description: 'Demo payments (Protobuf)',
  });
  const paymentRecords = Array.from({ length: count }, (_, i) => {
    const value = payment(i);
    return {
      key: value.id,
      value: encodeGlue({
        versionId: paymentSchema.versionId,
        format: 'PROTOBUF',
        definition: PAYMENT_PROTO,
        message: 'payments.Payment',
        value,
        zlib: i % 5 === 4,
      }),
      headers: { source: 'registry-producer' },
    };
  });
  await produce(kafka, payments, paymentRecords);
  summaries.push({ topic: payments, schema: payments, version: paymentSchema.versionNumber, versionId: paymentSchema.versionId, records: count });
  return summaries;
}

/** Confluent: topic <prefix>events-avro (3 partitions), subject <topic>-value, Avro logs.platform.LogEvent. */
export async function seedConfluent({ brokers, url, topicPrefix = 'logs.', count = 20 }) {
  const kafka = kafkaClient(brokers);
  const topic = `${topicPrefix}events-avro`;
  const subject = `${topic}-value`;
  await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  const schema = JSON.stringify(LOG_EVENT_AVRO);
  const { id, version } = await ensureSubject({ url, subject, schema, schemaType: 'AVRO' });
  const records = Array.from({ length: count }, (_, i) => {
    const value = logEvent(i);
    return {
      key: `${value.service}-${i + 1}`,
      value: encodeConfluent({ id, schemaType: 'AVRO', schema, value }),
    };
  });
  await produce(kafka, topic, records);
  return [{ topic, schema: subject, version, id, records: count }];
}
