// Schema registries in the browser tests: an independent encoder/decoder of
// the Glue and Confluent wire formats (end2end/tools/registry.mjs, not the
// project's Rust code), so a spec can check that what the console produces
// decodes with the registry, and seed records the console must decode.
//
//   const decoded = await decodeFramed(record.value!, { glue: { client: glueClient({ endpoint }) } });
//   expect(decoded).toMatchObject({ registry: 'glue', format: 'avro', name: 'demo.orders-avro', version: 1 });
//
// The types come from tools/registry.d.mts and tools/seed.d.mts.
import type { Kafka } from 'kafkajs';
import { decodeFramed, readTopic, type Decoded, type TopicRecord } from '../tools/registry.mjs';

export * from '../tools/registry.mjs';
export {
  LOG_EVENT_AVRO,
  ORDER_AVRO,
  PAYMENT_PROTO,
  logEvent,
  order,
  payment,
  seedConfluent,
  seedGlue,
  type Order,
  type Seeded,
} from '../tools/seed.mjs';

export type DecodeOptions = NonNullable<Parameters<typeof decodeFramed>[1]>;

/** A topic's record with its value decoded through the registry, or why it did not decode. */
export type DecodedRecord = TopicRecord & { keyText: string | null; decoded?: Decoded; error?: string };

/**
 * Reads everything a topic holds now (start to high watermark, every
 * partition) and decodes each value with decodeFramed. Records that are not
 * framed, or whose schema the registry does not know, carry `error` instead
 * of `decoded`.
 */
export async function readDecoded(kafka: Kafka, topic: string, options: DecodeOptions): Promise<DecodedRecord[]> {
  const records = await readTopic(kafka, topic);
  const out: DecodedRecord[] = [];
  for (const record of records) {
    const keyText = record.key ? record.key.toString('utf8') : null;
    if (!record.value) {
      out.push({ ...record, keyText, error: 'null value' });
      continue;
    }
    try {
      out.push({ ...record, keyText, decoded: await decodeFramed(record.value, options) });
    } catch (err) {
      out.push({ ...record, keyText, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
