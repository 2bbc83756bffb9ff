// Direct access to the test brokers, for what the console does not do itself:
// thousands of topics for the performance test, a consumer that keeps a group
// active, offsets for a throw-away group, and an independent look at what is
// on each cluster.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { brokerBPidFile, brokerPidFile, ports } from '../playwright.config';

/** Broker A: cluster local-a (demo.* topics). The helpers below use it unless told otherwise. */
export const kafka = new Kafka({
  clientId: 'configurator-e2e',
  brokers: [`127.0.0.1:${ports.broker}`],
  logLevel: logLevel.NOTHING,
});

/** Broker B: cluster local-b (logs.* topics). */
export const kafkaB = new Kafka({
  clientId: 'configurator-e2e-b',
  brokers: [`127.0.0.1:${ports.brokerB}`],
  logLevel: logLevel.NOTHING,
});

/** The names of the topics on one broker, sorted, Kafka's and Configurator's own (`__…`) left out. */
export async function topicNames(client: Kafka = kafka): Promise<string[]> {
  const admin = client.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Freezes a broker's process (SIGSTOP): it keeps its port and connections but
 * answers nothing, like a cluster that hangs. Call the result to let it go on
 * (SIGCONT); stack.sh also resumes it when it stops.
 */
export function pauseBroker(which: 'a' | 'b'): () => void {
  const pid = Number(readFileSync(which === 'a' ? brokerPidFile : brokerBPidFile, 'utf8').trim());
  process.kill(pid, 'SIGSTOP');
  return () => process.kill(pid, 'SIGCONT');
}

/** Creates `count` topics named `${prefix}${n}` (n zero-padded), in batches. */
export async function createTopics(prefix: string, count: number, partitions = 1) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 500) {
      await admin.createTopics({
        waitForLeaders: false,
        timeout: 60_000,
        topics: names.slice(i, i + 500).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
    }
    return names;
  } finally {
    await admin.disconnect();
  }
}

/** A consumer group that read one message of `topic`, committed, and left (no members). */
export async function emptyGroup(groupId: string, topic: string) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const read = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      await consumer.commitOffsets([{ topic, partition, offset: (Number(message.offset) + 1).toString() }]);
      done();
    },
  });
  await read;
  await consumer.disconnect();
}

/** A running consumer in `groupId`; call the result to stop it. */
export async function activeConsumer(groupId: string, topic: string): Promise<() => Promise<void>> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  return () => consumer.disconnect();
}

/** A partition's committed offset (or a position to commit): `topic`, `partition`, `offset`. */
export interface Position {
  topic: string;
  partition: number;
  offset: number;
}

/** `topic#partition`, to key positions by. */
export const at = (topic: string, partition: number) => `${topic}#${partition}`;

/** The committed offsets of `groupId` on `topics`, keyed by [`at`]; partitions without one are left out. */
export async function committedOffsets(groupId: string, topics: string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const answer = await admin.fetchOffsets({ groupId, topics });
    const offsets = new Map<string, number>();
    for (const { topic, partitions } of answer) {
      for (const { partition, offset } of partitions) {
        if (Number(offset) >= 0) offsets.set(at(topic, partition), Number(offset));
      }
    }
    return offsets;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The timestamp (ms) of the record at each of `positions`, read by a consumer
 * group of its own (`groupId`, which commits nothing) from the beginning.
 */
export async function timestampsAt(groupId: string, positions: Position[], timeoutMs = 30_000): Promise<Map<string, number>> {
  const wanted = new Map(positions.map((p) => [at(p.topic, p.partition), p.offset]));
  const found = new Map<string, number>();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(positions.map((p) => p.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = at(topic, partition);
        if (wanted.get(key) !== Number(message.offset)) return;
        found.set(key, Number(message.timestamp));
        if (found.size === wanted.size) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timestampsAt: found ${[...found.keys()]} of ${[...wanted.keys()]} in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([finished, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return found;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Commits `positions` as the offsets of `groupId`: a consumer joins the group
 * (on the positions' topics, reading nothing), commits and leaves, so the
 * group is left without members.
 */
export async function commitOffsets(groupId: string, positions: Position[]) {
  const topics = [...new Set(positions.map((p) => p.topic))];
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    consumer.pause(topics.map((topic) => ({ topic })));
    await joined;
    await consumer.commitOffsets(positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.offset) })));
  } finally {
    await consumer.disconnect();
  }
}

/**
 * A member of `groupId` that reads `topics` from the beginning, commits the
 * offset `upTo` gives each partition once it has read that far, and then
 * stops reading (paused on every partition) while staying in the group: it
 * keeps heartbeating, so the group has a member whose offsets do not move.
 * Resolves once every partition of `upTo` is committed; call `leave` to
 * disconnect.
 */
export async function stuckConsumer(groupId: string, upTo: Position[], timeoutMs = 30_000): Promise<{ leave: () => Promise<void> }> {
  const targets = new Map(upTo.map((p) => [at(p.topic, p.partition), p.offset]));
  const reached = new Set<string>();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
  let done!: () => void;
  const committed = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  const leave = () => consumer.disconnect();
  try {
    const topics = [...new Set(upTo.map((p) => p.topic))];
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = at(topic, partition);
        const target = targets.get(key);
        if (target === undefined || reached.has(key) || Number(message.offset) + 1 !== target) return;
        await consumer.commitOffsets([{ topic, partition, offset: String(target) }]);
        consumer.pause([{ topic, partitions: [partition] }]);
        reached.add(key);
        if (reached.size === targets.size) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`stuckConsumer: committed ${[...reached]} of ${[...targets.keys()]} in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([committed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    // Nothing more is read, whatever arrives (also partitions assigned later).
    consumer.pause(topics.map((topic) => ({ topic })));
    return { leave };
  } catch (e) {
    await leave();
    throw e;
  }
}

/** Deletes the groups and topics a test made (what is already gone is no error). */
export async function removeAll(groups: string[], topics: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (groups.length) await admin.deleteGroups(groups).catch(() => {});
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}
