// One request's trace across the hops (issue #17): the load balancer's trace
// id, or one the BFF starts, in the BFF's and the Lambdas' logs and on the
// record produced, read back with an independent client.
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackLogDir } from '../playwright.config';
import { createTopics, fresh, readAll } from './records';
import { app, visitAs } from './support';

/** The access-log line (`"request"`) a server wrote for this request id. */
function accessLog(server: 'bff' | 'lambdas', field: 'request_id' | 'client_request_id', id: string) {
  const lines = readFileSync(join(stackLogDir, `${server}.log`), 'utf8').split('\n');
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const { fields } = JSON.parse(line);
    if (fields?.message === 'request' && fields[field] === id) return fields;
  }
  return undefined;
}

const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

test('one produce carries one trace id through the BFF, the Lambdas and onto the record', async ({ page }) => {
  const topic = fresh('e2e.traced');
  await createTopics([{ topic, partitions: 1 }]);
  await visitAs(page, 'alice', '/');

  // What an AWS load balancer adds to each request: the trace starts there.
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const traceId = root.slice(2).replace('-', '');
  const produced = await page.request.post(`${app}/api/v1/clusters/local-a/topics/${topic}/messages`, {
    headers: { 'X-CSRF': '1', 'X-Amzn-Trace-Id': `Root=${root}` },
    data: { key: { data: 'traced' }, value: { data: '{"hop":"all"}' } },
  });
  expect(produced.status(), await produced.text()).toBe(201);

  // The BFF's view: its answer and its access log name the trace and its span.
  const [, answeredTrace, bffSpan] = produced.headers()['traceresponse'].match(traceparent) ?? [];
  expect(answeredTrace).toBe(traceId);
  const bffRequestId = produced.headers()['x-request-id'];
  await expect.poll(() => accessLog('bff', 'request_id', bffRequestId)?.trace_id).toBe(traceId);
  expect(accessLog('bff', 'request_id', bffRequestId)?.span_id).toBe(bffSpan);

  // The Lambdas' view: the call the BFF passed on, in the same trace, in a span of its own.
  await expect.poll(() => accessLog('lambdas', 'client_request_id', bffRequestId)?.trace_id).toBe(traceId);
  const lambdaSpan = accessLog('lambdas', 'client_request_id', bffRequestId)?.span_id;
  expect(lambdaSpan).toMatch(/^[0-9a-f]{16}$/);
  expect(lambdaSpan).not.toBe(bffSpan);

  // The record's view, read straight from the broker: the Lambda's span is its parent.
  const [record] = await readAll(topic);
  expect(record.key).toBe('traced');
  expect(record.headers.traceparent).toBe(`00-${traceId}-${lambdaSpan}-01`);

  // And alice sees it on the message, like any header.
  await page.goto(`${app}/clusters/local-a/topics/${topic}/messages?from=earliest`);
  await page.getByTestId('message-row').first().click();
  await expect(page.getByTestId('message-detail')).toContainText(traceId);
});

test('without a load balancer the BFF starts the trace; a header the person sets is kept', async ({ page }) => {
  const topic = fresh('e2e.traced');
  await createTopics([{ topic, partitions: 1 }]);
  await visitAs(page, 'alice', '/');
  const theirs = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  const first = await page.request.post(`${app}/api/v1/clusters/local-a/topics/${topic}/messages`, {
    headers: { 'X-CSRF': '1' },
    data: { key: { data: 'started' }, value: { data: '1' } },
  });
  expect(first.status(), await first.text()).toBe(201);
  const second = await page.request.post(`${app}/api/v1/clusters/local-a/topics/${topic}/messages`, {
    headers: { 'X-CSRF': '1' },
    data: { key: { data: 'own' }, value: { data: '2' }, headers: [{ key: 'traceparent', value: { data: theirs } }] },
  });
  expect(second.status(), await second.text()).toBe(201);

  const [, started] = first.headers()['traceresponse'].match(traceparent) ?? [];
  // X-Ray's rule for ids it accepts: the first 8 hex digits are the start time in seconds.
  expect(Math.abs(parseInt(started.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(60);
  const records = await readAll(topic);
  const byKey = new Map(records.map((r) => [r.key, r.headers.traceparent]));
  expect(byKey.get('started')).toMatch(new RegExp(`^00-${started}-[0-9a-f]{16}-01$`));
  expect(byKey.get('own')).toBe(theirs);
});
