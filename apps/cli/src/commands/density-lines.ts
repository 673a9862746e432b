import { DensityFigureView, RunDensityView } from '../api-client';

const METHODS: Record<string, string> = {
  'densing-law-two-step': 'Densing Law two-step fit on conditional losses',
  'densing-law-composed-on-scores': 'Densing Law curves composed and fitted on published scores (losses unpublished)',
};

const num = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : Number(v.toPrecision(4)).toString());
const size = (n: number) => (n >= 1e9 ? `${num(n / 1e9)}B` : n >= 1e6 ? `${num(n / 1e6)}M` : n >= 1e3 ? `${num(n / 1e3)}K` : num(n));

function figureLine(f: DensityFigureView): string {
  const score = f.score === null ? '' : `${f.metric ?? 'score'} ${f.score.toFixed(4)}  `;
  const head = `    ${f.benchmark.padEnd(24)}${score}`;
  if (f.density === null) return `${head}no density: ${f.message ?? f.undefinedReason}`;
  const notes: string[] = [];
  if (f.extrapolated?.params) notes.push('N̂ outside the reference\'s sizes (extrapolated)');
  if (f.extrapolated?.loss) notes.push('beyond the reference\'s scores (extrapolated)');
  if (f.validation) {
    const factors = f.validation.typicalFactor === null ? '' : ` (held-out sizes ×${num(f.validation.typicalFactor)} typical, ×${num(f.validation.worstFactor!)} worst)`;
    notes.push(f.validation.validated ? `validated${factors}` : `NOT validated${factors}: indicative only`);
  }
  return `${head}ρ = ${num(f.density)}  (N̂ = ${size(f.effectiveParams!)}, N = ${size(f.params)})${notes.length ? `  — ${notes.join('; ')}` : ''}`;
}

const figure = (label: string, o: { defined: boolean; value?: number; message?: string }, unit: string) =>
  o.defined ? `${label} ${num(o.value!)} ${unit}` : `${label} none (${o.message})`;

/** The density part of `densebench results` and the demo: per reference, each benchmark and the AVERAGE; then efficiency. */
export function formatDensity(density: RunDensityView | null | undefined): string[] {
  if (!density) return ['  density: none (the run did not succeed, or finished before density figures existed)'];
  const lines: string[] = [];
  if (density.references.length === 0) lines.push('  capability density: no reference family is fitted yet');
  for (const ref of density.references) {
    lines.push(`  capability density against ${ref.reference} v${ref.version} — ${METHODS[ref.method ?? ''] ?? ref.method ?? 'unknown method'}:`);
    for (const f of ref.benchmarks.filter((b) => b.score !== null)) lines.push(figureLine(f));
    const others = ref.benchmarks.filter((b) => b.score === null).map((b) => b.benchmark);
    if (others.length) lines.push(`    (${ref.reference} also covers ${others.join(', ')})`);
    lines.push(figureLine(ref.headline));
  }
  const pooled = density.efficiency.find((e) => e.benchmark === 'ALL') ?? density.efficiency[0];
  if (pooled) {
    lines.push(`  ${figure('token value', pooled.tokenValue.scorePer1kOutputTokens, 'correct answers per 1k output tokens')}`);
    lines.push(`  ${figure('cost density', pooled.costDensity.scorePerDollar, 'correct answers per dollar')}`);
    lines.push(`  ${figure('compute density', pooled.computeDensity.scorePerTflop, 'correct answers per TFLOP')}`);
  }
  return lines;
}
