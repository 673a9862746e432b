import { Resvg } from '@resvg/resvg-js';
import path from 'node:path';
import { fitDensityTrend } from '../trend/density-trend';
import { densityTrendSpec, scoreVsParamsSpec } from './chart-specs';
import { svgToPng } from './chart-render';
import { callInChildProcess } from '../__tests__/run-ts-in-child';

// vega is ESM-only with top-level await: rendering runs in a child node process (see chart-render.ts).
const renderModule = path.join(__dirname, 'chart-render.ts');

const models = [
  { model: 'Llama-2-7B', params: 7e9, score: 0.453, releaseDate: '2023-07-18', density: 0.29 },
  { model: 'Mistral-7B', params: 7.24e9, score: 0.625, releaseDate: '2023-09-27', density: 0.74 },
  { model: 'MiniCPM-2.4B', params: 2.4e9, score: 0.535, releaseDate: '2024-02-01', density: 1.21 },
  { model: 'Gemma-2-9B', params: 9e9, score: 0.713, releaseDate: '2024-06-27', density: 2.9 },
  { model: 'Llama-3.1-405B', params: 405e9, score: 0.852, releaseDate: '2024-07-23', density: 0.61 },
];

const trend = fitDensityTrend(models.map((m) => ({ id: m.model, releaseDate: m.releaseDate, density: m.density })), { bootstrap: false });
const scoreSpec = scoreVsParamsSpec(models, { benchmark: 'MMLU', width: 640, height: 400 });
const trendSpec = densityTrendSpec(models, trend, { width: 800, height: 450 });

const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('density plots (vega-lite → SVG, resvg → PNG)', () => {
  const [scoreSvg, trendSvg, trendPng] = callInChildProcess(renderModule, [
    { fn: 'renderSvg', args: [scoreSpec] },
    { fn: 'renderSvg', args: [trendSpec] },
    { fn: 'renderChart', args: [trendSpec, 'png', { width: 1200 }] },
  ]) as [string, string, Buffer];

  it('score vs parameters: a well-formed SVG of the requested size with every point and both axis titles', () => {
    expect(scoreSvg.startsWith('<svg')).toBe(true);
    expect(scoreSvg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(scoreSvg).toMatch(/width="640" height="400"/);
    expect(() => new Resvg(scoreSvg)).not.toThrow(); // a strict XML/SVG parser accepts it
    expect(scoreSvg).toContain('Parameters (log scale)');
    expect(scoreSvg).toContain('MMLU score');
    for (const m of models) expect(scoreSvg).toContain(`>${m.model}</text>`);
    expect(scoreSvg.match(/class="mark-symbol role-mark/g)).toHaveLength(1);
    expect(scoreSvg.match(/aria-roledescription="point"/g)).toHaveLength(models.length);
  });

  it('density vs release date: points, the trend line and its doubling time', () => {
    expect(trendSvg).toMatch(/width="800" height="450"/);
    expect(trendSvg).toContain('Release date');
    expect(trendSvg).toContain('Capability density ρ (log scale)');
    expect(trendSvg).toContain(`doubling every ${trend.doublingTimeDays!.toFixed(0)} days`);
    expect(trendSvg.match(/aria-roledescription="line mark"/g)).toHaveLength(1);
    expect(trendSvg.match(/aria-roledescription="point"/g)).toHaveLength(models.length);
    for (const m of models) expect(trendSvg).toContain(`>${m.model}</text>`);
  });

  it('PNG: the PNG signature and the requested size', () => {
    expect(trendPng.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(trendPng)).toEqual({ width: 1200, height: 675 }); // 800×450 scaled to 1200 wide
  });

  it('converts SVG to PNG in process, at the SVG size or a requested width', () => {
    const png = svgToPng(scoreSvg);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 640, height: 400 });
    expect(pngSize(svgToPng(scoreSvg, { width: 320 }))).toEqual({ width: 320, height: 200 });
    expect(() => svgToPng('<svg')).toThrow(/SVG to PNG failed/);
  });
});
