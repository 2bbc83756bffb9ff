// The walking skeleton, as a person uses it: SSO login → BFF → Lambda → Kafka.
import { expect, test } from '@playwright/test';
import { app, issuedTokens, sessionCookie, signIn } from './support';

test('alice signs in, sees the broker topics, logs out, and must sign in again', async ({ page }) => {
  await page.goto(`${app}/clusters/local-a/topics`);
  await signIn(page, 'alice');

  await expect(page).toHaveURL(`${app}/clusters/local-a/topics`);
  await expect(page.getByTestId('user-name')).toHaveText('Alice Admin');
  const orders = page.getByTestId('topic-row').filter({ hasText: 'demo.orders' });
  await expect(orders).toBeVisible();
  // The produce rate depends on how long the sampler has been watching: no history yet, idle, or a rate.
  await expect(orders.getByRole('cell')).toHaveText([
    'demo.orders',
    '6',
    '1',
    '240',
    /^(—|idle|< 0\.1\/min|[\d,.]+\/min)$/,
    'healthy',
  ]);
  await expect(page.getByTestId('topic-row').filter({ hasText: 'demo.clickstream' })).toContainText('12');

  const signedInCookie = (await page.context().cookies()).find((c) => c.name === sessionCookie)?.value;
  expect(signedInCookie).toBeTruthy();
  await page.getByRole('button', { name: 'Log out' }).click();
  // The IdP session ended too: the next visit asks for the password again.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto(`${app}/clusters/local-a/topics`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  // The signed-in session is gone (a new, anonymous one only holds the new login attempt).
  const cookieNow = (await page.context().cookies()).find((c) => c.name === sessionCookie)?.value;
  expect(cookieNow).not.toBe(signedInCookie);
  const me = await page.request.get(`${app}/auth/me`);
  expect(me.status()).toBe(401);
});

test('a wrong password is refused by the IdP', async ({ page }) => {
  await page.goto(`${app}/clusters/local-a/topics`);
  await signIn(page, 'alice', 'not-her-password');
  await expect(page.getByText('Invalid user name or password')).toBeVisible();
  await expect(page).not.toHaveURL(/\/dev\/configurator\/clusters\/local-a\/topics/);
});

test('an API call without a session gets 401 JSON, never a redirect', async ({ request }) => {
  const response = await request.get(`${app}/api/v1/clusters/local-a/topics`, {
    headers: { 'X-CSRF': '1' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(401);
  expect(response.headers()['content-type']).toContain('application/json');
  const body = await response.json();
  expect(body.error.code).toBe('unauthenticated');
  expect(body.error.login_url).toBe(`${app}/auth/login`);
  expect(body.error.request_id).toBeTruthy();

  const noCsrf = await request.get(`${app}/api/v1/clusters/local-a/topics`, { maxRedirects: 0 });
  expect(noCsrf.status()).toBe(403);
  expect((await noCsrf.json()).error.code).toBe('csrf_header_missing');
});

test('no access, refresh or ID token ever reaches the browser', async ({ page, context }) => {
  const bodies: string[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).port !== '18080') return;
    try {
      bodies.push(await response.text());
    } catch {
      // Redirects have no body.
    }
  });

  await page.goto(`${app}/clusters/local-a/topics`);
  await signIn(page, 'oscar');
  await expect(page.getByTestId('topic-row').first()).toBeVisible();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId('topic-row').first()).toBeVisible();

  const tokens = issuedTokens();
  expect(tokens.length).toBeGreaterThanOrEqual(3);
  const cookies = await context.cookies();
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  const jsCookies = await page.evaluate(() => document.cookie);
  const seen = [...bodies, ...cookies.map((c) => c.value), storage, jsCookies].join('\n');
  for (const token of tokens) {
    expect(seen.includes(token), 'an IdP token reached the browser').toBe(false);
  }
  expect(bodies.length).toBeGreaterThan(3);

  // The session cookie is opaque and locked down.
  const session = cookies.find((c) => c.name === sessionCookie);
  expect(session).toBeDefined();
  expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
  expect(jsCookies).not.toContain(sessionCookie);
});

test('when the session ends mid-use, the person signs in and lands on the same page', async ({ page, context }) => {
  await page.goto(`${app}/clusters/local-a/topics`);
  await signIn(page, 'victor');
  await expect(page.getByTestId('user-name')).toHaveText('Victor Viewer');
  // What victor may do, per cluster, comes from the Lambdas' policy, through the BFF.
  const me = await (await page.request.get(`${app}/auth/me`)).json();
  expect(me.clusters.map((c: { cluster: string }) => c.cluster)).toEqual(['local-a', 'local-b', 'local-c']);
  for (const cluster of me.clusters) {
    expect(cluster.permissions).toContain('topics:read');
    expect(cluster.permissions).not.toContain('topics:create');
  }

  // The BFF session is gone (expired, restarted, …) while the IdP session lives on.
  await context.clearCookies({ name: sessionCookie });
  await page.getByRole('button', { name: 'Refresh' }).click();

  // Through the IdP without a form (its session is alive) and back to the page.
  await expect(page).toHaveURL(`${app}/clusters/local-a/topics`);
  await expect(page.getByTestId('user-name')).toHaveText('Victor Viewer');
  await expect(page.getByTestId('topic-row').filter({ hasText: 'demo.orders' })).toBeVisible();
});
