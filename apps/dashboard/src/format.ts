/** Number formats shared by the pages. */

export const fmtInt = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));

/** Up to 4 significant digits; tiny or huge numbers in exponent form. */
export function fmtNum(n: number | null | undefined, digits = 4): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e7)) return n.toExponential(2);
  return Number(n.toPrecision(digits)).toString();
}

/** Parameters as 292.8K, 160M, 6.9B. */
export function fmtParams(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  for (const [d, s] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) if (Math.abs(n) >= d) return `${Number((n / d).toPrecision(4))}${s}`;
  return String(n);
}

export const fmtDate = (iso: string | null | undefined): string => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : '–');

export const fmtRate = (n: number | null): string => (n === null ? '–' : n >= 100 ? fmtInt(n) : fmtNum(n, 3));
