// The independent side of the message tools' tests: topics made, records
// written and read back with kafkajs straight on broker A (local-a), never
// through the console, so what the page shows can be checked against it.
import type { Message } from 'kafkajs';
import { kafka } from './kafka';

/** A record as kafkajs read it: key, value and header values as text. */
export interface Consumed {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { [name: string]: string };
}

/** A name no earlier run used: `${prefix}-<time><random>`. */
export function fresh(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Creates the topics (waiting for their leaders). */
export async function createTopics(topics: { topic: string; partitions: number }[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      timeout: 30_000,
      topics: topics.map(({ topic, partitions }) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Records on each partition now (high watermark minus low), by partition. */
export async function recordCounts(topic: string): Promise<Map<number, { low: number; high: number }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } finally {
    await admin.disconnect();
  }
}

/** How many records the topic holds now, over all partitions. */
export async function recordCount(topic: string): Promise<number> {
  let total = 0;
  for (const { low, high } of (await recordCounts(topic)).values()) total += high - low;
  return total;
}

/** Writes the messages in batches of `batch`, one after another (so the last written is the last one). */
export async function produce(topic: string, messages: Message[], batch = 100) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += batch) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batch) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Writes `total` messages at a steady rate: `batch` of them every `everyMs`
 * (200/s for 20 every 100 ms), each batch sent (and acknowledged) before the
 * next, so `message(total - 1)` is the last one written. Resolves when all
 * are written, with when the first and last batches went out.
 */
export async function produceAtRate(
  topic: string,
  total: number,
  batch: number,
  everyMs: number,
  message: (i: number) => Message,
): Promise<{ started: number; finished: number; late: number }> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const started = Date.now();
    let late = 0; // batches that went out more than one period after their time
    for (let b = 0; b * batch < total; b++) {
      const due = started + b * everyMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (-wait > everyMs) late++;
      const from = b * batch;
      const messages = Array.from({ length: Math.min(batch, total - from) }, (_, i) => message(from + i));
      await producer.send({ topic, acks: -1, messages });
    }
    return { started, finished: Date.now(), late };
  } finally {
    await producer.disconnect();
  }
}

/**
 * Every record the topic holds now, read back by a consumer group of its own
 * (from the beginning, up to the high watermarks of the moment of the call).
 */
export async function readAll(topic: string, timeoutMs = 30_000): Promise<Consumed[]> {
  const ends = await recordCounts(topic);
  const left = new Map([...ends].filter(([, { low, high }]) => high > low).map(([p, { high }]) => [p, high]));
  if (left.size === 0) return [];
  const consumer = kafka.consumer({
    groupId: fresh(`e2e-reader-${topic}`),
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
  });
  const records: Consumed[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const end = left.get(partition);
        if (end === undefined || offset >= end) return;
        const headers: { [name: string]: string } = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
        }
        records.push({
          partition,
          offset,
          timestamp: Number(message.timestamp),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers,
        });
        if (offset + 1 >= end) {
          left.delete(partition);
          if (left.size === 0) done();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`readAll(${topic}): ${records.length} records read in ${timeoutMs} ms, partitions ${[...left.keys()]} unfinished`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([finished, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  } finally {
    await consumer.disconnect();
  }
}
