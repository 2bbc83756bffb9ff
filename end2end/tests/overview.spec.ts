// The shell and one cluster's overview, as alice sees them.
import { expect, test } from '@playwright/test';
import { app, shot, visitAs } from './support';

test('alice sees the cluster overview: id, brokers, counts, health and links', async ({ page }) => {
  await visitAs(page, 'alice', '/clusters/local-a');
  await expect(page).toHaveURL(`${app}/clusters/local-a`);
  // Header: the current cluster and its environment, the person, their groups, log out.
  await expect(page.getByTestId('current-cluster')).toHaveText('Local A');
  await expect(page.getByTestId('environment')).toHaveText('dev');
  await expect(page.getByTestId('environment')).toHaveClass(/env-development/);
  await expect(page.getByTestId('user-name')).toHaveText('Alice Admin');
  await expect(page.getByTestId('user-groups')).toHaveText('kafka-admins');
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await expect(page.getByTestId('cluster-id')).not.toBeEmpty();
  const stats = page.getByTestId('cluster-stats');
  await expect(stats).toContainText('Brokers');
  await expect(stats).toContainText('Under-replicated partitions');
  await expect(stats.getByText('healthy')).toBeVisible();
  await expect(page.getByTestId('broker-row')).toHaveCount(1);
  await expect(page.getByTestId('broker-row')).toContainText('controller');
  await expect(page.getByTestId('groups-summary')).toContainText('groups, total lag');
  await shot(page, 'overview');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'overview-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Links lead into the rest of the same cluster, and back/forward works.
  await page.getByRole('link', { name: 'Consumer groups' }).first().click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/groups`);
  await page.goBack();
  await expect(page).toHaveURL(`${app}/clusters/local-a`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(`${app}/clusters/local-a/audit`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All clusters' }).click();
  await expect(page).toHaveURL(`${app}/`);
  await expect(page.getByTestId('cluster-row')).toHaveCount(3);
});
