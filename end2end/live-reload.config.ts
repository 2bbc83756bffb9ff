import { defineConfig } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

// The README's "SPA live reload" loop, in a browser: the whole product
// (scripts/stack.sh) with the BFF building its login redirects for trunk's
// origin (PUBLIC_URL), and `trunk serve` in front of it, proxying
// /dev/configurator/auth/ and /api/ to the BFF as Trunk.toml says. The test
// signs in through trunk's port, so a change to the proxy settings, the BFF's
// redirects or the IdP's allowed origins cannot break the loop unnoticed.
//
// It runs on ports of its own, beside `scripts/dev.sh` (8080/8081) and the
// main suite (18080…). Run: npx playwright test --config live-reload.config.ts

const repo = resolve(__dirname, '..');
export const ports = { trunk: 28081, bff: 28080, idp: 29400, lambdas: 29300, broker: 29092, brokerB: 29093, brokerC: 29094, glue: 29500, confluent: 29501 };
export const trunkURL = `http://localhost:${ports.trunk}`;

// Build output follows CARGO_TARGET_DIR, as in scripts/common.sh.
const targetDir = process.env.CARGO_TARGET_DIR
  ? resolve(repo, process.env.CARGO_TARGET_DIR)
  : join(repo, 'target');
// trunk's output for this test: beside the other build output, apart from the
// SPA the BFF serves.
const dist = join(targetDir, 'live-reload', 'dist');

// trunk reads its proxies only from its config file, and they name the BFF
// of `scripts/dev.sh` (localhost:8080). So trunk gets Trunk.toml itself with
// that one address changed to this run's BFF; everything else (no_redirect
// included) is the file's own. trunk resolves relative paths against the
// config file's folder, so those become absolute; and it runs cargo in that
// folder, so the folder is inside the checkout (its target/, ignored by git),
// where cargo finds .cargo/config.toml and builds exactly what
// `trunk serve` builds for a developer (and reuses that build).
function trunkConfig(): string {
  const original = readFileSync(join(repo, 'Trunk.toml'), 'utf8');
  const dev = 'http://localhost:8080/';
  if (!original.includes(dev)) {
    throw new Error(`Trunk.toml's proxies no longer point at ${dev}: update live-reload.config.ts`);
  }
  const absolute = (path: string) => (isAbsolute(path) ? path : join(repo, path));
  const text = original
    .replaceAll(dev, `http://localhost:${ports.bff}/`)
    .replace(/^(\s*(?:target|dist)\s*=\s*)"([^"]+)"/gm, (_, key, path) => `${key}"${absolute(path)}"`)
    .replace(/^(\s*(?:watch|ignore)\s*=\s*)\[([^\]]*)\]/gm, (_, key, list: string) =>
      `${key}[${list.replace(/"([^"]+)"/g, (_m: string, path: string) => `"${absolute(path)}"`)}]`,
    );
  const folder = join(repo, 'target', 'live-reload');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'Trunk.toml');
  writeFileSync(file, text);
  return file;
}

export default defineConfig({
  testDir: './live-reload',
  outputDir: './test-results/live-reload',
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: trunkURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [
    {
      command: '../scripts/stack.sh',
      url: `http://localhost:${ports.bff}/healthz`,
      reuseExistingServer: false,
      // stack.sh gives each component STACK_READY_SECS (90 s) and says why it gave up.
      timeout: 480_000,
      stdout: 'pipe',
      env: {
        BFF_PORT: String(ports.bff),
        IDP_PORT: String(ports.idp),
        LAMBDAS_PORT: String(ports.lambdas),
        BROKER_PORT: String(ports.broker),
        BROKER_B_PORT: String(ports.brokerB),
        BROKER_C_PORT: String(ports.brokerC),
        GLUE_PORT: String(ports.glue),
        CONFLUENT_PORT: String(ports.confluent),
        STACK_LOG_DIR: join(targetDir, `stack-${ports.bff}`),
        PUBLIC_URL: trunkURL,
      },
    },
    {
      // A debug build, as `trunk serve` does for a developer: cargo reuses
      // what `scripts/dev.sh` (or the last run) compiled; a cold one takes minutes.
      command: `trunk serve --config ${JSON.stringify(trunkConfig())}`,
      cwd: repo,
      url: `${trunkURL}/dev/configurator/`,
      reuseExistingServer: false,
      timeout: 900_000,
      stdout: 'pipe',
      env: {
        TRUNK_SERVE_PORT: String(ports.trunk),
        TRUNK_BUILD_DIST: dist,
        // No browser tab, no reload while the test runs.
        TRUNK_SERVE_OPEN: 'false',
        TRUNK_SERVE_NO_AUTORELOAD: 'true',
      },
    },
  ],
});
