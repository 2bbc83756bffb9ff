#!/usr/bin/env node
// Checks registry.mjs: offline (framing bytes, varints, the Glue and
// Confluent Protobuf message indexes against numbers protoc's descriptors
// gave for the same files) and, given the services, live round trips of
// every format through each registry and a broker.
//
//   node end2end/tools/registry-selftest.mjs
//   node end2end/tools/registry-selftest.mjs --brokers 127.0.0.1:9092 \
//       --endpoint http://127.0.0.1:9500 [--registry configurator-local] [--url http://127.0.0.1:9501]
//
// Exit status 0 when every check passed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as r from './registry.mjs';

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok    ${name}`);
  } catch (err) {
    results.push([name, err]);
    console.log(`FAIL  ${name}\n      ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n      ')}`);
  }
}

// --- offline -----------------------------------------------------------------

const UUID = 'b7b4a7f0-0f5c-4ecb-9b40-3f2b8b1c9a11';

await check('glue frame bytes', () => {
  const f = r.glueFrame(UUID, Buffer.from('hi'));
  assert.equal(f.toString('hex'), '0300b7b4a7f00f5c4ecb9b403f2b8b1c9a116869');
  assert.deepEqual(r.glueUnframe(f), { versionId: UUID, compression: 'none', body: Buffer.from('hi') });
  const z = r.glueFrame(UUID, Buffer.from('hello hello hello'), { zlib: true });
  assert.equal(z[1], 5);
  assert.equal(z[18], 0x78, 'zlib stream header (as java.util.zip.Deflater writes)');
  assert.equal(r.glueUnframe(z).body.toString(), 'hello hello hello');
  assert.throws(() => r.glueUnframe(Buffer.from([3, 9, ...Buffer.alloc(16)])), /compression byte 9/);
  assert.throws(() => r.glueUnframe(Buffer.from([3, 0, 1])), /too short/);
});

await check('confluent frame bytes', () => {
  const f = r.confluentFrame(258, Buffer.from([0xaa]));
  assert.equal(f.toString('hex'), '0000000102aa');
  assert.deepEqual(r.confluentUnframe(f), { id: 258, body: Buffer.from([0xaa]) });
});

await check('varints', () => {
  assert.equal(r.writeUvarint(300).toString('hex'), 'ac02');
  assert.equal(r.writeZigzag(-1).toString('hex'), '01');
  assert.equal(r.writeZigzag(1).toString('hex'), '02');
  for (const n of [0, 1, 63, 64, 300, 2 ** 31 - 1]) {
    assert.equal(r.readUvarint(r.writeUvarint(n)).value, n);
    assert.equal(r.readZigzag(r.writeZigzag(n)).value, n);
    assert.equal(r.readZigzag(r.writeZigzag(0 - n)).value, 0 - n);
  }
  assert.equal(r.writeConfluentIndexes([0]).toString('hex'), '00');
  assert.equal(r.writeConfluentIndexes([1]).toString('hex'), '0202');
  assert.equal(r.writeConfluentIndexes([0, 2, 1]).toString('hex'), '06000402');
  assert.deepEqual(r.readConfluentIndexes(Buffer.from('00', 'hex')).indexes, [0]);
  assert.deepEqual(r.readConfluentIndexes(Buffer.from('06000402', 'hex')).indexes, [0, 2, 1]);
});

// Expected numbers computed from protoc's FileDescriptorProto of this file
// (grpcio-tools): Glue = its message types breadth-first incl. map entries,
// sorted by full name; Confluent per ProtobufSchema.toMessageIndexes (no map entries).
const MAPS_PROTO = `syntax = "proto3";
package t.maps;
message Outer {
  map<string, int32> z_counts = 1;
  message Inner { map<int32, Outer> back_refs = 1; message Deep {} }
  map<string, Inner> a_inners = 2;
  message Alpha {}
}
message Another { Outer.Inner.Deep d = 1; }
`;
await check('glue protobuf message index (MessageIndexFinder numbering)', () => {
  assert.deepEqual(r.protoSchema(MAPS_PROTO).glueOrder, [
    't.maps.Another',
    't.maps.Outer',
    't.maps.Outer.AInnersEntry',
    't.maps.Outer.Alpha',
    't.maps.Outer.Inner',
    't.maps.Outer.Inner.BackRefsEntry',
    't.maps.Outer.Inner.Deep',
    't.maps.Outer.ZCountsEntry',
  ]);
  assert.equal(r.glueProtobufIndex(MAPS_PROTO, 't.maps.Outer.Inner.Deep'), 6);
  // The example in MessageIndexFinder's Javadoc: B = 0, B.A = 1, B.A.D = 2, B.C = 3.
  const doc = 'syntax = "proto3"; message B { message C {} message A { message D {} } }';
  assert.deepEqual(['B', 'B.A', 'B.A.D', 'B.C'].map((m) => r.glueProtobufIndex(doc, m)), [0, 1, 2, 3]);
  const body = r.glueProtobufBody(doc, 'B.C', {});
  assert.equal(body.toString('hex'), '03', 'one unsigned varint, then the (empty) message');
  assert.equal(r.decodeGlueProtobuf(doc, body).message, 'B.C');
});

await check('confluent protobuf message indexes', () => {
  assert.deepEqual(r.confluentMessageIndexes(MAPS_PROTO, 't.maps.Outer'), [0]);
  assert.deepEqual(r.confluentMessageIndexes(MAPS_PROTO, 't.maps.Another'), [1]);
  assert.deepEqual(r.confluentMessageIndexes(MAPS_PROTO, 't.maps.Outer.Alpha'), [0, 1]);
  assert.deepEqual(r.confluentMessageIndexes(MAPS_PROTO, 't.maps.Outer.Inner.Deep'), [0, 0, 0]);
  const body = r.confluentProtobufBody(MAPS_PROTO, 't.maps.Another', { d: {} });
  assert.equal(body.toString('hex'), '02020a00');
  assert.equal(r.decodeConfluentProtobuf(MAPS_PROTO, body).message, 't.maps.Another');
});

await check('avro, protobuf and json codecs', () => {
  const avro = { type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }, { name: 'n', type: ['null', 'long'], default: null }] };
  assert.equal(r.encodeAvro(avro, { s: 'a', n: 2 }).toString('hex'), '02610204');
  assert.deepEqual(r.decodeAvro(avro, Buffer.from('02610204', 'hex')), { s: 'a', n: 2 });
  assert.throws(() => r.encodeAvro(avro, { s: 1 }), /at: s/);
  const proto = 'syntax = "proto3"; package p; import "google/protobuf/timestamp.proto"; message M { string s = 1; google.protobuf.Timestamp t = 2; }';
  const pb = r.encodeProtobuf(proto, 'p.M', { s: 'a', t: { seconds: 1 } });
  assert.equal(pb.toString('hex'), '0a0161120208' + '01');
  assert.deepEqual(r.decodeProtobuf(proto, 'p.M', pb), { s: 'a', t: { seconds: '1' } });
  assert.throws(() => r.encodeProtobuf(proto, 'p.M', { x: 1 }), /no such field/);
  assert.deepEqual(r.decodeJson(r.encodeJson({ a: [1, 'é'] })), { a: [1, 'é'] });
});

// --- live ----------------------------------------------------------------------

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    endpoint: { type: 'string' },
    region: { type: 'string', default: 'eu-central-1' },
    registry: { type: 'string', default: 'configurator-local' },
    url: { type: 'string' },
  },
});

const AVRO = JSON.stringify({
  type: 'record',
  name: 'Probe',
  namespace: 'selftest',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const PROTO = `syntax = "proto3";
package selftest;
import "google/protobuf/timestamp.proto";
message Probe {
  message Part { string name = 1; int32 size = 2; }
  enum Kind { KIND_UNSPECIFIED = 0; SMALL = 1; LARGE = 2; }
  string id = 1;
  Kind kind = 2;
  repeated Part parts = 3;
  google.protobuf.Timestamp at = 4;
}
message Other { string id = 1; Probe.Part part = 2; }
`;
const JSON_SCHEMA = JSON.stringify({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'] });

const avroValue = (i) => ({ id: `p-${i}`, n: i, tags: ['a', `t${i}`], note: i % 2 ? null : `note ${i}` });
const protoValue = (i) => ({ id: `p-${i}`, kind: 'LARGE', parts: [{ name: 'x', size: i + 10 }], at: { seconds: 1_700_000_000 + i, nanos: 5 } });
const otherValue = (i) => ({ id: `o-${i}`, part: { name: 'y', size: i + 1 } });
const jsonValue = (i) => ({ id: `p-${i}`, n: i });

async function roundTrip(kafka, topic, records, decodeOptions, expectations) {
  await r.ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
  await r.produce(kafka, topic, records);
  const read = await r.readTopic(kafka, topic);
  assert.equal(read.length, records.length, 'records read back');
  for (const rec of read) {
    const key = rec.key.toString();
    const decoded = await r.decodeFramed(rec.value, decodeOptions);
    assert.deepEqual(decoded, { ...decoded, ...expectations[key] }, `record ${key}`);
  }
}

const run = randomUUID().slice(0, 8);
if (values.brokers && values.endpoint) {
  const kafka = r.kafkaClient(values.brokers);
  const client = r.glueClient({ endpoint: values.endpoint, region: values.region });
  await r.ensureGlueRegistry({ client, registry: values.registry });
  for (const [format, definition] of [
    ['AVRO', AVRO],
    ['PROTOBUF', PROTO],
    ['JSON', JSON_SCHEMA],
  ]) {
    await check(`glue ${format} round trip via broker`, async () => {
      const name = `selftest.glue-${format.toLowerCase()}-${run}`;
      const first = await r.ensureGlueSchema({ client, registry: values.registry, name, format, definition });
      const again = await r.ensureGlueSchema({ client, registry: values.registry, name, format, definition });
      assert.deepEqual({ ...again, created: true }, { ...first, created: true }, 'same version reused');
      assert.equal(again.created, false);
      assert.equal(first.versionNumber, 1);
      const records = [];
      const expect = {};
      for (let i = 0; i < 6; i++) {
        const zlib = i % 2 === 1;
        const message = format === 'PROTOBUF' ? (i === 5 ? 'selftest.Other' : 'selftest.Probe') : undefined;
        const value = format === 'AVRO' ? avroValue(i) : format === 'JSON' ? jsonValue(i) : i === 5 ? otherValue(i) : protoValue(i);
        records.push({ key: `k${i}`, value: r.encodeGlue({ versionId: first.versionId, format, definition, value, message, zlib }) });
        const decodedValue =
          format === 'PROTOBUF'
            ? i === 5
              ? { id: `o-${i}`, part: { name: 'y', size: i + 1 } }
              : { id: `p-${i}`, kind: 'LARGE', parts: [{ name: 'x', size: i + 10 }], at: { seconds: String(1_700_000_000 + i), nanos: 5 } }
            : value;
        expect[`k${i}`] = {
          registry: 'glue',
          format: format.toLowerCase(),
          name,
          registryName: values.registry,
          version: 1,
          id: first.versionId,
          compression: zlib ? 'zlib' : 'none',
          ...(message ? { message } : {}),
          value: decodedValue,
        };
      }
      await roundTrip(kafka, name, records, { glue: { client } }, expect);
    });
  }
  await check('glue second schema version', async () => {
    const name = `selftest.glue-v2-${run}`;
    const v1 = await r.ensureGlueSchema({ client, registry: values.registry, name, format: 'AVRO', definition: AVRO });
    const v2def = JSON.stringify({ ...JSON.parse(AVRO), fields: [...JSON.parse(AVRO).fields, { name: 'extra', type: 'int', default: 7 }] });
    const v2 = await r.ensureGlueSchema({ client, registry: values.registry, name, format: 'AVRO', definition: v2def });
    assert.equal(v2.versionNumber, 2);
    assert.notEqual(v2.versionId, v1.versionId);
    const d = await r.decodeFramed(r.encodeGlue({ versionId: v2.versionId, format: 'AVRO', definition: v2def, value: { ...avroValue(1), extra: 9 } }), { glue: { client } });
    assert.equal(d.version, 2);
    assert.equal(d.value.extra, 9);
  });
} else {
  console.log('skip  glue live checks (give --brokers and --endpoint)');
}

if (values.brokers && values.url) {
  const kafka = r.kafkaClient(values.brokers);
  for (const [schemaType, schema] of [
    ['AVRO', AVRO],
    ['PROTOBUF', PROTO],
    ['JSON', JSON_SCHEMA],
  ]) {
    await check(`confluent ${schemaType} round trip via broker`, async () => {
      const topic = `selftest.confluent-${schemaType.toLowerCase()}-${run}`;
      const subject = `${topic}-value`;
      const first = await r.ensureSubject({ url: values.url, subject, schema, schemaType });
      const again = await r.ensureSubject({ url: values.url, subject, schema, schemaType });
      assert.deepEqual(again, first);
      assert.equal(first.version, 1);
      const records = [];
      const expect = {};
      for (let i = 0; i < 6; i++) {
        const message = schemaType === 'PROTOBUF' ? (i === 5 ? 'selftest.Other' : 'selftest.Probe') : undefined;
        const value = schemaType === 'AVRO' ? avroValue(i) : schemaType === 'JSON' ? jsonValue(i) : i === 5 ? otherValue(i) : protoValue(i);
        records.push({ key: `k${i}`, value: r.encodeConfluent({ id: first.id, schemaType, schema, value, message }) });
        const decodedValue =
          schemaType === 'PROTOBUF'
            ? i === 5
              ? { id: `o-${i}`, part: { name: 'y', size: i + 1 } }
              : { id: `p-${i}`, kind: 'LARGE', parts: [{ name: 'x', size: i + 10 }], at: { seconds: String(1_700_000_000 + i), nanos: 5 } }
            : value;
        expect[`k${i}`] = {
          registry: 'confluent',
          format: schemaType.toLowerCase(),
          name: subject,
          subject,
          version: 1,
          id: first.id,
          ...(message ? { message, messageIndexes: i === 5 ? [1] : [0] } : {}),
          value: decodedValue,
        };
      }
      await roundTrip(kafka, topic, records, { confluentUrl: values.url }, expect);
    });
  }
  await check('confluent unknown id is an error', async () => {
    await assert.rejects(r.decodeFramed(r.confluentFrame(987654, Buffer.from([2, 0x61])), { confluentUrl: values.url }), /HTTP 404/);
  });
} else {
  console.log('skip  confluent live checks (give --brokers and --url)');
}

const failed = results.filter(([, err]) => err);
console.log(`${results.length - failed.length}/${results.length} checks passed`);
process.exit(failed.length ? 1 : 0);
