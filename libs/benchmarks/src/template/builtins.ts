import { pySub } from '../python/regex';
import {
  isPlainObject,
  pyCapitalize,
  pyEquals,
  pyIsDigit,
  pyIsSpaceChar,
  pyLstrip,
  pyRstrip,
  pySplit,
  pyStr,
  pyStrip,
  pyTitle,
  PyTuple,
} from '../python/str';
import {
  asInt,
  asString,
  callable,
  compare,
  contains,
  iterate,
  Kwargs,
  PyCallable,
  pyLenOf,
  renderValue,
  reprValue,
  TemplateRenderError,
  truthy,
  typeName,
  Undefined,
} from './values';

const arg = (args: unknown[], kwargs: Kwargs, i: number, name: string, dflt?: unknown): unknown =>
  i < args.length ? args[i] : name in kwargs ? kwargs[name] : dflt;

const optStr = (v: unknown, what: string): string | null => (v === undefined || v === null ? null : asString(v, what));

function findIndex(s: string, sub: string, args: unknown[], from: 'left' | 'right'): number {
  const cps = Array.from(s);
  const start = args[1] === undefined || args[1] === null ? 0 : asInt(args[1], 'start');
  const end = args[2] === undefined || args[2] === null ? cps.length : asInt(args[2], 'end');
  const norm = (x: number) => Math.min(Math.max(x < 0 ? x + cps.length : x, 0), cps.length);
  const hay = cps.slice(norm(start), norm(end)).join('');
  const pos = from === 'left' ? hay.indexOf(sub) : hay.lastIndexOf(sub);
  return pos < 0 ? -1 : norm(start) + Array.from(hay.slice(0, pos)).length;
}

const STR_METHODS: Record<string, (s: string, args: unknown[], kwargs: Kwargs) => unknown> = {
  strip: (s, a, k) => pyStrip(s, optStr(arg(a, k, 0, 'chars'), 'chars')),
  lstrip: (s, a, k) => pyLstrip(s, optStr(arg(a, k, 0, 'chars'), 'chars')),
  rstrip: (s, a, k) => pyRstrip(s, optStr(arg(a, k, 0, 'chars'), 'chars')),
  split: (s, a, k) => pySplit(s, optStr(arg(a, k, 0, 'sep'), 'sep'), asInt(arg(a, k, 1, 'maxsplit', -1), 'maxsplit')),
  rsplit: (s, a, k) => {
    const sep = optStr(arg(a, k, 0, 'sep'), 'sep');
    const max = asInt(arg(a, k, 1, 'maxsplit', -1), 'maxsplit');
    if (max < 0) return pySplit(s, sep);
    const rev = (x: string) => Array.from(x).reverse().join('');
    return pySplit(rev(s), sep === null ? null : rev(sep), max).map(rev).reverse();
  },
  splitlines: (s) => s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/).filter((x, i, all) => i < all.length - 1 || x !== ''),
  replace: (s, a, k) => {
    const old = asString(arg(a, k, 0, 'old'), 'old');
    const neu = asString(arg(a, k, 1, 'new'), 'new');
    const count = asInt(arg(a, k, 2, 'count', -1), 'count');
    if (count < 0) return s.split(old).join(neu);
    const parts = s.split(old);
    return parts.length <= count + 1 ? parts.join(neu) : parts.slice(0, count + 1).join(neu) + old + parts.slice(count + 1).join(old);
  },
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  capitalize: (s) => pyCapitalize(s),
  title: (s) => pyTitle(s),
  swapcase: (s) => Array.from(s).map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  startswith: (s, a) => prefixTest(a[0], (p) => s.startsWith(p)),
  endswith: (s, a) => prefixTest(a[0], (p) => s.endsWith(p)),
  join: (s, a) =>
    iterate(a[0])
      .map((x) => {
        if (typeof x !== 'string') throw new TemplateRenderError(`sequence item: expected str instance, ${typeName(x)} found`);
        return x;
      })
      .join(s),
  find: (s, a) => findIndex(s, asString(a[0], 'sub'), a, 'left'),
  rfind: (s, a) => findIndex(s, asString(a[0], 'sub'), a, 'right'),
  index: (s, a) => {
    const i = findIndex(s, asString(a[0], 'sub'), a, 'left');
    if (i < 0) throw new TemplateRenderError('ValueError: substring not found');
    return i;
  },
  rindex: (s, a) => {
    const i = findIndex(s, asString(a[0], 'sub'), a, 'right');
    if (i < 0) throw new TemplateRenderError('ValueError: substring not found');
    return i;
  },
  count: (s, a) => {
    const sub = asString(a[0], 'sub');
    if (sub === '') return Array.from(s).length + 1;
    return s.split(sub).length - 1;
  },
  isdigit: (s) => pyIsDigit(s),
  isnumeric: (s) => s.length > 0 && /^\p{N}+$/u.test(s),
  isdecimal: (s) => s.length > 0 && /^\p{Nd}+$/u.test(s),
  isalpha: (s) => s.length > 0 && /^\p{L}+$/u.test(s),
  isalnum: (s) => s.length > 0 && /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => s.length > 0 && Array.from(s).every(pyIsSpaceChar),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  zfill: (s, a) => {
    const w = asInt(a[0], 'width');
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + body.padStart(w - sign.length, '0');
  },
  format: (s, a, k) => {
    let auto = 0;
    return s.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field?: string) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      if (field !== undefined && field.includes(':')) throw new TemplateRenderError(`str.format: format specs are not supported ("{${field}}")`);
      const key = field ?? '';
      const v = key === '' ? a[auto++] : /^\d+$/.test(key) ? a[Number(key)] : k[key];
      return renderValue(v === undefined ? new Undefined(key || String(auto - 1)) : v);
    });
  },
};

function prefixTest(p: unknown, test: (prefix: string) => boolean): boolean {
  if (p instanceof PyTuple) return p.items.some((x) => test(asString(x, 'prefix')));
  return test(asString(p, 'prefix'));
}

const LIST_METHODS: Record<string, (l: unknown[], args: unknown[]) => unknown> = {
  index: (l, a) => {
    const i = l.findIndex((x) => pyEquals(x, a[0]));
    if (i < 0) throw new TemplateRenderError(`ValueError: ${reprValue(a[0])} is not in list`);
    return i;
  },
  count: (l, a) => l.filter((x) => pyEquals(x, a[0])).length,
};

const DICT_METHODS: Record<string, (d: Record<string, unknown>, args: unknown[]) => unknown> = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d).map(([k, v]) => new PyTuple([k, v])),
  get: (d, a) => (Object.prototype.hasOwnProperty.call(d, String(a[0])) ? d[String(a[0])] : a[1] ?? null),
};

/** getattr(obj, name) as Jinja resolves it: methods first, then (for dicts) items. */
export function getAttribute(obj: unknown, name: string | number, describe: string): unknown {
  if (obj instanceof Undefined) throw new TemplateRenderError(`'${obj.name}' is undefined`);
  const key = String(name);
  if (typeof obj === 'string' && key in STR_METHODS) return bind(key, (a, k) => STR_METHODS[key](obj, a, k));
  if ((Array.isArray(obj) || obj instanceof PyTuple) && key in LIST_METHODS) {
    const items = obj instanceof PyTuple ? obj.items : obj;
    return bind(key, (a) => LIST_METHODS[key](items, a));
  }
  if (isPlainObject(obj)) {
    if (key in DICT_METHODS) return bind(key, (a) => DICT_METHODS[key](obj, a));
    if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  }
  if (typeof name === 'number') return getItem(obj, name, describe);
  return new Undefined(`${describe}.${key}`);
}

/** obj[key] as Jinja resolves it: item first, then attribute for string keys. */
export function getItem(obj: unknown, key: unknown, describe: string): unknown {
  if (obj instanceof Undefined) throw new TemplateRenderError(`'${obj.name}' is undefined`);
  if (key instanceof Undefined) throw new TemplateRenderError(`'${key.name}' is undefined`);
  const seq = typeof obj === 'string' ? Array.from(obj) : obj instanceof PyTuple ? obj.items : Array.isArray(obj) ? obj : null;
  if (seq && (typeof key === 'number' || typeof key === 'boolean')) {
    if (typeof key === 'number' && !Number.isInteger(key)) return new Undefined(`${describe}[${key}]`);
    let i = Number(key);
    if (i < 0) i += seq.length;
    return i >= 0 && i < seq.length ? seq[i] : new Undefined(`${describe}[${Number(key)}]`);
  }
  if (isPlainObject(obj) && (typeof key === 'string' || typeof key === 'number')) {
    if (Object.prototype.hasOwnProperty.call(obj, String(key))) return obj[String(key)];
  }
  if (typeof key === 'string') return getAttribute(obj, key, describe);
  return new Undefined(`${describe}[${pyStr(key)}]`);
}

const bind = (name: string, fn: (args: unknown[], kwargs: Kwargs) => unknown): PyCallable => callable(name, fn);

export type Filter = (value: unknown, args: unknown[], kwargs: Kwargs, applyFilter: (name: string, v: unknown, a: unknown[]) => unknown) => unknown;

const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

export const FILTERS: Record<string, Filter> = {
  abs: (v) => Math.abs(v as number),
  capitalize: (v) => pyCapitalize(renderValue(v)),
  count: (v) => pyLenOf(v),
  length: (v) => pyLenOf(v),
  default: (v, a, k) => {
    const dflt = arg(a, k, 0, 'default_value', '');
    const boolean = truthyOpt(arg(a, k, 1, 'boolean', false));
    if (v instanceof Undefined || (boolean && !truthy(v))) return dflt;
    return v;
  },
  escape: (v) => htmlEscape(renderValue(v)),
  first: (v) => iterate(v)[0] ?? new Undefined('first()'),
  last: (v) => {
    const it = iterate(v);
    return it.length ? it[it.length - 1] : new Undefined('last()');
  },
  float: (v, a, k) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : NaN;
    return Number.isNaN(n) ? arg(a, k, 0, 'default', 0) : n;
  },
  int: (v, a, k) => {
    if (typeof v === 'boolean') return Number(v);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : NaN;
    return Number.isNaN(n) ? arg(a, k, 0, 'default', 0) : Math.trunc(n);
  },
  join: (v, a, k) => {
    const sep = asString(arg(a, k, 0, 'd', ''), 'join separator');
    const attr = arg(a, k, 1, 'attribute', null);
    return iterate(v)
      .map((x) => renderValue(attr === null ? x : getItem(x, attr, 'item')))
      .join(sep);
  },
  list: (v) => [...iterate(v)],
  lower: (v) => renderValue(v).toLowerCase(),
  upper: (v) => renderValue(v).toUpperCase(),
  title: (v) => pyTitle(renderValue(v)),
  trim: (v, a, k) => pyStrip(renderValue(v), optStr(arg(a, k, 0, 'chars'), 'chars')),
  string: (v) => renderValue(v),
  replace: (v, a, k) => STR_METHODS.replace(renderValue(v), a, k),
  reverse: (v) => (typeof v === 'string' ? Array.from(v).reverse().join('') : [...iterate(v)].reverse()),
  round: (v, a, k) => {
    const precision = asInt(arg(a, k, 0, 'precision', 0), 'precision');
    const method = arg(a, k, 1, 'method', 'common');
    const f = 10 ** precision;
    const x = (v as number) * f;
    const r = method === 'ceil' ? Math.ceil(x) : method === 'floor' ? Math.floor(x) : Math.sign(x) * Math.round(Math.abs(x));
    return r / f;
  },
  sort: (v, a, k) => {
    const reverse = truthyOpt(arg(a, k, 0, 'reverse', false));
    const caseSensitive = truthyOpt(arg(a, k, 1, 'case_sensitive', false));
    const attr = arg(a, k, 2, 'attribute', null);
    const keyOf = (x: unknown) => {
      const y = attr === null ? x : getItem(x, attr, 'item');
      return typeof y === 'string' && !caseSensitive ? y.toLowerCase() : y;
    };
    const out = [...iterate(v)].sort((x, y) => compare(keyOf(x), keyOf(y), '<'));
    return reverse ? out.reverse() : out;
  },
  unique: (v) => {
    const out: unknown[] = [];
    for (const x of iterate(v)) if (!out.some((y) => pyEquals(typeof x === 'string' ? x.toLowerCase() : x, typeof y === 'string' ? y.toLowerCase() : y))) out.push(x);
    return out;
  },
  min: (v) => [...iterate(v)].sort((x, y) => compare(x, y, '<'))[0] ?? new Undefined('min()'),
  max: (v) => [...iterate(v)].sort((x, y) => compare(y, x, '<'))[0] ?? new Undefined('max()'),
  sum: (v, a, k) => {
    const attr = arg(a, k, 0, 'attribute', null);
    return iterate(v).reduce<number>((acc, x) => acc + ((attr === null ? x : getItem(x, attr, 'item')) as number), (arg(a, k, 1, 'start', 0) as number) ?? 0);
  },
  map: (v, a, k, applyFilter) => {
    if ('attribute' in k) return iterate(v).map((x) => getItem(x, k.attribute, 'item'));
    const name = asString(a[0], 'map filter name');
    return iterate(v).map((x) => applyFilter(name, x, a.slice(1)));
  },
  wordcount: (v) => (renderValue(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  tojson: (v) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'),
  regex_replace: (v, a, k) =>
    pySub(asString(arg(a, k, 0, 'pattern'), 'pattern'), asString(arg(a, k, 1, 'repl'), 'repl'), renderValue(v), asInt(arg(a, k, 2, 'count', 0), 'count')),
};
FILTERS.d = FILTERS.default;
FILTERS.e = FILTERS.escape;

function truthyOpt(v: unknown): boolean {
  return v instanceof Undefined ? false : truthy(v);
}

export const TESTS: Record<string, (v: unknown, args: unknown[]) => boolean> = {
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  none: (v) => v === null,
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  mapping: (v) => isPlainObject(v),
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple || isPlainObject(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple || isPlainObject(v),
  callable: (v) => typeof v === 'object' && v !== null && 'pyCall' in v,
  even: (v) => asInt(v, 'even') % 2 === 0,
  odd: (v) => Math.abs(asInt(v, 'odd') % 2) === 1,
  divisibleby: (v, a) => asInt(v, 'divisibleby') % asInt(a[0], 'divisor') === 0,
  eq: (v, a) => pyEquals(v, a[0]),
  ne: (v, a) => !pyEquals(v, a[0]),
  lt: (v, a) => compare(v, a[0], '<') < 0,
  le: (v, a) => compare(v, a[0], '<=') <= 0,
  gt: (v, a) => compare(v, a[0], '>') > 0,
  ge: (v, a) => compare(v, a[0], '>=') >= 0,
  in: (v, a) => contains(a[0], v),
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
};
TESTS.equalto = TESTS.eq;
TESTS['=='] = TESTS.eq;
TESTS.sameas = (v, a) => v === a[0];

export const GLOBALS: Record<string, unknown> = {
  true: true,
  false: false,
  none: null,
  True: true,
  False: false,
  None: null,
  range: callable('range', (a) => {
    const [start, stop, step] = a.length === 1 ? [0, asInt(a[0], 'range'), 1] : [asInt(a[0], 'range'), asInt(a[1], 'range'), a[2] === undefined ? 1 : asInt(a[2], 'range')];
    if (step === 0) throw new TemplateRenderError('range() arg 3 must not be zero');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }),
  dict: callable('dict', (_a, k) => ({ ...k })),
  namespace: callable('namespace', (_a, k) => ({ ...k })),
};

export const METHOD_NAMES = { str: Object.keys(STR_METHODS), list: Object.keys(LIST_METHODS), dict: Object.keys(DICT_METHODS) };
