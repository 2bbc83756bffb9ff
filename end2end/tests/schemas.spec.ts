// Schema registries (issue #13), as a user sees them: records framed for AWS
// Glue (moto, cluster local-a) and a Confluent-compatible registry (local-b)
// by an independent producer (tools/registry.mjs: avsc, protobufjs, the AWS
// SDK, kafkajs; not the project's code) are shown decoded with their schema
// and version; what the console produces with a chosen schema decodes with
// the registry in that same independent consumer; a second version is
// registered and diffed; a viewer reads schemas but cannot register.
//
// Every topic, schema and subject here is this run's own (the seeded demo
// topics are left alone), so the spec does not depend on seed data or order.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { kafka, kafkaB } from './kafka';
import {
  LOG_EVENT_AVRO,
  ORDER_AVRO,
  PAYMENT_PROTO,
  encodeConfluent,
  encodeGlue,
  ensureGlueSchema,
  ensureSubject,
  ensureTopics,
  glueClient,
  logEvent,
  order,
  payment,
  produce,
  readDecoded,
  type DecodeOptions,
} from './registry';
import { app, confluentURL, dialog, glue, shot, toast, visitAs } from './support';

const run = Date.now().toString(36);
const glueApi = glueClient({ endpoint: glue.endpoint, region: glue.region });
const decodeWith: DecodeOptions = { glue: { client: glueApi }, confluentUrl: confluentURL };

// local-a (Glue): the naming strategy is the topic's name, so each schema is named as its topic.
const ordersTopic = `e2e.schemas-${run}.orders`;
const paymentsTopic = `e2e.schemas-${run}.payments`;
// local-b (Confluent): subject `<topic>-value`.
const logsTopic = `logs.e2e-schemas-${run}`;
const logsSubject = `${logsTopic}-value`;
// The one victor looks at: two versions, registered by the independent side.
const viewedTopic = `e2e.schemas-${run}.viewed`;

// v2 of the order schema: one field more, with a default (BACKWARD compatible).
const ORDER_AVRO_V2 = {
  ...ORDER_AVRO,
  fields: [...(ORDER_AVRO as { fields: object[] }).fields, { name: 'channel', type: 'string', default: 'web' }],
};
// v2 of the log event, and one that BACKWARD refuses (a new field without a default).
const LOG_EVENT_AVRO_V2 = {
  ...LOG_EVENT_AVRO,
  fields: [...(LOG_EVENT_AVRO as { fields: object[] }).fields, { name: 'host', type: ['null', 'string'], default: null }],
};
const LOG_EVENT_AVRO_BAD = {
  ...LOG_EVENT_AVRO,
  fields: [...(LOG_EVENT_AVRO as { fields: object[] }).fields, { name: 'region', type: 'string' }],
};

let orders: { versionId: string };
let payments: { versionId: string };
let logs: { id: number };
/** What the independent producer wrote: partition 0, offsets 0.. in this order. */
const written: Record<string, Buffer[]> = {};

test.beforeAll(async () => {
  await ensureTopics(kafka, [{ topic: ordersTopic }, { topic: paymentsTopic }, { topic: viewedTopic }]);
  await ensureTopics(kafkaB, [{ topic: logsTopic }]);

  orders = await ensureGlueSchema({ client: glueApi, registry: glue.registry, name: ordersTopic, format: 'AVRO', definition: ORDER_AVRO });
  payments = await ensureGlueSchema({ client: glueApi, registry: glue.registry, name: paymentsTopic, format: 'PROTOBUF', definition: PAYMENT_PROTO });
  logs = await ensureSubject({ url: confluentURL, subject: logsSubject, schema: LOG_EVENT_AVRO });
  for (const definition of [ORDER_AVRO, ORDER_AVRO_V2]) {
    await ensureGlueSchema({ client: glueApi, registry: glue.registry, name: viewedTopic, format: 'AVRO', definition });
  }

  // Avro: one plain, one zlib-compressed (Glue's compression byte 5).
  written[ordersTopic] = [
    encodeGlue({ versionId: orders.versionId, format: 'AVRO', definition: ORDER_AVRO, value: order(0) }),
    encodeGlue({ versionId: orders.versionId, format: 'AVRO', definition: ORDER_AVRO, value: order(1), zlib: true }),
  ];
  written[paymentsTopic] = [
    encodeGlue({ versionId: payments.versionId, format: 'PROTOBUF', definition: PAYMENT_PROTO, value: payment(0), message: 'payments.Payment' }),
  ];
  written[logsTopic] = [encodeConfluent({ id: logs.id, schemaType: 'AVRO', schema: LOG_EVENT_AVRO, value: logEvent(3) })];
  await produce(kafka, ordersTopic, written[ordersTopic].map((value, i) => ({ key: `order-${i}`, value, partition: 0 })));
  await produce(kafka, paymentsTopic, written[paymentsTopic].map((value) => ({ key: 'pay-0001', value, partition: 0 })));
  await produce(kafkaB, logsTopic, written[logsTopic].map((value) => ({ key: 'log-3', value, partition: 0 })));
});

/** Opens the details of the record at `offset` and returns them. */
async function openRecord(page: Page, offset: number): Promise<Locator> {
  await page.getByRole('button', { name: `Details of offset ${offset}`, exact: true }).click();
  const detail = page.getByTestId('message-detail');
  await expect(detail).toHaveCount(1);
  return detail;
}

/** The decoded JSON the details show. */
async function decodedShown(detail: Locator, part: 'value' | 'key' = 'value') {
  const pre = detail.getByTestId(`decoded-${part}`);
  await expect(pre).toBeVisible();
  return JSON.parse((await pre.textContent()) ?? 'null');
}

/** Hex as the console shows it: bytes separated by spaces, 16 per line. */
function hexLines(bytes: Buffer): string {
  return [...bytes].map((b, i) => (i > 0 ? (i % 16 === 0 ? '\n' : ' ') : '') + b.toString(16).padStart(2, '0')).join('');
}

/** Closes the details of `offset` again (one open at a time keeps the locators simple). */
async function closeRecord(page: Page, offset: number) {
  await page.getByRole('button', { name: `Details of offset ${offset}`, exact: true }).click();
  await expect(page.getByTestId('message-detail')).toHaveCount(0);
}

test('alice sees Glue-framed Avro (plain and zlib) and Protobuf records decoded, with schema, version and raw bytes', async ({ page }) => {
  await visitAs(page, 'alice', `/clusters/local-a/topics/${ordersTopic}/messages`);
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('registry-error')).toHaveCount(0);
  // Each row: the badge with format, schema name and version, and the decoded preview.
  for (const i of [0, 1]) {
    const row = rows.filter({ has: page.getByRole('button', { name: `Details of offset ${i}`, exact: true }) });
    await expect(row.getByTestId('schema-badge')).toHaveText(`Avro · ${ordersTopic} v1`);
    await expect(row).toContainText(`"id":"${order(i).id}"`);
    await expect(row).not.toContainText('not decoded');
  }

  // Offset 0 (uncompressed): the decoded value is the record the producer wrote.
  let detail = await openRecord(page, 0);
  await expect(detail.getByTestId('schema-badge')).toHaveText(`Avro · ${ordersTopic} v1`);
  expect(await decodedShown(detail)).toEqual(order(0));
  await expect(detail.getByTestId('undecoded-reason')).toHaveCount(0);
  // The raw bytes, behind a toggle: exactly what is on the topic (Glue header 03 00 + version UUID).
  const raw = detail.getByTestId('raw-bytes');
  await expect(raw).not.toHaveAttribute('open');
  await raw.getByText('Raw bytes').click();
  await expect(raw.getByTestId('raw-hex')).toHaveText(hexLines(written[ordersTopic][0]));
  await expect(raw.getByTestId('raw-hex')).toContainText(/^03 00 /);
  await expect(raw.getByTestId('raw-base64')).toHaveText(written[ordersTopic][0].toString('base64'));
  await shot(page, 'glue-avro-decoded');
  await closeRecord(page, 0);

  // Offset 1 (zlib): inflated and decoded the same.
  detail = await openRecord(page, 1);
  expect(await decodedShown(detail)).toEqual(order(1));
  await detail.getByTestId('raw-bytes').getByText('Raw bytes').click();
  await expect(detail.getByTestId('raw-hex')).toContainText(/^03 05 /);
  await expect(detail.getByTestId('raw-base64')).toHaveText(written[ordersTopic][1].toString('base64'));

  // Protobuf: the message type named, int64 as numbers, enums by name.
  await page.goto(`${app}/clusters/local-a/topics/${paymentsTopic}/messages`);
  await expect(rows).toHaveCount(1);
  const badge = rows.getByTestId('schema-badge');
  await expect(badge).toHaveText(`Protobuf · ${paymentsTopic} v1`);
  await expect(badge).toHaveAttribute('title', 'payments.Payment');
  detail = await openRecord(page, 0);
  const p = payment(0);
  expect(await decodedShown(detail)).toMatchObject({
    id: p.id,
    order_id: p.order_id,
    amount: p.amount,
    method: p.method,
    tags: p.tags,
  });
  await detail.getByTestId('raw-bytes').getByText('Raw bytes').click();
  await expect(detail.getByTestId('raw-base64')).toHaveText(written[paymentsTopic][0].toString('base64'));
  await shot(page, 'glue-protobuf-decoded');
});

test('alice sees a Confluent-framed Avro record decoded with its subject and version', async ({ page }) => {
  await visitAs(page, 'alice', `/clusters/local-b/topics/${logsTopic}/messages`);
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId('schema-badge')).toHaveText(`Avro · ${logsSubject} v1`);
  const detail = await openRecord(page, 0);
  expect(await decodedShown(detail)).toEqual(logEvent(3));
  await detail.getByTestId('raw-bytes').getByText('Raw bytes').click();
  // Confluent framing: magic byte 0, then the schema id (4 bytes, big-endian).
  const id = Buffer.alloc(4);
  id.writeUInt32BE(logs.id);
  await expect(detail.getByTestId('raw-hex')).toContainText(new RegExp(`^00 ${hexLines(id)} `));
  await expect(detail.getByTestId('raw-base64')).toHaveText(written[logsTopic][0].toString('base64'));
  await shot(page, 'confluent-avro-decoded');
});

/** Opens "Produce message" on the topic page the browser shows. */
async function openProduce(page: Page, topic: string) {
  await page.getByRole('button', { name: 'Produce message' }).click();
  const produceDialog = dialog(page, `Produce to ${topic}`);
  await expect(produceDialog.getByTestId('produce-schemas')).toBeVisible();
  return produceDialog;
}

test('alice produces with a chosen schema; the independent consumer decodes each record with the registry', async ({ page }) => {
  // Glue Avro, v1 chosen explicitly, zlib compressed.
  await visitAs(page, 'alice', `/clusters/local-a/topics/${ordersTopic}/messages`);
  let produceDialog = await openProduce(page, ordersTopic);
  const valueSchema = produceDialog.getByLabel('Value schema', { exact: true });
  await expect(valueSchema).toHaveValue(ordersTopic);
  await produceDialog.getByLabel('Value schema version').selectOption('1');
  await produceDialog.getByLabel('zlib compression').check();
  await produceDialog.getByLabel('Key', { exact: true }).fill('console-order');
  await produceDialog.getByLabel('Partition', { exact: true }).selectOption('0');
  const value = produceDialog.locator('#produce-value');
  // A value that breaks the schema: refused (400), each problem where it is.
  await value.fill(JSON.stringify({ id: 'console-1', amount: 'lots', currency: 'YEN', items: [] }));
  await produceDialog.getByRole('button', { name: 'Produce', exact: true }).click();
  const violations = produceDialog.getByTestId('schema-violations');
  await expect(violations).toBeVisible();
  await expect(violations).toContainText('/amount');
  await expect(violations).toContainText('/currency');
  await shot(page, 'produce-avro-violations');
  const consoleOrder = { id: 'console-1', amount: 42.5, currency: 'CHF', items: [{ sku: 'KB-101', quantity: 2, price: 21.25 }], note: 'from the console' };
  await value.fill(JSON.stringify(consoleOrder));
  await produceDialog.getByRole('button', { name: 'Produce', exact: true }).click();
  await expect(toast(page)).toContainText(`Message written to partition 0 at offset 2 · value Avro · ${ordersTopic} v1.`);
  await expect(produceDialog).toHaveCount(0);

  let records = await readDecoded(kafka, ordersTopic, decodeWith);
  expect(records).toHaveLength(3);
  expect(records[2]).toMatchObject({ offset: '2', keyText: 'console-order' });
  expect(records[2].error).toBeUndefined();
  expect(records[2].decoded).toMatchObject({
    registry: 'glue',
    format: 'avro',
    name: ordersTopic,
    registryName: glue.registry,
    version: 1,
    id: orders.versionId,
    compression: 'zlib',
    value: consoleOrder,
  });

  // Glue Protobuf, the second message type of the file chosen.
  await page.goto(`${app}/clusters/local-a/topics/${paymentsTopic}/messages`);
  produceDialog = await openProduce(page, paymentsTopic);
  await expect(produceDialog.getByLabel('Value schema', { exact: true })).toHaveValue(paymentsTopic);
  const messageType = produceDialog.getByLabel('Value message type');
  await expect(messageType.locator('option').first()).toHaveText('payments.Payment');
  await expect(messageType.locator('option', { hasText: 'payments.Refund' })).toHaveCount(1);
  await messageType.selectOption('payments.Refund');
  await produceDialog.getByLabel('Partition', { exact: true }).selectOption('0');
  const refund = { payment_id: 'pay-0001', amount: { minor_units: 1000, currency: 'EUR' }, reason: 'damaged' };
  await produceDialog.locator('#produce-value').fill(JSON.stringify(refund));
  await produceDialog.getByRole('button', { name: 'Produce', exact: true }).click();
  await expect(toast(page)).toContainText(`Message written to partition 0 at offset 1 · value Protobuf · ${paymentsTopic} v1.`);
  records = await readDecoded(kafka, paymentsTopic, decodeWith);
  expect(records).toHaveLength(2);
  expect(records[1].error).toBeUndefined();
  expect(records[1].decoded).toMatchObject({
    registry: 'glue',
    format: 'protobuf',
    name: paymentsTopic,
    version: 1,
    compression: 'none',
    message: 'payments.Refund',
    // protobufjs's toObject: int64 as a string.
    value: { payment_id: 'pay-0001', amount: { minor_units: '1000', currency: 'EUR' }, reason: 'damaged' },
  });

  // Confluent Avro on local-b.
  await page.goto(`${app}/clusters/local-b/topics/${logsTopic}/messages`);
  produceDialog = await openProduce(page, logsTopic);
  await expect(produceDialog.getByLabel('Value schema', { exact: true })).toHaveValue(logsSubject);
  await expect(produceDialog.getByLabel('zlib compression')).toHaveCount(0);
  await produceDialog.getByLabel('Partition', { exact: true }).selectOption('0');
  const event = { ...logEvent(7), message: 'from the console' };
  await produceDialog.locator('#produce-value').fill(JSON.stringify(event));
  await produceDialog.getByRole('button', { name: 'Produce', exact: true }).click();
  await expect(toast(page)).toContainText(`Message written to partition 0 at offset 1 · value Avro · ${logsSubject} v1.`);
  records = await readDecoded(kafkaB, logsTopic, decodeWith);
  expect(records).toHaveLength(2);
  expect(records[1].error).toBeUndefined();
  expect(records[1].decoded).toMatchObject({ registry: 'confluent', format: 'avro', subject: logsSubject, version: 1, id: logs.id, value: event });

  // And the console shows its own record decoded like the others.
  await page.reload();
  await expect(page.getByTestId('message-row')).toHaveCount(2);
  const detail = await openRecord(page, 1);
  expect(await decodedShown(detail)).toEqual(event);
});

/** The diff's counts from its summary, checked against the marked lines. */
async function checkDiff(card: Locator, from: number, to: number) {
  const summary = card.getByTestId('diff-summary');
  await expect(summary).toHaveText(new RegExp(`^v${from} → v${to}: \\d+ added, \\d+ removed$`));
  const [, added, removed] = /(\d+) added, (\d+) removed/.exec((await summary.textContent()) ?? '')!.map(Number);
  const diff = card.getByTestId('schema-diff');
  await expect(diff.locator('[data-diff=added]')).toHaveCount(added);
  await expect(diff.locator('[data-diff=removed]')).toHaveCount(removed);
  return { added: diff.locator('[data-diff=added]'), removed: diff.locator('[data-diff=removed]') };
}

test('alice registers a second Glue version, checked first, and sees the diff; the registry has it', async ({ page }) => {
  await visitAs(page, 'alice', `/clusters/local-a/topics/${ordersTopic}/schema`);
  const card = page.locator(`[data-testid=schema-detail][data-schema="${ordersTopic}"]`);
  await expect(card.getByTestId('schema-format')).toHaveText('Avro');
  await expect(card.getByTestId('schema-compatibility')).toHaveText('BACKWARD');
  await expect(card.getByTestId('schema-versions').getByRole('button')).toHaveText(['v1']);
  await expect(card.getByTestId('schema-definition')).toContainText('"Order"');

  const form = card.locator('details[data-testid=register-form]');
  await form.getByText('Register new version').click();
  const definition = form.getByLabel('New definition');
  await expect(definition).not.toHaveValue('');
  await definition.fill(JSON.stringify(ORDER_AVRO_V2, null, 2));
  // Glue's check is CheckSchemaVersionValidity, which moto lacks: there the
  // console says so (501); against AWS it shows the verdict.
  await form.getByRole('button', { name: 'Check compatibility' }).click();
  const verdict = form.getByTestId('compatibility-verdict');
  const notSupported = form.getByTestId('not-supported');
  await expect(verdict.or(notSupported)).toBeVisible();
  if (await verdict.isVisible()) {
    await expect(verdict).toHaveAttribute('data-compatible', 'true');
  } else {
    await expect(notSupported).toContainText('CheckSchemaVersionValidity');
  }
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByTestId('register-result')).toContainText(/^Registered version 2\b/);
  await expect(notSupported).toHaveCount(0);
  await expect(card.getByTestId('schema-versions').getByRole('button')).toHaveText(['v1', 'v2']);
  await expect(card.getByTestId('schema-definition')).toContainText('"channel"');

  // Independently: Glue has version 2 with that definition, the latest.
  const { GetSchemaVersionCommand } = await import('@aws-sdk/client-glue');
  const v2 = await glueApi.send(
    new GetSchemaVersionCommand({ SchemaId: { RegistryName: glue.registry, SchemaName: ordersTopic }, SchemaVersionNumber: { LatestVersion: true } }),
  );
  expect(Number(v2.VersionNumber)).toBe(2);
  expect(JSON.parse(v2.SchemaDefinition!)).toEqual(ORDER_AVRO_V2);

  // The diff of v1 → v2: the new field added, nothing of the old ones lost.
  await card.getByText('Compare versions').click();
  await expect(card.getByLabel('Compare from version')).toHaveValue('1');
  await expect(card.getByLabel('Compare to version')).toHaveValue('2');
  const { added, removed } = await checkDiff(card, 1, 2);
  await expect(added.filter({ hasText: '"channel"' })).toHaveCount(1);
  await expect(added.filter({ hasText: '"web"' })).toHaveCount(1);
  for (const line of await removed.allTextContents()) expect(line).not.toMatch(/"(id|amount|currency|items|note)"/);
  await shot(page, 'glue-diff');

  // The older version is still there to look at.
  await card.getByTestId('schema-versions').getByRole('button', { name: 'v1' }).click();
  await expect(card.getByTestId('schema-version-shown')).toContainText('Version 1');
  await expect(card.getByTestId('schema-definition')).not.toContainText('"channel"');
});

test('alice checks and registers a Confluent version: an incompatible one is refused, a compatible one diffed', async ({ page }) => {
  await visitAs(page, 'alice', `/clusters/local-b/schemas/${logsSubject}`);
  const card = page.locator(`[data-testid=schema-detail][data-schema="${logsSubject}"]`);
  await expect(card.getByTestId('schema-format')).toHaveText('Avro');
  await expect(card.getByTestId('schema-compatibility')).toHaveText('BACKWARD');
  await expect(card.getByTestId('schema-versions').getByRole('button')).toHaveText(['v1']);
  const form = card.locator('details[data-testid=register-form]');
  await form.getByText('Register new version').click();
  const definition = form.getByLabel('New definition');

  // A field without a default: BACKWARD says no, before and at registering.
  await definition.fill(JSON.stringify(LOG_EVENT_AVRO_BAD));
  await form.getByRole('button', { name: 'Check compatibility' }).click();
  await expect(form.getByTestId('compatibility-verdict')).toHaveAttribute('data-compatible', 'false');
  await expect(form.getByTestId('compatibility-verdict')).toContainText('Not compatible under BACKWARD');
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByTestId('register-result')).toHaveCount(0);
  await expect(card.getByTestId('schema-versions').getByRole('button')).toHaveText(['v1']);

  await definition.fill(JSON.stringify(LOG_EVENT_AVRO_V2));
  await form.getByRole('button', { name: 'Check compatibility' }).click();
  await expect(form.getByTestId('compatibility-verdict')).toHaveAttribute('data-compatible', 'true');
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByTestId('register-result')).toContainText(/^Registered version 2\b/);
  await expect(card.getByTestId('schema-versions').getByRole('button')).toHaveText(['v1', 'v2']);

  // Independently: the registry's subject has two versions, v2 the new schema.
  const versions = await (await fetch(`${confluentURL}/subjects/${encodeURIComponent(logsSubject)}/versions`)).json();
  expect(versions).toEqual([1, 2]);
  const latest = await (await fetch(`${confluentURL}/subjects/${encodeURIComponent(logsSubject)}/versions/latest`)).json();
  expect(JSON.parse(latest.schema)).toEqual(LOG_EVENT_AVRO_V2);

  await card.getByText('Compare versions').click();
  const { added } = await checkDiff(card, 1, 2);
  await expect(added.filter({ hasText: '"host"' })).toHaveCount(1);

  // The list of subjects finds it.
  await page.goto(`${app}/clusters/local-b/schemas`);
  await page.getByTestId('schema-search').fill(logsTopic);
  const row = page.getByTestId('schemas-table').getByTestId('schema-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(logsSubject);
  await expect(row).toContainText('Avro');
  await expect(row).toContainText('v2');
});

test('victor (viewer) sees schemas, versions and diffs, but cannot register or change the mode', async ({ page }) => {
  // Glue has no ListSchemas in moto: the list says so and opens a schema by name.
  await visitAs(page, 'victor', '/clusters/local-a/schemas');
  await expect(page.getByTestId('not-supported')).toBeVisible();
  const open = page.getByTestId('open-schema');
  await open.getByLabel('Schema name').fill(viewedTopic);
  await open.getByRole('button', { name: 'Open a schema by name' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/schemas/${viewedTopic}`);

  const card = page.locator(`[data-testid=schema-detail][data-schema="${viewedTopic}"]`);
  await expect(card.getByTestId('schema-format')).toHaveText('Avro');
  await expect(card.getByTestId('schema-compatibility')).toHaveText('BACKWARD');
  await expect(card.getByTestId('schema-versions').getByRole('button')).toHaveText(['v1', 'v2']);
  await expect(card.getByTestId('schema-definition')).toContainText('"channel"');
  await card.getByText('Compare versions').click();
  const { added } = await checkDiff(card, 1, 2);
  await expect(added.filter({ hasText: '"channel"' })).toHaveCount(1);
  // Reading only.
  await expect(card.getByTestId('register-form')).toHaveCount(0);
  await expect(page.getByText('Register new version')).toHaveCount(0);
  await expect(page.getByLabel('Compatibility mode')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save mode' })).toHaveCount(0);
  await shot(page, 'viewer-schema');

  // The topic's Schema tab and a Confluent subject, the same.
  await page.goto(`${app}/clusters/local-a/topics/${ordersTopic}/schema`);
  const topicCard = page.locator(`[data-testid=schema-detail][data-schema="${ordersTopic}"]`);
  await expect(topicCard.getByTestId('schema-format')).toHaveText('Avro');
  await expect(topicCard.getByTestId('schema-versions')).toBeVisible();
  await expect(page.getByTestId('register-form')).toHaveCount(0);
  await page.goto(`${app}/clusters/local-b/schemas/${logsSubject}`);
  await expect(page.getByTestId('schema-format')).toHaveText('Avro');
  await expect(page.getByTestId('register-form')).toHaveCount(0);
  await expect(page.getByLabel('Compatibility mode')).toHaveCount(0);

  // The API refuses him too, and the registry is unchanged.
  const refused = await page.request.post(`${app}/api/v1/clusters/local-a/schemas/${viewedTopic}/versions`, {
    headers: { 'X-CSRF': '1' },
    data: { format: 'avro', definition: JSON.stringify({ ...ORDER_AVRO_V2, doc: 'victor was here' }), references: [] },
  });
  expect(refused.status(), await refused.text()).toBe(403);
  const { GetSchemaCommand } = await import('@aws-sdk/client-glue');
  const schema = await glueApi.send(new GetSchemaCommand({ SchemaId: { RegistryName: glue.registry, SchemaName: viewedTopic } }));
  expect(Number(schema.LatestSchemaVersion)).toBe(2);
});
