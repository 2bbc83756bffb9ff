// The audit log: server-side filters in the URL, paging to older records,
// the CSV export, and records that fail verification.
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { kafka } from './kafka';
import { app, shot, signIn, visitAs } from './support';

const csrf = { 'X-CSRF': '1' };

/** Creates a one-partition topic through the API, as whoever `page` is signed in as. */
async function createTopic(page: Page, name: string) {
  const answer = await page.request.post(`${app}/api/v1/clusters/local-a/topics`, {
    headers: csrf,
    data: { name, partitions: 1, replication_factor: 1 },
  });
  expect(answer.status(), await answer.text()).toBe(201);
}

/** A page signed in as `user` in a context of its own. */
async function signedIn(browser: Browser, user: string) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app}/`);
  await signIn(page, user);
  await expect(page.getByTestId('user-name')).toBeVisible();
  return page;
}

test('alice filters the audit by action and outcome; the URL carries the filters', async ({ page, browser }) => {
  const topic = `e2e.audit-${Date.now()}`;
  await visitAs(page, 'alice', '/');
  await createTopic(page, topic);
  // Victor may not delete it: a refused call, hidden unless asked for.
  const victor = await signedIn(browser, 'victor');
  const refused = await victor.request.delete(`${app}/api/v1/clusters/local-a/topics/${topic}`, { headers: csrf });
  expect(refused.status()).toBe(403);
  await victor.context().close();

  await page.goto(`${app}/clusters/local-a/audit`);
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  await page.getByLabel('Action').selectOption('topics:create');
  await expect(page).toHaveURL(`${app}/clusters/local-a/audit?action=topics%3Acreate`);
  await expect(rows.filter({ hasText: topic })).toHaveCount(1);
  await expect(rows.locator('td:nth-child(3)').filter({ hasNotText: 'topics:create' })).toHaveCount(0);

  // Refused calls are hidden by default, shown when chosen.
  await page.getByLabel('Resource').fill(topic);
  await page.getByLabel('Resource').press('Enter');
  await page.getByLabel('Action').selectOption('topics:delete');
  await expect(page).toHaveURL(`${app}/clusters/local-a/audit?action=topics%3Adelete&resource=${encodeURIComponent(topic)}`);
  await expect(page.getByTestId('audit-table')).toContainText('No records match.');
  await page.getByLabel('Outcome').selectOption('refused');
  await expect(page).toHaveURL(/outcome=refused/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Victor');
  await expect(rows.first()).toContainText('forbidden');
  await shot(page, 'audit-refused');

  // Back and forward restore the filters and their answer.
  await page.goBack();
  await expect(page.getByLabel('Outcome')).toHaveValue('');
  await expect(page.getByTestId('audit-table')).toContainText('No records match.');
  await page.goForward();
  await expect(page.getByLabel('Outcome')).toHaveValue('refused');
  await expect(rows).toHaveCount(1);

  // A deep link opens with its filters filled in.
  await page.goto(`${app}/clusters/local-a/audit?outcome=all&resource=${encodeURIComponent(topic)}`);
  await expect(page.getByLabel('Resource')).toHaveValue(topic);
  await expect(page.getByLabel('Outcome')).toHaveValue('all');
  await expect(rows).toHaveCount(2);

  // A time range: nothing from the future, both records up to then.
  await page.getByLabel('From', { exact: true }).fill('2099-01-01T00:00:00');
  await expect(page).toHaveURL(/since=\d+/);
  await expect(page.getByTestId('audit-table')).toContainText('No records match.');
  await page.getByLabel('From', { exact: true }).fill('');
  await page.getByLabel('To', { exact: true }).fill('2099-01-01T00:00:00');
  await expect(page).toHaveURL(/until=\d+/);
  await expect(page).not.toHaveURL(/since=/);
  await expect(rows).toHaveCount(2);
});

test('Older → pages through the records, newest first, and back to the newest', async ({ page }) => {
  const prefix = `e2e.paging-${Date.now()}`;
  await visitAs(page, 'alice', '/');
  for (const n of [1, 2, 3]) await createTopic(page, `${prefix}-${n}`);

  await page.goto(`${app}/clusters/local-a/audit?resource=${prefix}&limit=1`);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${prefix}-3`);
  await expect(page.getByRole('button', { name: '← Newest' })).toBeDisabled();
  await page.getByRole('button', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/cursor=\d+/);
  await expect(page.getByRole('button', { name: '← Newest' })).toBeEnabled();
  await expect(rows.first()).toContainText(`${prefix}-2`);
  await page.getByRole('button', { name: 'Older →' }).click();
  await expect(rows.first()).toContainText(`${prefix}-1`);
  await page.goBack();
  await expect(rows.first()).toContainText(`${prefix}-2`);
  await page.getByRole('button', { name: '← Newest' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/audit?resource=${prefix}&limit=1`);
  await expect(rows.first()).toContainText(`${prefix}-3`);
});

test('the export downloads the filtered records as CSV', async ({ page }) => {
  const topic = `e2e.export-${Date.now()}`;
  await visitAs(page, 'alice', '/');
  await createTopic(page, topic);
  await page.goto(`${app}/clusters/local-a/audit?resource=${topic}`);
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`topic:${topic}`);
  expect(lines[1]).toContain('topics:create');
});

test('a record written around the API is marked and announced', async ({ page }) => {
  const topic = `e2e.tampered-${Date.now()}`;
  await visitAs(page, 'alice', '/');
  await createTopic(page, `${topic}-real`); // the audit topic exists from here on
  const producer = kafka.producer();
  await producer.connect();
  try {
    const forged = {
      time: Date.now(),
      subject: 'mallory',
      name: 'Mallory',
      action: 'topics:delete',
      resource: `topic:${topic}`,
      parameters: {},
      result: 'ok',
      status: 204,
      request_id: 'forged-1',
    };
    await producer.send({ topic: '__configurator_audit', messages: [{ value: JSON.stringify(forged) }] });
  } finally {
    await producer.disconnect();
  }

  await page.goto(`${app}/clusters/local-a/audit?resource=${topic}`);
  await expect(page.getByTestId('audit-tampered')).toContainText(
    /fails? verification: the trail was changed outside Configurator\./,
  );
  const row = page.getByTestId('audit-row').filter({ hasText: 'Mallory' });
  await expect(row).toHaveClass(/row-tampered/);
  await expect(row.getByTestId('audit-problem')).toContainText('signature');
  await shot(page, 'audit-tampered');
});
