// The topics page with 10,000 topics: typing in the search → the table shows
// the new result, timed in the browser (Performance API), and no long task.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { visitAs } from './support';
import { createTopics } from './kafka';

declare global {
  interface Window {
    __longTasks: number[];
    __lastInput: number;
    __lastChange: number;
    __lastFrame: number;
  }
}

test('10,000 topics: the console’s share of a search stays within 100 ms, no long task over 200 ms', async ({ page }) => {
  test.setTimeout(240_000);
  await createTopics('perf.topic-', 10_000);
  await visitAs(page, 'alice', '/topics');
  await expect(page.getByTestId('topics-count')).toHaveText(/^10,0\d\d topics$/);

  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
    const input = document.querySelector('[data-testid=topic-search]')!;
    input.addEventListener('input', () => (window.__lastInput = performance.now()), true);
    const table = document.querySelector('[data-testid=topics-table]')!;
    new MutationObserver(() => {
      window.__lastChange = performance.now();
      requestAnimationFrame(() => (window.__lastFrame = performance.now()));
    }).observe(table, { childList: true, subtree: true, characterData: true });
  });
  const search = page.getByTestId('topic-search');
  const rows = page.getByTestId('topic-row');

  /** Waits until the table shows `query`'s result and has been still for a while. */
  async function settled(query: string, expected: number) {
    await expect(page.getByTestId('topics-count')).toHaveText(`${expected.toLocaleString('en-US')} topics match`);
    await expect(rows.first()).toContainText(query);
    await page.waitForTimeout(400);
    return page.evaluate((q) => {
      // The API call that brought this result (Resource Timing): the rest is the console's own time.
      const calls = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/v1/topics?') && e.name.includes(`q=${encodeURIComponent(q)}&`));
      const api = calls.length ? calls[calls.length - 1].duration : NaN;
      const frame = window.__lastFrame - window.__lastInput;
      return { dom: window.__lastChange - window.__lastInput, frame, api, console: frame - api };
    }, query);
  }

  const results: { how: string; query: string; dom: number; frame: number; api: number; console: number }[] = [];
  // The whole query at once (a paste, or the browser's autofill).
  for (const [query, expected] of [
    ['topic-05', 1000],
    ['topic-0512', 10],
    ['topic-05123', 1],
    ['perf.topic-0999', 10],
    ['topic-07', 1000],
  ] as const) {
    await search.fill(query);
    results.push({ how: 'fill', query, ...(await settled(query, expected)) });
  }
  // Typed key by key like a person (120 ms between keys): from the last key.
  for (const [query, expected] of [
    ['topic-0777', 10],
    ['topic-03141', 1],
  ] as const) {
    await search.fill('');
    await page.waitForTimeout(300);
    await search.pressSequentially(query, { delay: 120 });
    results.push({ how: 'typed', query, ...(await settled(query, expected)) });
  }

  const longTasks = await page.evaluate(() => window.__longTasks);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const report = {
    results,
    median_ms: median(results.map((r) => r.frame)),
    median_api_ms: median(results.map((r) => r.api)),
    median_console_ms: median(results.map((r) => r.console)),
    long_tasks_ms: longTasks,
  };
  console.log(JSON.stringify(report, null, 2));
  writeFileSync(test.info().outputPath('search-latency.json'), JSON.stringify(report, null, 2));

  // The console's own share (keystroke to request, answer to painted table)
  // stays within the budget; the API's time for 10,000 topics is reported
  // above (see the README for the end-to-end numbers).
  expect(report.median_console_ms).toBeLessThanOrEqual(100);
  expect(Math.max(0, ...longTasks)).toBeLessThanOrEqual(200);
});
