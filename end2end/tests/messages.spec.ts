// Messages: browse, details, downloads, produce with and without a schema.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { app, dialog, shot, toast, visitAs } from './support';

test('alice reads messages: partitions, start, filter, details, load more, downloads', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await visitAs(page, 'alice', '/clusters/local-a/topics/demo.orders/messages');
  // Newest 50 by default.
  await expect(page.getByTestId('message-row')).toHaveCount(50);
  await expect(page.getByTestId('scan-summary')).toContainText('50 messages shown');

  // Partition 2 from the earliest offset, 20 at a time.
  await page.getByTestId('partition-picker').click();
  await page.getByRole('group', { name: 'Partitions' }).getByLabel('2', { exact: true }).check();
  await page.getByTestId('partition-picker').click();
  await page.getByTestId('from-kind').selectOption('earliest');
  await page.getByLabel('Limit').selectOption('20');
  await page.getByRole('button', { name: 'Read messages' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics/demo.orders/messages?partition=2&from=earliest&limit=20`);
  const rows = page.getByTestId('message-row');
  await expect(rows.first()).toBeVisible();
  const firstCount = await rows.count();
  for (const cell of await rows.locator('td:nth-child(2)').allTextContents()) expect(cell).toBe('2');
  await expect(rows.first().locator('td').nth(2)).toHaveText('0');

  // Load more continues the same scan, when there is more.
  if (firstCount === 20) {
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(20);
  }

  // A row in full: pretty JSON, key, headers; copy.
  await rows.first().getByRole('button', { name: 'Details of offset 0' }).click();
  const detail = page.getByTestId('message-detail');
  await expect(detail.locator('.json')).toContainText('"order_id": "order-');
  await expect(detail).toContainText('content-type');
  await expect(detail).toContainText('application/json');
  await shot(page, 'messages');
  await detail.getByRole('button', { name: 'Copy value' }).click();
  await expect(toast(page)).toContainText('Value copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('"order_id"');

  // Text filter, server-side.
  await page.getByTestId('message-filter').fill('cancelled');
  await page.getByRole('button', { name: 'Read messages' }).click();
  await expect(page).toHaveURL(/q=cancelled/);
  await expect(rows.first()).toContainText('cancelled');
  for (const value of await rows.locator('td:nth-child(6)').allTextContents()) expect(value).toContain('cancelled');

  // Downloads of what is shown.
  const shown = await rows.count();
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(json.suggestedFilename()).toBe('demo.orders-messages.json');
  const parsed = JSON.parse(readFileSync(await json.path(), 'utf8'));
  expect(parsed).toHaveLength(shown);
  expect(parsed[0].partition).toBe(2);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('partition,offset,timestamp,key,value,headers,previews');
  expect(lines).toHaveLength(shown + 1);

  // Start at an offset or a time.
  await page.goto(`${app}/clusters/local-a/topics/demo.orders/messages?partition=2&from=offset:3&limit=5`);
  await expect(rows.first().locator('td').nth(2)).toHaveText('3');
  await page.getByTestId('from-kind').selectOption('timestamp');
  await page.getByLabel('Start date and time').fill('2000-01-01T00:00:00');
  await page.getByRole('button', { name: 'Read messages' }).click();
  await expect(page).toHaveURL(/from=timestamp%3A\d+/);
  await expect(rows.first().locator('td').nth(2)).toHaveText('0');
});

// local-c has no schema registry: its topics' JSON Schemas are in its own store.
test('alice sets a JSON Schema on a cluster without a registry; values that break it are refused inline, good ones produced', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-c/topics/demo.payments/schema');
  await expect(page.getByTestId('no-schema')).toBeVisible();
  await page.getByRole('button', { name: 'Add schema' }).click();
  await page.getByLabel('JSON Schema').fill(
    JSON.stringify({
      type: 'object',
      required: ['payment_id', 'amount_cents'],
      properties: { payment_id: { type: 'string' }, amount_cents: { type: 'integer', minimum: 1 } },
    }),
  );
  await page.getByRole('button', { name: 'Save schema' }).click();
  await expect(toast(page)).toContainText('Schema saved.');
  await expect(page.getByTestId('schema-view')).toContainText('"amount_cents"');
  await expect(page.getByTestId('schema-view')).toContainText('Last saved');
  await shot(page, 'schema');

  await page.getByRole('button', { name: 'Produce message' }).click();
  const produce = dialog(page, 'Produce to demo.payments');
  await expect(produce).toContainText("checked against this topic's JSON Schema");
  await produce.getByLabel('Key').fill('payment-e2e');
  const value = produce.locator('#produce-value');
  await value.fill('{"payment_id": "p-1", "amount_cents": ');
  await expect(produce.getByTestId('value-error')).toContainText('Line 1, column');
  await value.fill('{"payment_id": 7, "amount_cents": 0}');
  await expect(produce.getByTestId('value-error')).toBeEmpty();
  await produce.getByRole('button', { name: '+ Add header' }).click();
  await produce.getByLabel('Header name').fill('trace');
  await produce.getByLabel('Header value').fill('e2e');
  await produce.getByLabel('Partition').selectOption('1');
  await produce.getByRole('button', { name: 'Produce', exact: true }).click();
  const violations = produce.getByTestId('schema-violations');
  await expect(violations).toContainText("does not match demo.payments's schema");
  await expect(violations).toContainText('/payment_id');
  await expect(violations).toContainText('/amount_cents');
  await shot(page, 'produce-schema-errors');

  await value.fill('{"payment_id": "p-1", "amount_cents": 1250}');
  await produce.getByRole('button', { name: 'Produce', exact: true }).click();
  await expect(toast(page)).toContainText('Message written to partition 1 at offset');
  await expect(produce).toHaveCount(0);

  // It is there, with its header.
  await page.goto(`${app}/clusters/local-c/topics/demo.payments/messages?partition=1&from=latest&limit=1`);
  const row = page.getByTestId('message-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('payment-e2e');
  await row.click();
  await expect(page.getByTestId('message-detail')).toContainText('trace');

  // And the schema can go again.
  await page.getByRole('link', { name: 'Schema' }).click();
  await page.getByRole('button', { name: 'Delete schema' }).click();
  await dialog(page, 'Delete schema').getByRole('button', { name: 'Delete schema' }).click();
  await expect(toast(page)).toContainText('Schema deleted.');
  await expect(page.getByTestId('no-schema')).toBeVisible();
});

test('a large message shows as a preview, loads whole, and downloads whole', async ({ page }) => {
  const topic = `e2e.large-${Date.now()}`;
  await visitAs(page, 'alice', '/');
  const created = await page.request.post(`${app}/api/v1/clusters/local-a/topics`, {
    headers: { 'X-CSRF': '1' },
    data: { name: topic, partitions: 1, replication_factor: 1 },
  });
  expect(created.status(), await created.text()).toBe(201);
  // 40,000 bytes of text: more than the 16 KiB a list shows of it.
  const value = `start-${'x'.repeat(39_990)}-end`;
  const produced = await page.request.post(`${app}/api/v1/clusters/local-a/topics/${topic}/messages`, {
    headers: { 'X-CSRF': '1' },
    data: { key: { data: 'big' }, value: { data: value } },
  });
  expect(produced.ok(), await produced.text()).toBe(true);

  await page.goto(`${app}/clusters/local-a/topics/${topic}/messages`);
  const row = page.getByTestId('message-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('preview · 39.1 KiB');
  await expect(page.getByTestId('scan-summary')).toContainText('1 with previews only');

  // The page's CSV says which values are cut.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines[1]).toMatch(/,value:40000$/);

  await row.click();
  const detail = page.getByTestId('message-detail');
  await expect(detail).toContainText('preview · 39.1 KiB');
  await expect(detail.locator('pre').first()).not.toContainText('-end');
  await shot(page, 'message-preview');
  await detail.getByRole('button', { name: 'Load whole message' }).click();
  await expect(detail.locator('pre').first()).toContainText('-end');
  await expect(detail).not.toContainText('preview ·');
  await expect(detail.getByRole('button', { name: 'Load whole message' })).toHaveCount(0);

  const [file] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Download value' }).click()]);
  expect(file.suggestedFilename()).toBe(`${topic}-0-0.txt`);
  expect(readFileSync(await file.path(), 'utf8')).toBe(value);
});
