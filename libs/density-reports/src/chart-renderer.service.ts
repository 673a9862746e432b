import { Injectable } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DensityErrorCode, DensityException } from '@app/density';

const RENDER_TIMEOUT_MS = 120_000;

/**
 * The compiled worker script next to this file. When this file runs from TypeScript source (ts-jest in the
 * e2e tests), a worker thread cannot execute the .ts twin, so the build's copy in dist/ is used (the e2e
 * tests need `npm run build:ts` anyway).
 */
function workerScript(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, 'chart-render.worker.js');
  const root = resolve(__dirname, '..', '..', '..');
  const built = join(root, 'dist', relative(root, __dirname), 'chart-render.worker.js');
  if (!existsSync(built)) throw new DensityException(DensityErrorCode.RenderFailed, `${built} is missing: run npm run build:ts`);
  return built;
}

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

/** Renders charts (Vega-Lite specs → SVG + PNG) in a worker thread, so a large plot never blocks the service's event loop. */
@Injectable()
export class ChartRendererService {
  render(specs: readonly object[], pngWidth?: number): Promise<RenderedChart[]> {
    if (specs.length === 0) return Promise.resolve([]);
    return new Promise((resolvePromise, reject) => {
      const worker = new Worker(workerScript(), { workerData: { specs, pngWidth } });
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        fn();
      };
      const fail = (message: string) => settle(() => reject(new DensityException(DensityErrorCode.RenderFailed, message)));
      const timer = setTimeout(() => fail(`chart rendering took longer than ${RENDER_TIMEOUT_MS} ms`), RENDER_TIMEOUT_MS);
      worker.once('message', (msg: { ok: boolean; message?: string; charts?: Array<{ svg: string; png: Uint8Array }> }) => {
        if (!msg.ok) return fail(msg.message ?? 'chart rendering failed');
        const charts = msg.charts!.map((c) => ({ svg: c.svg, png: Buffer.from(c.png.buffer, c.png.byteOffset, c.png.byteLength) }));
        settle(() => resolvePromise(charts));
      });
      worker.once('error', (err) => fail(err.message));
      worker.once('exit', (code) => fail(`the chart worker exited with code ${code} before answering`));
    });
  }
}
