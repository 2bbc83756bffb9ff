// `trunk serve` in front of the BFF (README, "SPA live reload"): a developer
// opens trunk's port, signs in and works with real data.
import { expect, test } from '@playwright/test';
import { ports, trunkURL } from '../live-reload.config';

const app = '/dev/configurator';

test('trunk hands the BFF’s login redirect to the browser', async ({ request }) => {
  const login = await request.get(`${app}/auth/login?return_to=${encodeURIComponent(`${app}/topics`)}`, {
    maxRedirects: 0,
  });
  expect(
    login.status(),
    'trunk answers /auth/login with the BFF’s 302 (Trunk.toml: no_redirect = true on the auth proxy), ' +
      `not by following it itself: ${login.status()} ${(await login.text()).slice(0, 200)}`,
  ).toBe(302);
  const location = new URL(login.headers()['location']);
  expect(location.origin).toBe(`http://localhost:${ports.idp}`);
  // The IdP sends the browser back to trunk's origin, not to the BFF's.
  expect(location.searchParams.get('redirect_uri')).toBe(`${trunkURL}${app}/auth/callback`);
});

test('signing in as alice through trunk serve and loading the topics page', async ({ page }) => {
  page.on('pageerror', (error) => console.log(`browser exception: ${error.message}`));
  await page.goto(`${app}/topics`);

  // The SPA (trunk's debug build) finds no session and sends the browser to
  // the IdP through trunk's auth proxy.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('alice');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back on trunk's origin, signed in (the old address sent on to the
  // default cluster's topics), with data from the broker through the API proxy.
  await expect(page).toHaveURL(`${trunkURL}${app}/clusters/local-a/topics`);
  await expect(page.getByTestId('user-name')).toBeVisible();
  await expect(page.getByTestId('topic-row').filter({ hasText: 'demo.orders' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('topics-through-trunk.png'), fullPage: true });
});
