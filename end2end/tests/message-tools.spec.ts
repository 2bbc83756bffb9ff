// The message tools: following a topic live, CEL filters, masking, copy and
// redrive, export. What the page shows is checked against kafkajs, which
// writes and reads the records straight on broker A, never through the console.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { createTopics, fresh, produce, produceAtRate, readAll, recordCount, recordCounts } from './records';
import { app, dialog, shot, visitAs } from './support';

/** The API's `Message` (what the page's JSON download and the NDJSON export hold). */
interface ApiMessage {
  partition: number;
  offset: number;
  timestamp: number | null;
  key: { data: string; masked?: string[] } | null;
  value: { data: string; masked?: string[] } | null;
  headers: { key: string; value: { data: string; masked?: string[] } | null }[];
}

/** The page's "Download JSON": the rows shown, as the API answered them. */
async function downloadJson(page: Page): Promise<{ text: string; messages: ApiMessage[] }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  const text = readFileSync(await file.path(), 'utf8');
  return { text, messages: JSON.parse(text) };
}

const number = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

test('alice follows a topic while 1,000 records arrive at 200/s: all shown, newest on top, with the rate; pause and resume', async ({ page }) => {
  // Five seconds of writing, up to 20 s for the last records to show, the
  // rate falling back to zero (a 5 s window) and a download of 1,000 rows:
  // more than the suite's 60 s on a 2-core machine that is also building.
  test.setTimeout(120_000);
  const topic = fresh('e2e.live');
  await createTopics([{ topic, partitions: 3 }]);
  await visitAs(page, 'alice', `/clusters/local-a/topics/${topic}/messages`);
  await expect(page.getByTestId('scan-summary')).toContainText('0 messages shown');

  // Every poll of the tail, when the browser sent it.
  const polls: number[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/messages/tail')) polls.push(Date.now());
  });
  const firstPoll = page.waitForResponse((response) => response.url().includes('/messages/tail'));
  await page.getByRole('button', { name: 'Follow' }).click();
  const first = await firstPoll;
  expect(first.status(), await first.text()).toBe(200);
  const status = page.getByTestId('tail-status');
  await expect(status).toContainText('Following');
  await expect(page.getByTestId('tail-received')).toHaveText('0');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();

  const rows = page.getByTestId('message-row');
  const received = async () => number(await page.getByTestId('tail-received').textContent());
  // The rate as shown, four times a second, until the end.
  const rates: { at: number; text: string }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const text = await page.getByTestId('tail-rate').textContent({ timeout: 1_000 }).catch(() => null);
      if (text !== null) rates.push({ at: Date.now(), text });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  // 1,000 records, 20 every 100 ms, keys live-0 … live-999 (live-999 last).
  const producing = produceAtRate(topic, 1_000, 20, 100, (i) => ({
    key: `live-${i}`,
    value: JSON.stringify({ n: i, at: Date.now() }),
  }));
  producing.catch(() => {}); // awaited below; no unhandled rejection meanwhile

  await expect.poll(received, { timeout: 15_000 }).toBeGreaterThan(0);
  await shot(page, 'tail');
  await expect.poll(received, { timeout: 15_000 }).toBeGreaterThanOrEqual(100);

  const written = await producing;
  const producedFor = (written.finished - written.started) / 1_000;
  await expect(page.getByTestId('tail-received')).toHaveText('1000', { timeout: 20_000 });
  const lastShownAfter = (Date.now() - written.finished) / 1_000;
  await expect(page.getByTestId('tail-skipped')).toHaveCount(0);
  await expect(rows).toHaveCount(1_000);
  await expect(status).toContainText('the newest 1,000 are shown');

  // The rate was shown while the records came, and falls once they stop.
  const format = /^\d+\.\d\/s$/;
  for (const { text } of rates) expect(text).toMatch(format);
  const whileProducing = rates.filter(({ at }) => at >= written.started && at <= written.finished).map(({ text }) => number(text));
  expect(Math.max(0, ...whileProducing), 'the rate while producing').toBeGreaterThan(0);
  const peak = Math.max(...rates.map(({ text }) => number(text)));
  await expect.poll(async () => number(await page.getByTestId('tail-rate').textContent()), { timeout: 15_000 }).toBe(0);
  sampling = false;
  await sampler;

  // Every record once; the newest on top: one of the last batch written,
  // and no row newer than it.
  const { messages } = await downloadJson(page);
  expect(messages).toHaveLength(1_000);
  const keys = new Set(messages.map((m) => m.key?.data));
  expect(keys.size).toBe(1_000);
  for (let i = 0; i < 1_000; i++) expect(keys.has(`live-${i}`), `live-${i} shown`).toBe(true);
  const top = messages[0];
  const lastBatch = Array.from({ length: 20 }, (_, i) => `live-${980 + i}`);
  expect(lastBatch).toContain(top.key?.data);
  const newest = Math.max(...messages.map((m) => m.timestamp ?? 0));
  expect(top.timestamp).toBe(newest);
  await expect(rows.first()).toContainText(top.key!.data);
  expect(new Set(messages.map((m) => m.partition)).size).toBe(3);

  // Pause: no poll goes out and no row comes while 100 more are written;
  // Resume reads on from where it paused. 100 records stay under what one
  // poll delivers (TAIL_MAX_LIMIT, 500), however long the pause takes here.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toContainText('Paused');
  const pausedAt = Date.now();
  await produceAtRate(topic, 100, 20, 100, (i) => ({ key: `more-${i}`, value: JSON.stringify({ n: 1_000 + i }) }));
  await page.waitForTimeout(500);
  await expect(page.getByTestId('tail-received')).toHaveText('1000');
  expect(polls.filter((at) => at > pausedAt + 300), 'tail polls while paused').toHaveLength(0);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(status).toContainText('Following');
  await expect(page.getByTestId('tail-received')).toHaveText('1100', { timeout: 15_000 });
  await expect(page.getByTestId('tail-skipped')).toHaveCount(0);
  await expect(rows.first()).toContainText('more-');

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toContainText('Stopped');
  await expect(page.getByRole('button', { name: 'Follow' })).toBeVisible();

  const shownWhileProducing = whileProducing.map((r) => r.toFixed(1)).join(', ');
  console.log(
    `tail: 1,000 records written in ${producedFor.toFixed(1)} s (${(1_000 / producedFor).toFixed(1)}/s, ${written.late} batches late); ` +
      `the last shown ${lastShownAfter.toFixed(1)} s after the last was written; ${polls.length} polls; ` +
      `peak rate shown ${peak.toFixed(1)}/s; shown while producing: ${shownWhileProducing}`,
  );
});

test('a CEL filter shows exactly the records an independent consumer counts; a syntax error says where', async ({ page }) => {
  const topic = fresh('e2e.cel');
  await createTopics([{ topic, partitions: 3 }]);
  const statuses = ['placed', 'paid', 'cancelled', 'refunded', 'cancelled'];
  await produce(
    topic,
    Array.from({ length: 300 }, (_, i) => {
      const key = `cel-${i}`;
      // A few the filter cannot be evaluated on: text, and no amount.
      if (i % 60 === 7) return { key, value: `not json ${i}` };
      if (i % 50 === 3) return { key, value: JSON.stringify({ status: 'cancelled' }) };
      return { key, value: JSON.stringify({ status: statuses[(i * 7) % 5], amount: (i * 389) % 2500 }) };
    }),
  );
  const consumed = await readAll(topic);
  expect(consumed).toHaveLength(300);
  const matching = consumed
    .filter((r) => {
      try {
        const v = JSON.parse(r.value ?? '');
        return v.status === 'cancelled' && typeof v.amount === 'number' && v.amount > 1000;
      } catch {
        return false;
      }
    })
    .map((r) => r.key)
    .sort();
  expect(matching.length).toBeGreaterThan(20);
  expect(matching.length).toBeLessThan(300);

  await visitAs(page, 'alice', `/clusters/local-a/topics/${topic}/messages`);
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(50);
  const filter = 'value.status == "cancelled" && value.amount > 1000';
  await page.getByTestId('cel-filter').fill(filter);
  await page.getByLabel('Limit').selectOption('500');
  await page.getByRole('button', { name: 'Read messages' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('filter')).toBe(filter);
  await expect(rows).toHaveCount(matching.length);
  await expect(page.getByTestId('scan-summary')).toContainText(`${matching.length} messages shown · 300 records scanned`);
  await expect(page.getByTestId('filter-error')).toHaveCount(0);
  const { messages } = await downloadJson(page);
  expect(messages.map((m) => m.key?.data).sort()).toEqual(matching);

  // The filter is in the URL: the same page again shows the same.
  await page.goto(page.url());
  await expect(page.getByTestId('cel-filter')).toHaveValue(filter);
  await expect(rows).toHaveCount(matching.length);

  // A syntax error: said under the filter, with where it is.
  await page.getByTestId('cel-filter').fill('value.status == ');
  await page.getByRole('button', { name: 'Read messages' }).click();
  const error = page.getByTestId('filter-error');
  await expect(error).toContainText('column');
  await expect(error).toContainText(/line 1, column \d+/);
  await expect(rows).toHaveCount(0);
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
});

test('victor sees demo.payments with the card number and authorization masked: rows, download, details, export, filter', async ({ page }) => {
  const id = fresh('e2e-masked');
  await produce('demo.payments', [
    {
      key: id,
      value: JSON.stringify({ payment_id: id, card: { brand: 'visa', number: '4111 1111 1111 4242' } }),
      headers: { authorization: 'Bearer e2e-secret-token', source: 'e2e' },
    },
  ]);
  await visitAs(page, 'victor', '/clusters/local-a/topics/demo.payments/messages');
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(50);
  const mine = rows.filter({ hasText: id });
  await expect(mine).toHaveCount(1);
  await expect(mine).toContainText('****');
  await expect(mine.getByTestId('masked').first()).toHaveText('masked');
  // The value's badge and the headers' one.
  await expect(mine.getByTestId('masked')).toHaveCount(2);
  // Every seeded row too (they all have a card).
  for (const row of await rows.all()) await expect(row.getByTestId('masked').first()).toBeVisible();
  const table = page.getByTestId('messages-table');
  await expect(table).not.toContainText('4111 1111 1111');

  // The page's JSON download holds what the page shows.
  const { text, messages } = await downloadJson(page);
  expect(text).toContain('****');
  expect(text).not.toContain('4111 1111 1111');
  expect(text).not.toContain('e2e-secret-token');
  const downloaded = messages.find((m) => m.key?.data === id)!;
  expect(downloaded.value?.masked).toContain('card.number');
  expect(JSON.parse(downloaded.value!.data).card).toEqual({ brand: 'visa', number: '****' });
  expect(downloaded.headers.find((h) => h.key === 'authorization')?.value?.data).toBe('****');
  expect(downloaded.headers.find((h) => h.key === 'source')?.value?.data).toBe('e2e');

  // The details: masked too, and nothing to re-produce.
  const offset = number(await mine.locator('td').nth(2).textContent());
  await mine.getByRole('button', { name: `Details of offset ${offset}` }).click();
  const detail = page.getByTestId('message-detail');
  await expect(detail).toContainText('****');
  await expect(detail).toContainText('authorization');
  await expect(detail.getByTestId('masked').first()).toBeVisible();
  await expect(detail).not.toContainText('4111 1111 1111');
  await expect(detail).not.toContainText('e2e-secret-token');
  await expect(detail.getByRole('button', { name: 'Re-produce' })).toHaveCount(0);
  await shot(page, 'masked');

  // A filter on the masked field is refused, and says why.
  await page.getByTestId('cel-filter').fill('value.card.number == "4111 1111 1111 0000"');
  await page.getByRole('button', { name: 'Read messages' }).click();
  const error = page.getByTestId('filter-error');
  await expect(error).toContainText('masked');
  await expect(error).toContainText('card.number');
  await expect(rows).toHaveCount(0);

  // The whole topic exported: every record, none in clear.
  await page.goto(`${app}/clusters/local-a/topics/demo.payments/messages?from=earliest`);
  await expect(rows.first()).toBeVisible();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const exporting = dialog(page, 'Export messages');
  await exporting.getByLabel('NDJSON').check();
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    exporting.getByRole('button', { name: 'Start export' }).click(),
  ]);
  expect(file.suggestedFilename()).toBe('demo.payments.ndjson');
  const exported = readFileSync(await file.path(), 'utf8');
  expect(exported).not.toContain('4111 1111 1111');
  expect(exported).not.toContain('e2e-secret-token');
  const lines: ApiMessage[] = exported.trim().split('\n').map((line) => JSON.parse(line));
  expect(lines).toHaveLength(await recordCount('demo.payments'));
  const mineExported = lines.find((m) => m.key?.data === id)!;
  expect(JSON.parse(mineExported.value!.data).card.number).toBe('****');
  expect(mineExported.value?.masked).toContain('card.number');
  expect(mineExported.headers.find((h) => h.key === 'authorization')?.value?.data).toBe('****');
  const progress = exporting.getByTestId('export-progress');
  await expect(progress).toContainText(/[\d,]+ records · [\d,]+ KB/);
  expect(number((await progress.textContent())!.split(' records')[0])).toBe(lines.length);
  await expect(exporting).toContainText(`demo.payments.ndjson`);
});

test('alice (messages:unmask) sees demo.payments in clear and can re-produce', async ({ page }) => {
  const id = fresh('e2e-clear');
  await produce('demo.payments', [
    {
      key: id,
      value: JSON.stringify({ payment_id: id, card: { brand: 'visa', number: '4111 1111 1111 4242' } }),
      headers: { authorization: 'Bearer e2e-secret-token' },
    },
  ]);
  await visitAs(page, 'alice', '/clusters/local-a/topics/demo.payments/messages');
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(50);
  const mine = rows.filter({ hasText: id });
  await expect(mine).toContainText('4111 1111 1111 4242');
  await expect(page.getByTestId('masked')).toHaveCount(0);
  await expect(page.getByTestId('messages-table')).not.toContainText('****');
  const offset = number(await mine.locator('td').nth(2).textContent());
  await mine.getByRole('button', { name: `Details of offset ${offset}` }).click();
  const detail = page.getByTestId('message-detail');
  await expect(detail).toContainText('Bearer e2e-secret-token');
  await detail.getByRole('button', { name: 'Re-produce' }).click();
  const produceDialog = dialog(page, 'Produce to demo.payments');
  await expect(produceDialog.getByLabel('Topic', { exact: true })).toHaveValue('demo.payments');
  await expect(produceDialog.locator('#produce-value')).toHaveValue(/4111 1111 1111 4242/);
  await expect(produceDialog.getByLabel('Key', { exact: true })).toHaveValue(id);
  await page.keyboard.press('Escape');
  await expect(produceDialog).toHaveCount(0);
});

test('alice redrives a dead-letter topic of 500 records by its header; a retried step writes nothing twice', async ({ page }) => {
  const suffix = fresh('r').slice(2);
  const dlq = `e2e.dlq-${suffix}`;
  const [targetA, targetB] = [`e2e.redrive-a-${suffix}`, `e2e.redrive-b-${suffix}`];
  await createTopics([
    { topic: dlq, partitions: 3 },
    { topic: targetA, partitions: 2 },
    { topic: targetB, partitions: 2 },
  ]);
  await produce(
    dlq,
    Array.from({ length: 500 }, (_, i) => ({
      key: `dlq-${i}`,
      value: JSON.stringify({ n: i, failed: true }),
      headers: { 'kafka_dlt-original-topic': i % 2 === 0 ? targetA : targetB, trace: `trace-${i}` },
    })),
  );
  expect(await recordCount(dlq)).toBe(500);

  await visitAs(page, 'alice', `/clusters/local-a/topics/${dlq}/messages`);
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(50);
  // A copy reads forwards: from the oldest record.
  await page.getByTestId('from-kind').selectOption('earliest');
  await page.getByRole('button', { name: 'Read messages' }).click();
  await expect(page).toHaveURL(/from=earliest/);
  await expect(rows).toHaveCount(50);

  // Every step the dialog sends, with its body.
  const steps: { url: string; body: { run_id: string; dry_run: boolean; cursor?: string | null } }[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/messages/copy')) {
      steps.push({ url: request.url(), body: request.postDataJSON() });
    }
  });
  await page.getByRole('button', { name: 'Copy messages' }).click();
  const copy = dialog(page, 'Copy messages');
  await copy.getByLabel('Redrive by header').check();
  await expect(copy.getByLabel('Header name')).toHaveValue('kafka_dlt-original-topic');
  await copy.getByRole('button', { name: 'Dry run' }).click();
  const dry = copy.getByTestId('copy-dry-run');
  await expect(dry).toContainText('Would write 500 records.');
  await expect(dry).toContainText(`250 records to ${targetA}`);
  await expect(dry).toContainText(`250 records to ${targetB}`);
  await expect(dry).not.toContainText('skipped');
  expect(await recordCount(targetA), 'a dry run writes nothing').toBe(0);
  expect(await recordCount(targetB), 'a dry run writes nothing').toBe(0);

  await copy.getByRole('button', { name: 'Redrive', exact: true }).click();
  const result = copy.getByTestId('copy-result');
  await expect(result).toContainText('Wrote 500 records.', { timeout: 30_000 });
  await expect(result).toContainText(`250 records to ${targetA}`);
  await expect(result).toContainText(`250 records to ${targetB}`);
  await expect(result).not.toContainText('skipped');
  await expect(copy.getByTestId('dialog-error')).toHaveCount(0);
  await shot(page, 'redrive');

  // An independent consumer: 250 + 250, the right keys, the trace header kept.
  const check = async () => {
    for (const [target, parity] of [
      [targetA, 0],
      [targetB, 1],
    ] as const) {
      const records = await readAll(target);
      expect(records, target).toHaveLength(250);
      const want = Array.from({ length: 250 }, (_, i) => `dlq-${2 * i + parity}`).sort();
      expect(records.map((r) => r.key).sort(), `${target}'s keys`).toEqual(want);
      for (const r of records) {
        const n = Number(r.key!.slice('dlq-'.length));
        expect(r.headers.trace, `${r.key}'s trace header`).toBe(`trace-${n}`);
        expect(JSON.parse(r.value!)).toEqual({ n, failed: true });
      }
    }
  };
  await check();

  // The run's steps: one run id, not dry; replaying the last one (a retry
  // after a lost answer) is answered from the record and writes nothing.
  const run = steps.filter((s) => !s.body.dry_run);
  expect(run.length).toBeGreaterThan(0);
  expect(new Set(run.map((s) => s.body.run_id)).size).toBe(1);
  const last = run[run.length - 1];
  const replay = await page.request.post(last.url, { headers: { 'X-CSRF': '1' }, data: last.body });
  expect(replay.status(), await replay.text()).toBe(200);
  const answer = await replay.json();
  expect(answer.replayed).toBe(true);
  expect(answer.run_id).toBe(last.body.run_id);
  const ends = [...(await recordCounts(targetA)).values(), ...(await recordCounts(targetB)).values()];
  expect(ends.reduce((sum, { low, high }) => sum + high - low, 0)).toBe(500);
  await check();
});
