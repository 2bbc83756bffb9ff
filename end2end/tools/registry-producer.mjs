#!/usr/bin/env node
// Seeds a broker with schema-registry-framed records, independently of the
// Rust API (see registry.mjs), for the local demo and the browser tests.
//
//   node end2end/tools/registry-producer.mjs glue --brokers 127.0.0.1:9092 \
//       --endpoint http://127.0.0.1:19594 --registry configurator-local \
//       --region eu-central-1 --topic-prefix demo. [--count 20]
//   node end2end/tools/registry-producer.mjs confluent --brokers 127.0.0.1:9093 \
//       --url http://127.0.0.1:18081 --topic-prefix logs. [--count 20]
//   node end2end/tools/registry-producer.mjs consume --brokers H:P --topic T \
//       [--endpoint URL --region R] [--url URL]
//
// glue/confluent are idempotent: topics and schemas that exist are reused,
// and each run appends --count records per topic. One line per topic:
//   <topic>  <schema name>  v<version>  <records written>
// consume prints each record decoded, one JSON object a line.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { decodeFramed, glueClient, kafkaClient, readTopic } from './registry.mjs';
import { seedConfluent, seedGlue } from './seed.mjs';

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE = `usage:
  registry-producer.mjs glue --brokers H:P [--endpoint URL] [--registry configurator-local]
                             [--region eu-central-1] [--topic-prefix demo.] [--count 20]
  registry-producer.mjs confluent --brokers H:P --url URL [--topic-prefix logs.] [--count 20]
  registry-producer.mjs consume --brokers H:P --topic T [--endpoint URL] [--region R] [--url URL]`;

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      endpoint: { type: 'string' },
      registry: { type: 'string', default: 'configurator-local' },
      region: { type: 'string' },
      'topic-prefix': { type: 'string' },
      url: { type: 'string' },
      topic: { type: 'string' },
      count: { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !values.brokers) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 0) throw new Error(`--count: not a number: ${values.count}`);
  const print = (rows) => {
    for (const r of rows) console.log(`${r.topic}\t${r.schema}\tv${r.version}\t${r.records} records`);
  };
  if (command === 'glue') {
    print(
      await seedGlue({
        brokers: values.brokers,
        endpoint: values.endpoint,
        region: values.region,
        registry: values.registry,
        topicPrefix: values['topic-prefix'] ?? 'demo.',
        count,
        log: (m) => console.error(m),
      }),
    );
  } else if (command === 'confluent') {
    if (!values.url) throw new Error('confluent: --url is required');
    print(await seedConfluent({ brokers: values.brokers, url: values.url, topicPrefix: values['topic-prefix'] ?? 'logs.', count }));
  } else if (command === 'consume') {
    if (!values.topic) throw new Error('consume: --topic is required');
    const glue = values.endpoint || values.region || process.env.AWS_ENDPOINT_URL_GLUE ? { client: glueClient(values) } : undefined;
    const records = await readTopic(kafkaClient(values.brokers), values.topic);
    for (const r of records) {
      let decoded;
      try {
        decoded = await decodeFramed(r.value, { glue, confluentUrl: values.url });
      } catch (err) {
        decoded = { error: err.message };
      }
      console.log(
        JSON.stringify({ partition: r.partition, offset: r.offset, key: r.key?.toString('utf8') ?? null, ...decoded }),
      );
    }
  } else {
    console.error(USAGE);
    return 2;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`registry-producer: ${err.message ?? err}`);
      process.exit(1);
    },
  );
}
