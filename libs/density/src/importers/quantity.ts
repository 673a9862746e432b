import { DensityErrorCode, DensityException } from '../density.exception';

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 };

/**
 * A count such as a parameter or token count: "7000000000", "7e9", "7B", "1.1b", "500M", "15T", "7,000,000".
 * Returns null for an empty cell; throws INVALID_INPUT (with `where`) for anything else that is not a count.
 */
export function parseQuantity(raw: string, where: string): number | null {
  const text = raw.trim().replace(/[,_]/g, '');
  if (text === '') return null;
  const match = /^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbgt])?$/i.exec(text);
  if (!match) {
    throw new DensityException(DensityErrorCode.InvalidInput, `${where}: expected a count such as 7e9 or 7B, got '${raw}'`);
  }
  const value = Number(match[1]) * (match[2] ? SUFFIX[match[2].toUpperCase()] : 1);
  if (!Number.isFinite(value) || value <= 0) {
    throw new DensityException(DensityErrorCode.InvalidInput, `${where}: expected a positive count, got '${raw}'`);
  }
  return value;
}

const MISSING = new Set(['', '-', '—', 'n/a', 'na', 'null', 'none']);

/** A score cell: a number as written ("63.4", "0.634"), or "63.4%" → 0.634. Null for an empty or N/A cell. */
export function parseScore(raw: string, where: string): number | null {
  const text = raw.trim();
  if (MISSING.has(text.toLowerCase())) return null;
  const percent = text.endsWith('%');
  const value = Number(percent ? text.slice(0, -1).trim() : text);
  if (!Number.isFinite(value) || text === '%') {
    throw new DensityException(DensityErrorCode.InvalidInput, `${where}: expected a score such as 63.4 or 0.634, got '${raw}'`);
  }
  return percent ? value / 100 : value;
}

/** A release date as YYYY-MM-DD (also accepts YYYY-MM, read as the 1st, and full ISO timestamps). */
export function parseDay(raw: string, where: string): string | null {
  const text = raw.trim();
  if (text === '') return null;
  const normalised = /^\d{4}-\d{2}$/.test(text) ? `${text}-01` : text;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(normalised) ? Date.parse(normalised) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new DensityException(DensityErrorCode.InvalidInput, `${where}: expected a date such as 2024-02-01, got '${raw}'`);
  }
  return new Date(ms).toISOString().slice(0, 10);
}
