import { expect, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { app, tokenLog } from '../playwright.config';

export { app };

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
