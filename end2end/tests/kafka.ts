// Direct access to the test broker, for what the console does not do itself:
// thousands of topics for the performance test, a consumer that keeps a group
// active, offsets for a throw-away group.
import { Kafka, logLevel } from 'kafkajs';
import { ports } from '../playwright.config';

export const kafka = new Kafka({
  clientId: 'configurator-e2e',
  brokers: [`127.0.0.1:${ports.broker}`],
  logLevel: logLevel.NOTHING,
});

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
