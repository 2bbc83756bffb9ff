// The topics list and "Create topic".
import { expect, test } from '@playwright/test';
import { app, dialog, shot, toast, visitAs } from './support';

test('the topics list: search, sort, internal topics and paging live in the URL', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-a/topics');
  await expect(page.getByTestId('topic-row').filter({ hasText: 'demo.orders' })).toBeVisible();
  await expect(page.getByTestId('topic-row').filter({ hasText: 'internal' })).toHaveCount(0);
  await shot(page, 'topics');

  // Other tests and the framed demo data add topics with "pay" in their names.
  await page.getByTestId('topic-search').fill('demo.pay');
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics?q=demo.pay`);
  await expect(page.getByTestId('topic-row')).toHaveCount(1);
  await expect(page.getByTestId('topic-row')).toContainText('demo.payments');
  await expect(page.getByTestId('topics-count')).toHaveText('1 topics match');

  // Other tests add topics: sort the demo ones.
  await page.getByTestId('topic-search').fill('demo.');
  await page.getByRole('button', { name: /^Partitions/ }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics?q=demo.&sort=partitions&order=desc`);
  await expect(page.getByTestId('topic-row').first()).toContainText('demo.clickstream');
  await page.getByRole('button', { name: /^Partitions/ }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics?q=demo.&sort=partitions`);
  await expect(page.getByTestId('topic-row').first()).toContainText('demo.customers');

  await page.getByTestId('topic-search').fill('');
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics?sort=partitions`);
  await page.getByRole('button', { name: /^Name/ }).click();
  await page.getByLabel('Show internal topics').check();
  await expect(page).toHaveURL(/internal=true/);
  // Configurator's own topics (schemas, audit) exist by now.
  await expect(page.getByTestId('topic-row').filter({ hasText: 'internal' }).first()).toBeVisible();

  // Paging: two per page.
  await page.goto(`${app}/clusters/local-a/topics?q=demo.&per_page=2`);
  await expect(page.getByTestId('topic-row')).toHaveCount(2);
  await expect(page.getByTestId('pager-range')).toHaveText('Showing 1–2 of 4');
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics?q=demo.&page=2&per_page=2`);
  await expect(page.getByTestId('pager-range')).toHaveText('Showing 3–4 of 4');
  await expect(page.getByTestId('topic-row').first()).toContainText('demo.orders');
  await page.goBack();
  await expect(page.getByTestId('pager-range')).toHaveText('Showing 1–2 of 4');
});

test('alice creates a topic: live checks, the server’s error on its field, then the topic', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-a/topics');
  await page.getByRole('button', { name: 'Create topic' }).click();
  const create = dialog(page, 'Create topic');
  await expect(create).toBeVisible();
  await expect(create.getByLabel('Name')).toBeFocused();

  // Kafka's rules, while typing.
  await create.getByLabel('Name').fill('bad name!');
  await expect(create.getByTestId('topic-name-error')).toContainText('Only letters, digits');
  await create.getByLabel('Partitions').fill('0');
  await expect(create.getByTestId('topic-partitions-error')).toContainText('between 1 and 10,000');
  await create.getByLabel('Replication factor').fill('3');
  await expect(create.getByTestId('topic-replication-error')).toContainText('1 broker');
  await create.getByLabel('Retention (retention.ms)').fill('soon');
  await expect(create.getByTestId('topic-retention-error')).toBeVisible();
  await shot(page, 'create-topic-validation');

  // The server's verdict lands on the field it names.
  await create.getByLabel('Name').fill('demo.orders');
  await create.getByLabel('Partitions').fill('3');
  await create.getByLabel('Replication factor').fill('1');
  await create.getByRole('button', { name: '7 days' }).click();
  await create.getByRole('button', { name: 'Create topic' }).click();
  await expect(create.getByTestId('topic-name-error')).toHaveText('A topic named demo.orders already exists.');

  await create.getByLabel('Name').fill('e2e.created');
  await create.getByLabel('Cleanup policy').selectOption('compact');
  await create.getByRole('button', { name: '+ Add config' }).click();
  await create.getByLabel('Config name').fill('min.insync.replicas');
  await create.getByLabel('Config value').fill('1');
  await create.getByRole('button', { name: 'Create topic' }).click();
  await expect(toast(page)).toContainText('Topic e2e.created created on local-a.');
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics/e2e.created`);
  await expect(page.getByTestId('partition-row')).toHaveCount(3);
  await page.getByRole('link', { name: 'Configs' }).click();
  await expect(page.getByTestId('config-row').filter({ hasText: 'cleanup.policy' })).toContainText('compact');
  await expect(page.getByTestId('config-row').filter({ hasText: 'retention.ms' })).toContainText('604800000');
});

test('oscar cannot create topics and is told why', async ({ page }) => {
  await visitAs(page, 'oscar', '/clusters/local-a/topics');
  await expect(page.getByTestId('topic-row').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create topic' })).toHaveCount(0);
  await expect(page.getByTestId('read-only-note')).toContainText('cannot create topics (topics:create)');
});
