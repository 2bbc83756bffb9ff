import { defineConfig } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

// The suite starts its own copy of the whole product (scripts/stack.sh) on
// ports of its own, so it runs beside a `scripts/dev.sh` session. Three
// brokers: `broker` is cluster local-a (demo.* topics), `brokerB` local-b
// (logs.*), `brokerC` local-c (demo.* again, schemas in its built-in store).
// Two schema registries: `glue` is local-a's AWS Glue (moto), `confluent`
// local-b's Confluent-compatible one (scripts/local/confluent_registry.py).
export const ports = {
  bff: 18080,
  idp: 19400,
  lambdas: 19300,
  broker: 19092,
  brokerB: 19093,
  brokerC: 19094,
  glue: 19500,
  confluent: 19501,
};
/** local-a's Glue registry in moto: its endpoint (dummy credentials), name and region. */
export const glue = {
  endpoint: `http://127.0.0.1:${ports.glue}`,
  registry: 'configurator-local',
  region: 'eu-central-1',
};
/** local-b's Confluent-compatible registry. */
export const confluentURL = `http://127.0.0.1:${ports.confluent}`;
export const baseURL = `http://localhost:${ports.bff}`;
export const app = '/dev/configurator';
// The IdP writes every token it issues here, so tests can prove none reaches the browser.
export const tokenLog = join(tmpdir(), `configurator-e2e-tokens-${ports.bff}.jsonl`);
rmSync(tokenLog, { force: true });

// stack.sh's logs, its clusters.toml and the brokers' pid files. Named here
// rather than left to stack.sh's default so tests know where the pid files
// are; the default's place all the same (build output follows CARGO_TARGET_DIR,
// as in scripts/common.sh, which sets it in CI).
const repo = resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, 'target');
export const stackLogDir = join(targetDir, `stack-${ports.bff}`);
/** The pid of broker A (local-a) / B (local-b), while the stack runs: `kill -STOP` pauses one. */
export const brokerPidFile = join(stackLogDir, 'broker-a.pid');
export const brokerBPidFile = join(stackLogDir, 'broker-b.pid');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // One product instance is shared: run the files one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not possible here.
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
  webServer: {
    command: '../scripts/stack.sh',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    // stack.sh gives each component STACK_READY_SECS (90 s) and, when one is
    // late, says why it gave up: wait longer than that, so its message shows.
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
      STACK_LOG_DIR: stackLogDir,
      // Short-lived access tokens make refresh happen during the suite.
      IDP_ACCESS_TOKEN_TTL: '30',
      IDP_TOKEN_LOG: tokenLog,
      // BIN_DIR and CARGO_TARGET_DIR come from the environment (Playwright
      // passes it on); unset, stack.sh runs the debug build in target/.
    },
  },
});
