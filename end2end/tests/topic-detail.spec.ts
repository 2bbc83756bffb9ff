// One topic: partitions, configs, partitions count, purge, delete — as alice.
import { expect, test } from '@playwright/test';
import { app, dialog, shot, toast, visitAs } from './support';
import { createTopics } from './kafka';

test.describe.configure({ mode: 'serial' });

test('alice edits configs and reviews the difference before saving', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-a/topics/demo.orders');
  await expect(page.getByTestId('topic-facts')).toContainText('6 partitions');
  await expect(page.getByTestId('partition-row')).toHaveCount(6);
  await shot(page, 'topic-partitions');

  await page.getByRole('link', { name: 'Configs' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics/demo.orders/configs`);
  await expect(page.getByTestId('config-row').filter({ hasText: 'retention.ms' })).toContainText('604800000 (7 days)');
  await page.getByRole('button', { name: 'Edit configs' }).click();
  await page.getByLabel('Value of retention.ms').fill('86400000');
  await page.getByRole('button', { name: '+ Add config' }).click();
  await page.getByLabel('Config name').fill('min.insync.replicas');
  await page.getByLabel('Value of min.insync.replicas').fill('1');
  await page.getByRole('button', { name: 'Review 2 changes' }).click();
  const review = dialog(page, 'Review config changes');
  await expect(review.getByTestId('config-diff')).toContainText('retention.ms604800000→86400000');
  await expect(review.getByTestId('config-diff')).toContainText('+min.insync.replicas1');
  await shot(page, 'topic-configs-diff');
  await review.getByRole('button', { name: 'Save changes' }).click();
  await expect(toast(page)).toContainText('Configs saved.');
  await expect(page.getByTestId('config-row').filter({ hasText: 'retention.ms' })).toContainText('86400000 (1 day)');
  await expect(page.getByTestId('config-row').filter({ hasText: 'min.insync.replicas' })).toContainText('1');
  await shot(page, 'topic-configs');
});

test('adding partitions shows the broker’s refusal clearly', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-a/topics/demo.payments');
  await page.getByRole('button', { name: 'Add partitions' }).click();
  const add = dialog(page, 'Add partitions');
  await add.getByLabel('New number of partitions').fill('5');
  await add.getByRole('button', { name: 'Add partitions' }).click();
  await expect(add.getByTestId('dialog-error')).toContainText('does not support the operation');
  await expect(add.getByTestId('dialog-error')).toContainText('Request id');
  await shot(page, 'add-partitions-refused');
  await page.keyboard.press('Escape');
  await expect(add).toHaveCount(0);
});

test('alice purges one partition, then the whole topic', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-a/topics/demo.clickstream');
  const count = (text: string | null) => Number((text ?? '').replace(/[^0-9]/g, ''));
  const facts = page.getByTestId('topic-facts');
  await expect(facts).toContainText('360 messages');
  // The first partition that has messages.
  const rows = page.getByTestId('partition-row');
  let row = rows.first();
  let partition = 0;
  for (; partition < 12; partition++) {
    row = rows.nth(partition);
    if (count(await row.getByRole('cell').nth(6).textContent()) > 0) break;
  }
  const inIt = count(await row.getByRole('cell').nth(6).textContent());
  await row.getByRole('button', { name: `Purge partition ${partition}` }).click();
  const purge = dialog(page, `Purge partition ${partition}`);
  await expect(purge).toContainText(`${inIt} messages`);
  await purge.getByRole('button', { name: 'Purge messages' }).click();
  await expect(toast(page)).toContainText(`Partition ${partition} purged.`);
  await expect(row.getByRole('cell').nth(6)).toHaveText('0');
  await expect(facts).toContainText(`${360 - inIt} messages`);

  await page.getByRole('button', { name: 'Purge…' }).click();
  const all = dialog(page, 'Purge all partitions');
  await expect(all).toContainText(`${360 - inIt} messages`);
  await all.getByRole('button', { name: 'Purge messages' }).click();
  await expect(toast(page)).toContainText('12 partitions purged.');
  await expect(facts).toContainText('· 0 messages');
});

test('alice deletes a topic after typing its name', async ({ page }) => {
  await createTopics('e2e.doomed-', 1);
  await visitAs(page, 'alice', '/clusters/local-a/topics/e2e.doomed-00000');
  await page.getByRole('button', { name: 'Delete…' }).click();
  const del = dialog(page, 'Delete topic');
  const confirm = del.getByRole('button', { name: 'Delete topic' });
  await expect(confirm).toBeDisabled();
  await del.getByRole('textbox').fill('e2e.doomed');
  await expect(confirm).toBeDisabled();
  await del.getByRole('textbox').fill('e2e.doomed-00000');
  await shot(page, 'delete-topic');
  await confirm.click();
  await expect(toast(page)).toContainText('Topic e2e.doomed-00000 deleted.');
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics`);
  await page.getByTestId('topic-search').fill('e2e.doomed');
  await expect(page.getByText('No topics match the search.')).toBeVisible();
});

test('a protected topic is read-only for everyone: listed with a lock, no actions, not browsable', async ({ page }) => {
  // A panic leaves the console's wasm dead: the next page never renders.
  const crashes: string[] = [];
  page.on('pageerror', (error) => crashes.push(error.message));
  await visitAs(page, 'alice', '/');
  // Any change through the API writes the audit topic, so it exists.
  const created = await page.request.post(`${app}/api/v1/clusters/local-a/topics`, {
    headers: { 'X-CSRF': '1' },
    data: { name: `e2e.protected-${Date.now()}`, partitions: 1, replication_factor: 1 },
  });
  expect(created.status()).toBe(201);

  await page.goto(`${app}/clusters/local-a/topics?q=__configurator_audit&internal=true`);
  await expect(page.getByTestId('topic-row').first()).toContainText('read-only');
  await page.getByRole('link', { name: '__configurator_audit' }).click();
  await expect(page.getByTestId('protected-note')).toContainText('no one produces to it');
  const actions = /Produce|Add partitions|Purge|Delete|Edit configs|Add schema|Edit schema/;
  await expect(page.getByTestId('partition-row').first()).toBeVisible();
  await expect(page.getByRole('button', { name: actions })).toHaveCount(0);
  await shot(page, 'protected-topic');
  for (const tab of ['Configs', 'Schema']) {
    await page.getByRole('link', { name: tab, exact: true }).click();
    await expect(page.getByRole('button', { name: actions })).toHaveCount(0);
  }
  await page.getByRole('link', { name: 'Messages', exact: true }).click();
  await expect(page.getByTestId('messages-protected')).toContainText('not browsable');
  await expect(page.getByTestId('message-row')).toHaveCount(0);
  await page.getByRole('link', { name: 'Read the audit trail on the Audit page' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/audit`);
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByTestId('audit-table')).toBeVisible();
  expect(crashes).toEqual([]);
});
