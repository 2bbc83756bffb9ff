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
