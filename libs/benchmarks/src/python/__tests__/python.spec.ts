import { literalEval } from '../literal-eval';
import { PyRandom } from '../random';
import { compilePyRegex, pyFindall, pySub } from '../regex';
import { pyCapitalize, pyIsSpaceChar, pyLstrip, pyRepr, pyRstrip, pyStrip, PyTuple } from '../str';

// Expected values come from CPython 3.11 (`python3 -c "import random; ..."`).
describe('PyRandom reproduces CPython random.Random', () => {
  it('sample (pool path, n <= setsize)', () => {
    expect(new PyRandom(1234).sample([...Array(10).keys()], 3)).toEqual([7, 1, 0]);
  });
  it('sample (set path)', () => {
    expect(new PyRandom(1234).sample([...Array(100).keys()], 5)).toEqual([99, 56, 14, 0, 11]);
    expect(new PyRandom(42).sampleIndices(7473, 6)).toEqual([5238, 912, 204, 6074, 2253, 2006]);
  });
  it('seeds wider than 32 bits use init_by_array over all words', () => {
    expect(new PyRandom(2 ** 40 + 7).sampleIndices(50, 8)).toEqual([39, 47, 40, 36, 45, 30, 16, 49]);
  });
  it('getrandbits, random and choices', () => {
    const r = new PyRandom(1234);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([4150886329, 3342196574, 1892932127]);
    const z = new PyRandom(0);
    expect([z.random(), z.random(), z.random()]).toEqual([0.8444218515250481, 0.7579544029403025, 0.420571580830845]);
    expect(new PyRandom(7).choices([...Array(10).keys()], 10)).toEqual([3, 1, 6, 0, 5, 3, 0, 5, 0, 4]);
  });
  it('consecutive draws advance one generator (lm-eval few-shot for docs 0, 1, 2 of gsm8k)', () => {
    const r = new PyRandom(1234);
    expect([r.sampleIndices(7473, 5), r.sampleIndices(7473, 5), r.sampleIndices(7473, 5)]).toEqual([
      [6374, 3610, 957, 61, 742],
      [7462, 6610, 4769, 286, 5501],
      [5677, 687, 806, 6279, 2905],
    ]);
  });
  it('refuses a sample larger than the population', () => {
    expect(() => new PyRandom(1).sample([1, 2], 3)).toThrow('Sample larger than population');
  });
});

describe('Python str semantics', () => {
  it('strip uses Python whitespace; capitalize lowercases the rest', () => {
    expect(pyStrip('\u001c x \u0085')).toBe('x');
    expect(pyStrip('\ufeffx')).toBe('\ufeffx');
    expect(pyCapitalize('hELLO')).toBe('Hello');
  });
  it('lstrip and rstrip work on code points: astral characters, lone surrogates, a chars argument', () => {
    // Reference: the code point array, as Python sees the string.
    const ref = (s: string, test: (c: string) => boolean, left: boolean) => {
      const cps = Array.from(s);
      let i = 0;
      let j = cps.length;
      if (left) while (i < j && test(cps[i])) i++;
      else while (j > i && test(cps[j - 1])) j--;
      return cps.slice(i, j).join('');
    };
    const strings = ['', ' ', ' \t x y \n ', '\u3000x\u2029', '😀x😀', ' 😀 ', '\ud83dx\ude00', '\ude00 x \ud83d', 'x\ud83d', '\ude00', '😀😀ab😀'];
    for (const s of strings) {
      expect(pyLstrip(s)).toBe(ref(s, pyIsSpaceChar, true));
      expect(pyRstrip(s)).toBe(ref(s, pyIsSpaceChar, false));
      for (const chars of ['😀', 'x😀', '\ud83d', '\ude00 ', '']) {
        const set = new Set(Array.from(chars));
        expect([s, chars, pyLstrip(s, chars)]).toEqual([s, chars, ref(s, (c) => set.has(c), true)]);
        expect([s, chars, pyRstrip(s, chars)]).toEqual([s, chars, ref(s, (c) => set.has(c), false)]);
      }
    }
    expect(pyStrip('😀 a 😀', '😀')).toBe(' a ');
  });
  it('repr like CPython', () => {
    expect(pyRepr(['a', "it's", 'q"q', 'tab\t'])).toBe(`['a', "it's", 'q"q', 'tab\\t']`);
    expect(pyRepr(new PyTuple(['x']))).toBe("('x',)");
    expect(pyRepr({ a: [1, null, true] })).toBe("{'a': [1, None, True]}");
  });
});

describe('Python re on JavaScript', () => {
  it('translates inline flags, $ before a final newline, and identity escapes', () => {
    expect(pySub('(?s).*#### ', '', 'a\nb #### c\n#### 18')).toBe('18');
    expect(pySub('\\.$', '', '18.')).toBe('18');
    expect(pySub('\\.$', '', '18.\n')).toBe('18\n');
    expect(pyFindall('#### (\\-?[0-9\\.\\,]+)', '#### -1,018.5')).toEqual(['-1,018.5']);
  });
  it('findall returns groups and tuples like Python', () => {
    const m = pyFindall('(-?[$0-9.,]{2,})|(-?[0-9]+)', 'I have 5 apples and $18.');
    expect(m.map((t) => (t as PyTuple).items)).toEqual([
      ['', '5'],
      ['$18.', ''],
    ]);
  });
  it('treats a non-quantifier brace literally and rejects unsupported syntax clearly', () => {
    expect(pyFindall('{x}', 'a{x}')).toEqual(['{x}']);
    expect(() => compilePyRegex('(?i:a)')).toThrow('not supported');
  });
  it('\\w and \\d are Unicode-aware as in Python 3', () => {
    expect(pyFindall('\\w+', 'héllo wörld')).toEqual(['héllo', 'wörld']);
  });
});

describe('ast.literal_eval', () => {
  it('parses rendered Python lists', () => {
    expect(literalEval(`['three', "it's four", 'a\\nb']`)).toEqual(['three', "it's four", 'a\nb']);
    expect(literalEval('[1, -2.5, True, None]')).toEqual([1, -2.5, true, null]);
    expect(literalEval('3')).toBe(3);
  });
  it('rejects what Python rejects', () => {
    expect(() => literalEval('007')).toThrow('leading zeros');
    expect(() => literalEval('[a]')).toThrow('not a literal');
  });
});
