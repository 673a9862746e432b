import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { TwoStepCurves } from '../capability/effective-size';
import { predictLoss } from '../curves/loss-curve';
import { predictScore } from '../curves/performance-curve';
import { DensityTrend, trendDensityAt } from '../trend/density-trend';

/*
 * Vega-Lite specifications of the two density plots. Pure data: build them anywhere (API, results service,
 * dashboard in the browser) and render them with chart-render.ts or vega-embed.
 */

export interface ChartSize {
  /** Total width and height in pixels, axes and titles included (autosize "fit"). */
  width?: number;
  height?: number;
}

export interface ScorePoint {
  model: string;
  params: number;
  score: number;
  /** Colour group, e.g. "reference" vs "evaluated". */
  series?: string;
}

const base = (size: ChartSize, title: string) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: size.width ?? 720,
  height: size.height ?? 440,
  autosize: { type: 'fit' as const, contains: 'padding' as const },
  background: 'white',
  title,
  config: { font: 'DejaVu Sans, Arial, sans-serif' },
});

/** (1) Score against parameters on a log axis, optionally with the reference curve drawn as a line. */
export function scoreVsParamsSpec(
  points: readonly ScorePoint[],
  opts: ChartSize & { benchmark: string; title?: string; curve?: ReadonlyArray<{ params: number; score: number }> },
): TopLevelSpec {
  const x = {
    field: 'params',
    type: 'quantitative' as const,
    scale: { type: 'log' as const },
    title: 'Parameters (log scale)',
    axis: { labelExpr: "datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + 'B' : format(datum.value / 1e6, '~g') + 'M'" },
  };
  const series = new Set(points.map((p) => p.series ?? 'model'));
  const y = { field: 'score', type: 'quantitative' as const, title: `${opts.benchmark} score` };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    {
      data: { values: points.map((p) => ({ ...p, series: p.series ?? 'model' })) },
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x,
        y,
        ...(series.size > 1 ? { color: { field: 'series', type: 'nominal' as const, title: null } } : {}),
        tooltip: [{ field: 'model' }, { field: 'params' }, { field: 'score' }],
      },
    },
    {
      data: { values: points.map((p) => ({ ...p })) },
      mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 },
      encoding: { x, y, text: { field: 'model' } },
    },
  ];
  if (opts.curve?.length) {
    layers.unshift({
      data: { values: opts.curve.map((c) => ({ ...c })) },
      mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
      encoding: { x, y },
    });
  }
  return { ...base(opts, opts.title ?? `${opts.benchmark}: score vs parameters`), layer: layers } as TopLevelSpec;
}

/** The reference's score at each size when trained on D0 tokens, S(L(N, D0)) (Eqs. 2–3), log-spaced over [from, to]. */
export function referenceScoreCurve(
  curves: TwoStepCurves,
  d0Tokens: number,
  [from, to]: [number, number],
  steps = 40,
): Array<{ params: number; score: number }> {
  return Array.from({ length: steps }, (_, i) => {
    const params = from * (to / from) ** (i / (steps - 1));
    return { params, score: predictScore(curves.performance, predictLoss(curves.loss, params, d0Tokens)) };
  });
}

export interface DensityPlotPoint {
  model: string;
  releaseDate: string;
  density: number;
}

/** (2) Density against release date on a log axis, the frontier highlighted, with the fitted trend line. */
export function densityTrendSpec(points: readonly DensityPlotPoint[], trend: DensityTrend, opts: ChartSize & { title?: string } = {}): TopLevelSpec {
  const onFrontier = new Set(trend.frontier.map((p) => p.id));
  const dates = [...points.map((p) => Date.parse(p.releaseDate)), ...trend.frontier.map((p) => Date.parse(p.releaseDate))];
  const [first, last] = [Math.min(...dates), Math.max(...dates)];
  const curve = Array.from({ length: 25 }, (_, i) => {
    const day = new Date(first + ((last - first) * i) / 24).toISOString().slice(0, 10);
    return { releaseDate: day, density: trendDensityAt(trend, day) };
  });
  const x = { field: 'releaseDate', type: 'temporal' as const, title: 'Release date' };
  const y = { field: 'density', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'Capability density ρ (log scale)' };
  const doubling = trend.doublingTimeDays === null
    ? 'no doubling (density not growing)'
    : `doubling every ${trend.doublingTimeDays.toFixed(0)} days (${trend.doublingTimeMonths!.toFixed(1)} months)`;
  const { A, B } = trend.params;
  const line = `ln ρ_max = ${A.toFixed(4)}·t ${B < 0 ? '−' : '+'} ${Math.abs(B).toFixed(2)}`;
  const title = opts.title ?? `${line} (t: days from ${trend.origin}): ${doubling}, R² = ${trend.quality.rSquared.toFixed(3)}`;
  return {
    ...base(opts, title),
    layer: [
      { data: { values: curve }, mark: { type: 'line', color: '#d62728' }, encoding: { x, y } },
      {
        data: { values: points.map((p) => ({ ...p, frontier: onFrontier.has(p.model) ? 'frontier (ρ_max)' : 'other models' })) },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { x, y, color: { field: 'frontier', type: 'nominal', title: null }, tooltip: [{ field: 'model' }, { field: 'releaseDate' }, { field: 'density' }] },
      },
      {
        data: { values: points.map((p) => ({ ...p })) },
        mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 },
        encoding: { x, y, text: { field: 'model' } },
      },
    ],
  } as TopLevelSpec;
}
