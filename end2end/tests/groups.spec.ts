// Consumer groups: list, lag, reset offsets (dry run, then real), delete.
import { expect, test } from '@playwright/test';
import { app, dialog, shot, toast, visitAs } from './support';
import { activeConsumer, emptyGroup } from './kafka';

test.describe.configure({ mode: 'serial' });

test('oscar resets offsets: a dry-run preview first, then the real reset', async ({ page }) => {
  await visitAs(page, 'oscar', '/clusters/local-a/groups');
  const billing = page.getByTestId('group-row').filter({ hasText: 'demo-billing' });
  await expect(billing).toContainText('Empty');
  await expect(billing).toContainText('demo.orders');
  // No members and records to read: stopped, with the rule as the tooltip.
  await expect(billing.getByTestId('group-health')).toHaveText('stopped');
  await expect(billing.getByTestId('group-health')).toHaveAttribute('title', /.+/);
  await expect(billing.getByTestId('group-time-lag')).not.toHaveText('—');
  await shot(page, 'groups');

  // Search and sort live in the URL.
  await page.getByTestId('group-search').fill('billing');
  await expect(page).toHaveURL(`${app}/clusters/local-a/groups?q=billing`);
  await page.getByRole('button', { name: /^Total lag/ }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/groups?q=billing&sort=lag&order=desc`);

  await billing.getByRole('link', { name: 'demo-billing' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/groups/demo-billing`);
  const lagBefore = await page.getByTestId('group-total-lag').textContent();
  expect(Number(lagBefore)).toBeGreaterThan(0);
  expect(Number(lagBefore)).toBeLessThan(240);
  await expect(page.getByTestId('lag-row')).toHaveCount(6);
  await expect(page.getByTestId('partition-lag-chart').locator('rect')).toHaveCount(6);
  await expect(page.getByTestId('group-health')).toHaveText('stopped');
  await expect(page.getByTestId('partition-time-lag')).toHaveCount(6);
  // The lag over time: a chart once the sampler has written, else a note saying so.
  await expect(page.getByTestId('lag-chart').or(page.getByTestId('lag-empty'))).toBeVisible();
  await page.getByTestId('lag-window-day').click();
  await expect(page.getByTestId('lag-window-day')).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'group-detail');

  await page.getByRole('button', { name: 'Reset offsets' }).click();
  const reset = dialog(page, 'Reset offsets of demo-billing');
  await expect(reset.getByTestId('reset-topics-all')).toBeChecked();
  await reset.getByTestId('reset-mode').selectOption('earliest');
  // Nothing to apply before a preview of these very settings.
  await expect(reset.getByTestId('reset-apply')).toBeDisabled();
  await reset.getByTestId('reset-preview-button').click();
  const preview = reset.getByTestId('reset-preview');
  await expect(preview.getByTestId('reset-preview-row')).toHaveCount(6);
  await expect(preview.getByTestId('reset-preview-row').first()).toHaveAttribute('data-after', '0');
  await expect(reset).toContainText('Dry run: nothing has changed yet. 6 of 6 partitions would move.');
  await shot(page, 'reset-offsets-preview');
  // Nothing moved yet.
  await expect(page.getByTestId('group-total-lag')).toHaveText(lagBefore!);

  await reset.getByTestId('reset-apply').click();
  await expect(toast(page)).toContainText('Offsets of demo-billing moved on 6 partitions.');
  await expect(reset.getByTestId('reset-result')).toContainText('moved on 6 partitions');
  await expect(page.getByTestId('group-total-lag')).toHaveText('240');
  for (const committed of await page.getByTestId('lag-row').locator('td:nth-child(2)').allTextContents()) {
    expect(committed).toBe('0');
  }
});

test('a group with active members is refused with a clear message', async ({ page }) => {
  const stop = await activeConsumer('e2e-active', 'demo.customers');
  try {
    await visitAs(page, 'oscar', '/clusters/local-a/groups/e2e-active');
    await expect(page.getByTestId('member-row')).toHaveCount(1, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Reset offsets' }).click();
    const reset = dialog(page, 'Reset offsets of e2e-active');
    await expect(reset.getByTestId('group-active')).toContainText('It has 1 member consuming right now');
    await expect(reset.getByRole('button', { name: 'Preview changes' })).toBeDisabled();
    await shot(page, 'reset-offsets-active-group');
    await reset.getByRole('button', { name: 'Cancel' }).click();
    // The server says the same if asked.
    const answer = await page.request.post(`${app}/api/v1/clusters/local-a/consumer-groups/e2e-active/reset-offsets`, {
      headers: { 'X-CSRF': '1' },
      data: { topics: ['demo.customers'], to: 'earliest', dry_run: true },
    });
    expect(answer.status()).toBe(409);
    expect((await answer.json()).error.code).toBe('group_active');
  } finally {
    await stop();
  }
});

test('alice deletes an empty consumer group', async ({ page }) => {
  await emptyGroup('e2e-leftover', 'demo.customers');
  await visitAs(page, 'alice', '/clusters/local-a/groups/e2e-leftover');
  await expect(page.getByTestId('lag-row')).toHaveCount(1);
  await expect(page.getByTestId('member-row')).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete…' }).click();
  await dialog(page, 'Delete consumer group').getByRole('button', { name: 'Delete group' }).click();
  await expect(toast(page)).toContainText('Consumer group e2e-leftover deleted.');
  await expect(page).toHaveURL(`${app}/clusters/local-a/groups`);
  await expect(page.getByTestId('group-row').filter({ hasText: 'e2e-leftover' })).toHaveCount(0);
});
