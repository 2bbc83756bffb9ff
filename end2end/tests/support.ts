import { expect, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { app, confluentURL, glue, ports, tokenLog } from '../playwright.config';

// The stack's ports (ports.glue: local-a's AWS Glue in moto, ports.confluent:
// local-b's Confluent-compatible registry), and how to reach the registries.
export { app, confluentURL, glue, ports };

/** The name of the BFF's session cookie (COOKIE_SECURE=true, the default). */
export const sessionCookie = '__Host-configurator';

/** Fills the IdP's login form; the page must be showing it. */
export async function signIn(page: Page, user: string, password = user) {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Every access, refresh and ID token the IdP has issued during the run. */
export function issuedTokens(): string[] {
  if (!existsSync(tokenLog)) return [];
  return readFileSync(tokenLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const entry = JSON.parse(line);
      return [entry.access_token, entry.refresh_token, entry.id_token].filter(Boolean) as string[];
    });
}

/** Opens `path` (under the app), signs in as `user` and waits for the shell. */
export async function visitAs(page: Page, user: string, path: string) {
  // The console's own errors (a panic, a failed render) go into the test output.
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`browser error: ${message.text()}`);
  });
  page.on('pageerror', (error) => console.log(`browser exception: ${error.message}`));
  await page.goto(`${app}${path}`);
  await signIn(page, user);
  await expect(page.getByTestId('user-name')).toBeVisible();
}

/** A full-page screenshot into this test's output folder, named `name.png`. */
export async function shot(page: Page, name: string) {
  const { test } = await import('@playwright/test');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150); // let transitions settle
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** The dialog with this title. */
export function dialog(page: Page, title: string | RegExp) {
  return page.getByRole('dialog', { name: title });
}

/** The latest toast. */
export function toast(page: Page) {
  return page.getByTestId('toast').last();
}
