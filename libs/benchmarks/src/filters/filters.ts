import type { FunctionRegistry } from '../functions';
import { compilePyRegex, pyFindall } from '../python/regex';
import { pyEquals, pyStr, pyStrip, PyTuple } from '../python/str';
import type { Doc, FilterSpec, FilterStepConfig } from '../types';

/**
 * lm-evaluation-harness's filters (lm_eval/filters): each maps the per-document response lists
 * (`resps[doc] = [response for each repeat]`) to filtered responses. A filter ensemble applies its
 * steps in order to the raw responses; every ensemble starts from the raw responses again.
 */
export type FilterFn = (resps: unknown[], docs: Doc[]) => unknown[];

const asList = (inst: unknown, name: string): unknown[] => {
  if (!Array.isArray(inst)) throw new Error(`filter ${name} expects a list of responses per document; put take_first last`);
  return inst;
};

/** RegexFilter: findall; no match → fallback; match[group_select]; tuple → first non-empty group; strip(). */
export function regexFilter(pattern = '#### (\\-?[0-9\\.\\,]+)', groupSelect = 0, fallback = '[invalid]'): FilterFn {
  const re = compilePyRegex(pattern);
  return (resps) =>
    resps.map((inst) =>
      asList(inst, 'regex').map((resp) => {
        const matches = pyFindall(re, String(resp));
        if (matches.length === 0) return fallback;
        const idx = groupSelect < 0 ? matches.length + groupSelect : groupSelect;
        let m: string | PyTuple | undefined = matches[idx];
        if (m === undefined) return fallback;
        if (m instanceof PyTuple) {
          m = (m.items as string[]).find((g) => g) ?? undefined;
          if (m === undefined) return fallback;
        }
        return pyStrip(m as string);
      }),
    );
}

export const takeFirst: FilterFn = (resps) => resps.map((r) => asList(r, 'take_first')[0]);

export function takeFirstK(k: number): FilterFn {
  return (resps) =>
    resps.map((r) => {
      const list = asList(r, 'take_first_k');
      if (list.length < k) throw new Error(`take_first_k: need at least ${k} responses per doc, got ${list.length}; increase repeats`);
      return list.slice(0, k);
    });
}

/** WhitespaceFilter: drops one leading space. */
export const removeWhitespace: FilterFn = (resps) =>
  resps.map((r) => asList(r, 'remove_whitespace').map((x) => (typeof x === 'string' && x.startsWith(' ') ? x.slice(1) : x)));

/** MajorityVoteFilter: Counter(resp).most_common(1) — ties go to the first seen. */
export const majorityVote: FilterFn = (resps) =>
  resps.map((r) => {
    const counts: Array<{ v: unknown; n: number }> = [];
    for (const x of asList(r, 'majority_vote')) {
      const c = counts.find((e) => pyEquals(e.v, x));
      if (c) c.n++;
      else counts.push({ v: x, n: 1 });
    }
    let best = counts[0];
    for (const c of counts) if (c.n > best.n) best = c;
    return [best?.v];
  });

export const lowercase: FilterFn = (resps) => resps.map((r) => asList(r, 'lowercase').map((x) => String(x).toLowerCase()));
export const uppercase: FilterFn = (resps) => resps.map((r) => asList(r, 'uppercase').map((x) => String(x).toUpperCase()));

export function mapFilter(mapping: Record<string, unknown> = {}, defaultValue: unknown = null): FilterFn {
  return (resps) => resps.map((r) => asList(r, 'map').map((x) => (Object.prototype.hasOwnProperty.call(mapping, pyStr(x)) ? mapping[pyStr(x)] : defaultValue)));
}

/** Known filter functions and their keyword arguments. */
export const FILTER_KWARGS: Record<string, readonly string[]> = {
  regex: ['regex_pattern', 'group_select', 'fallback'],
  take_first: [],
  take_first_k: ['k'],
  remove_whitespace: [],
  majority_vote: [],
  lowercase: [],
  uppercase: [],
  map: ['mapping_dict', 'default_value'],
  custom: ['filter_fn'],
};

export function buildFilterStep(step: FilterStepConfig, functions: FunctionRegistry, where: { task: string; field: string }): FilterFn {
  switch (step.function) {
    case 'regex':
      return regexFilter(step.regex_pattern as string | undefined, (step.group_select as number | undefined) ?? 0, (step.fallback as string | undefined) ?? '[invalid]');
    case 'take_first':
      return takeFirst;
    case 'take_first_k':
      return takeFirstK(step.k as number);
    case 'remove_whitespace':
      return removeWhitespace;
    case 'majority_vote':
      return majorityVote;
    case 'lowercase':
      return lowercase;
    case 'uppercase':
      return uppercase;
    case 'map':
      return mapFilter(step.mapping_dict as Record<string, unknown> | undefined, step.default_value);
    case 'custom': {
      const ref = step.filter_fn as { function: string } | string;
      const name = typeof ref === 'string' ? ref : ref.function;
      const fn = functions.get('filter', name, where);
      return (resps, docs) => fn(resps as unknown[][], docs);
    }
    default:
      throw new Error(`unknown filter function "${step.function}" (known: ${Object.keys(FILTER_KWARGS).join(', ')})`);
  }
}

/** Applies every ensemble to one document's raw responses: filter name → filtered value. */
export function applyFilters(filters: readonly FilterSpec[], resps: unknown[], doc: Doc, functions: FunctionRegistry, task: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  filters.forEach((f, i) => {
    let batch: unknown[] = [resps];
    for (const step of f.steps) batch = buildFilterStep(step, functions, { task, field: `filter_list[${i}]` })(batch, [doc]);
    out.set(f.name, batch[0]);
  });
  return out;
}
