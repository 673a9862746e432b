/// <reference lib="dom" />
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { fitReference, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { BROWSER_OUTPUT, launchChromium } from '../libs/testing/src/browser';
import { curveLoss, curveScore } from '../apps/api/test/calibration-family';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

/** The dashboard's number format (apps/dashboard/src/format.ts fmtNum, 4 significant digits). */
const fmt = (n: number, digits = 4) => Number(n.toPrecision(digits)).toString();
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/**
 * The dashboard in Debian's Chromium against a running stack (API serving the built dashboard, results
 * service, a worker process) with real runs of stories260K: each page loads and shows the API's numbers,
 * a submit from the form creates a run whose page follows it live, a download is the artifact byte for byte.
 */
describe('dashboard in a real browser', () => {
  let app: INestApplication;
  let url: string;
  let key: string;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  let page: Page;
  let runId: string;

  const shot = (name: string) => page.screenshot({ path: join(BROWSER_OUTPUT, `${name}.png`), fullPage: true });
  const text = (selector: string) => page.locator(selector).first().innerText();

  beforeAll(async () => {
    ({ app, url, key } = await startApi(AppModule, apiBootstrap));
    await truncateAll(app.get(DataSource));
    results = await startResults(ResultsModule);
    http = authed(app);
    worker = new WorkerProcess('browser-worker', url, { WORKER_BACKENDS: 'llama-cpp,replay' });
    await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, priceInputPerM: 0.5, priceOutputPerM: 1.5, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    // A reference family (exact points of known curves) and three dated models: a leaderboard, both plots and a trend.
    await app.get(DataSource).query('TRUNCATE density_references, density_imports, density_reports, densities, run_efficiency RESTART IDENTITY CASCADE');
    const members = [];
    for (const [i, [n, t]] of [[1e7, 2e9], [3e7, 3e9], [1e8, 2e10], [3e8, 2e10], [1e9, 3e11]].entries()) {
      const m = await http.post('/v1/models').send({ name: `member-${i}`, paramsTotal: n, trainingTokens: t, backend: { kind: 'imported' } }).expect(201);
      members.push({ modelId: m.body.id, measurements: { arc_easy: { score: curveScore(curveLoss(n, t)), loss: curveLoss(n, t) } } });
    }
    const ref = await http.post('/v1/density/references').send({ name: 'browser-family', metrics: { arc_easy: 'acc' }, members }).expect(201);
    await fitReference(http, ref.body.id);
    const csv = 'model,params,release_date,arc_easy\nearly-model,3M,2023-01-10,0.62\nmid-model,2M,2023-09-01,0.65\nlater-model,1M,2024-03-01,0.70\n';
    await http.post('/v1/density/imports').set('Content-Type', 'text/csv').send(csv).expect(201);
    await waitFor(async () => ((await http.get('/v1/density/leaderboard').expect(200)).body.items.length === 3 ? true : undefined), 'the leaderboard', 30_000, 200);
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length ? true : undefined), 'the worker', 60_000);
    chromium = await launchChromium();
    context = chromium.context;
    // the key a user enters once at the dashboard's prompt, kept in this browser's localStorage
    await context.addInitScript((k: string) => localStorage.getItem('densebench.apiKey') ?? localStorage.setItem('densebench.apiKey', k), key);
    page = await context.newPage();
  });

  afterAll(async () => {
    await chromium?.close();
    await worker?.stop();
    await results?.close();
    await app?.close();
  });

  it('submits a run from the form (the CLI command and curl shown), then follows it live to its metrics', async () => {
    await page.goto(`${url}/#/submit`);
    await page.getByLabel('Model').selectOption({ label: 'stories260K' });
    await page.getByLabel('Benchmark 1').fill('arc_easy');
    await page.getByLabel('Limit').fill('40');
    await page.getByLabel('Shard size').fill('5');
    await page.getByLabel('Priority').fill('2');
    expect(await text('[data-testid=cli-command]')).toBe(`npx densebench submit --api ${url} --model stories260K --benchmark arc_easy:40 --pool cpu --shard-size 5 --priority 2`);
    expect(await text('[data-testid=curl-command]')).toContain(`curl -X POST ${url}/v1/runs`);
    await shot('submit');
    await page.getByRole('button', { name: 'Submit run' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    runId = page.url().split('/').pop()!;
    const created = (await http.get(`/v1/runs/${runId}`).expect(200)).body;
    expect(created).toMatchObject({ modelName: 'stories260K', pool: 'cpu', priority: 2, shardSize: 5, progress: { total: 40 } });

    // Every value the progress cell takes, as the page shows it (server-sent events, no reload).
    await page.locator('[data-testid=run-progress]').waitFor();
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid=run-progress]')!;
      const seen: string[] = ((window as any).__progress = [el.textContent]);
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 180_000 });
    const seen: string[] = await page.evaluate(() => (window as any).__progress);
    const done = [...new Set(seen)].map((s) => Number(s.split('/')[0].replace(/,/g, '')));
    expect(done.at(-1)).toBe(40);
    expect(done.filter((d) => d > 0 && d < 40).length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);

    const run = (await http.get(`/v1/runs/${runId}`).expect(200)).body;
    const acc = run.benchmarks[0].metrics.acc;
    await page.locator('[data-metric="arc_easy/acc"]').waitFor();
    expect(await page.locator('[data-metric="arc_easy/acc"] td').allInnerTexts()).toEqual(['arc_easy', 'acc', fmt(acc.value), fmt(acc.stderr), '40']);
    expect(await text('[data-benchmark=arc_easy] [data-testid=samples]')).toBe('40 / 40');
    await shot('run');
  });

  it('pages and searches the run\'s samples as the API gives them, and downloads an artifact byte for byte', async () => {
    const api = (await http.get(`/v1/runs/${runId}/samples?limit=10`).expect(200)).body;
    await page.locator('[data-testid=samples-total]').waitFor();
    expect(await text('[data-testid=samples-total]')).toBe(String(api.total));
    expect(await page.locator('.samples > li').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-doc'))))).toEqual(api.items.map((s: { docId: number }) => s.docId));
    expect(await text('.samples > li pre')).toBe(api.items[0].prompt.trim());
    await page.getByRole('button', { name: 'Next samples' }).click();
    await page.locator('.samples > li[data-doc="10"]').waitFor();
    const word = api.items[0].prompt.split(/\W+/).filter((w: string) => w.length >= 6)[0];
    const found = (await http.get(`/v1/runs/${runId}/samples`).query({ q: word }).expect(200)).body;
    await page.getByLabel('Search samples').fill(word);
    await page.locator('[data-testid=samples-total]', { hasText: new RegExp(`^${found.total}$`) }).waitFor();
    await shot('samples');

    const artifacts = (await http.get(`/v1/runs/${runId}/artifacts`).expect(200)).body as Array<{ id: string; kind: string }>;
    const resultsFile = artifacts.find((a) => a.kind === 'results')!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-artifact="${resultsFile.id}"]`).click()]);
    const saved = readFileSync((await download.path())!);
    const fromApi = (await http.get(`/v1/artifacts/${resultsFile.id}/download`).buffer(true).parse(binary).expect(200)).body as Buffer;
    expect(download.suggestedFilename()).toBe('results.json');
    expect(Buffer.compare(saved, fromApi)).toBe(0);
  });

  it('re-scores a run and cancels another from their pages', async () => {
    await page.goto(`${url}/#/runs/${runId}`);
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor();
    await page.getByRole('button', { name: 'Re-score run' }).click();
    await page.waitForURL((u) => /#\/runs\/[0-9a-f-]{36}$/.test(u.hash) && !u.hash.endsWith(runId));
    const rescoreId = page.url().split('/').pop()!;
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    const [source, rescored] = await Promise.all([runId, rescoreId].map(async (id) => (await http.get(`/v1/runs/${id}`).expect(200)).body));
    expect(rescored.progress).toMatchObject({ done: 40, total: 40 });
    expect(rescored.benchmarks[0].metrics.acc.value).toBe(source.benchmarks[0].metrics.acc.value);
    expect(await page.locator('[data-metric="arc_easy/acc"] td').nth(2).innerText()).toBe(fmt(source.benchmarks[0].metrics.acc.value));

    const modelId = source.modelId;
    const long = (await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 400 }], shardSize: 400 }).expect(202)).body.id;
    await page.goto(`${url}/#/runs/${long}`);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('[data-testid=run-status]', { hasText: 'cancelled' }).waitFor();
    expect((await http.get(`/v1/runs/${long}`).expect(200)).body.status).toBe('cancelled');
    expect(await page.getByRole('button', { name: 'Cancel run' }).isDisabled()).toBe(true);
  });

  it('lists runs with filters, workers with their pools, models with their metadata and a task\'s YAML', async () => {
    await page.goto(`${url}/#/runs`);
    const all = (await http.get('/v1/runs').expect(200)).body;
    await page.locator('[data-testid=runs-total]', { hasText: String(all.total) }).waitFor();
    await page.getByLabel('Benchmark').fill('hellaswag');
    await page.locator('[data-testid=runs-total]', { hasText: /^0$/ }).waitFor();
    await page.getByLabel('Benchmark').fill('arc_easy');
    await page.locator(`tr[data-run="${runId}"]`).waitFor();
    await shot('runs');

    await page.goto(`${url}/#/workers`);
    const workers = (await http.get('/v1/workers?status=active').expect(200)).body;
    const row = page.locator(`tr[data-worker="${workers[0].id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).innerText()).toBe(workers[0].pools.join(', '));
    await shot('workers');
    await row.getByRole('button', { name: `Drain ${workers[0].name}` }).click();
    await row.locator('.status', { hasText: 'draining' }).waitFor();
    expect((await http.get(`/v1/workers/${workers[0].id}`).expect(200)).body.status).toBe('draining');

    await page.goto(`${url}/#/catalog`);
    await page.locator('tr[data-model="stories260K"]').waitFor();
    expect(await text('tr[data-model="stories260K"] [data-testid=params]')).toBe('292.8K');
    await page.getByRole('button', { name: 'arc_easy', exact: true }).click();
    const yaml = (await http.get('/v1/benchmarks/arc_easy?format=yaml').expect(200)).text;
    await page.locator('[data-testid=task-yaml]', { hasText: 'task:' }).waitFor();
    expect((await text('[data-testid=task-yaml]')).trim()).toBe(yaml.trim());
    await shot('catalog');
  });

  it('shows the density leaderboard, both plots (downloadable as SVG), the doubling time and cost per correct answer', async () => {
    await page.goto(`${url}/#/density`);
    const board = (await http.get('/v1/density/leaderboard?limit=1000').expect(200)).body;
    const trend = (await http.get('/v1/density/trend').expect(200)).body;
    for (const r of board.items.filter((x: { score: number | null }) => x.score !== null)) {
      await page.locator(`tr[data-model="${r.model}"]`).waitFor();
      expect(await text(`tr[data-model="${r.model}"] [data-testid=score]`)).toBe(fmt(r.score));
      if (r.density !== null) expect(await text(`tr[data-model="${r.model}"] [data-testid=density]`)).toBe(fmt(r.density));
    }
    expect(await page.locator('table[aria-label=Leaderboard] tbody tr').count()).toBe(board.items.length);
    await page.getByRole('button', { name: /Score/ }).click();
    const byScore = [...board.items].filter((r: { score: number | null }) => r.score !== null).sort((a: { score: number }, b: { score: number }) => b.score - a.score);
    expect((await page.locator('table[aria-label=Leaderboard] tbody tr').first().getAttribute('data-model'))).toBe(byScore[0].model);
    expect(await text('[data-testid=doubling-time] strong')).toBe(fmt(trend.doublingTimeMonths, 3));
    // stories260K is priced: its run has a cost per correct answer (when it answered any correctly).
    const priced = board.items.filter((r: { costDensity: number | null }) => r.costDensity);
    expect(priced.map((r: { model: string }) => r.model)).toEqual(['stories260K']);
    expect(await page.locator('tr[data-model="stories260K"] td').nth(6).innerText()).toBe(fmt(1 / priced[0].costDensity));
    for (const chart of ['score-vs-params', 'density-vs-date', 'cost-per-correct']) await page.locator(`[data-chart="${chart}"] svg`).first().waitFor();
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download score vs parameters as SVG' }).click()]);
    expect(svg.suggestedFilename()).toBe('score-vs-params.svg');
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[\s\S]*later-model[\s\S]*<\/svg>$/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download density vs release date as PNG' }).click()]);
    expect(readFileSync((await png.path())!).subarray(0, 4).toString('latin1')).toBe('\x89PNG');
    await page.locator('#fits-title').waitFor();
    await shot('density');
  });

  it('passes axe\'s WCAG 2 A/AA checks (labels, contrast, names) on every page', async () => {
    const found: string[] = [];
    for (const p of ['runs', `runs/${runId}`, 'submit', 'workers', 'catalog', 'density']) {
      await page.goto('about:blank');
      await page.goto(`${url}/#/${p}`);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
      if (p === 'density') await page.locator('[data-chart="density-vs-date"] svg').first().waitFor();
      // evaluated through the DevTools protocol: the page's Content-Security-Policy allows no inline script
      await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
      const violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> = await page.evaluate(
        async () => (await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] })).violations,
      );
      for (const v of violations) found.push(`${p}: ${v.id} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    }
    expect(found).toEqual([]);
  });

  it('works from the keyboard and at a phone\'s width', async () => {
    await page.goto('about:blank');
    await page.goto(`${url}/#/runs`);
    await page.locator('[data-testid=runs-total]').waitFor();
    await page.keyboard.press('Tab'); // skip link
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Submit');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/submit$/);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const p of ['runs', `runs/${runId}`, 'submit', 'workers', 'catalog', 'density']) {
      await page.goto(`${url}/#/${p}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    }
    await page.locator('[data-chart="density-vs-date"] svg').first().waitFor();
    await shot('density-phone');
  });
});
