// Worker thread body of ChartRendererService: renders Vega-Lite specs to SVG (vega) and PNG (resvg) off the
// service's event loop. vega is ESM-only with top-level await: libs/density loads it with a real import(), which
// only works in plain Node (not in jest's module sandbox) — another reason it runs here.
import { parentPort, workerData } from 'node:worker_threads';
import { DensityException, renderSvg, svgToPng } from '@app/density';

type Spec = Parameters<typeof renderSvg>[0];

async function main(): Promise<void> {
  const { specs, pngWidth } = workerData as { specs: Spec[]; pngWidth?: number };
  const charts: Array<{ svg: string; png: Uint8Array }> = [];
  for (const spec of specs) {
    const svg = await renderSvg(spec);
    charts.push({ svg, png: svgToPng(svg, { width: pngWidth }) });
  }
  parentPort!.postMessage({ ok: true, charts });
}

main().catch((err: unknown) => {
  const code = err instanceof DensityException ? err.code : undefined;
  parentPort!.postMessage({ ok: false, code, message: (err as Error)?.message ?? String(err) });
});
