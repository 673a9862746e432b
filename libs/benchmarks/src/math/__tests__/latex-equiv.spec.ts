import { latexEquivalent } from '../latex-equiv';
import { parseLatex } from '../latex-parse';

/**
 * Expected values are what lm-eval's minerva_math is_equiv returned for the same pair with sympy 1.14
 * (parse_latex through its ANTLR grammar, simplify(a - b) == 0), run once outside this repository;
 * the same check over 25,000 pairs built from the 5,000 MATH gold answers (each with itself, with
 * another, and rewritten: parenthesized, \dfrac, 3(·)/3) agreed on every pair.
 */
const SAME_AS_SYMPY: Array<[string, string, boolean]> = [
  ['\\frac{1}{2}', '0.5', true],
  ['\\frac12', '0.5', true],
  ['\\tfrac{3}{4}', '0.75', true],
  ['0.1+0.2', '0.3', false], // sympy Floats: the difference is 5.6e-17, not 0
  ['0.333', '\\frac{1}{3}', false],
  ['\\pi', '3.14159265358979', false],
  ['\\frac{\\pi}{2}', '\\frac{1}{2}\\pi', true],
  ['2\\sqrt{2}', '\\sqrt{8}', true],
  ['\\frac{1}{\\sqrt{2}}', '\\frac{\\sqrt{2}}{2}', true],
  ['\\sqrt{5+2\\sqrt{6}}', '\\sqrt{2}+\\sqrt{3}', true],
  ['\\sqrt[3]{8}', '2', true],
  ['x^2-1', '(x-1)(x+1)', true],
  ['x(x+1)', 'x^2+x', false], // a letter before "(" is a function call in sympy's grammar
  ['-\\sqrt{x-3}+3', '\\frac{2(-\\sqrt{x-3}+3)}{2}', true], // only real for x >= 3
  ['\\sin^2x+\\cos^2x', '1', true],
  ['\\ln8', '3\\ln2', true],
  ['\\log_28', '3', true], // the subscript takes one digit so that 8 is left for the argument
  ['\\log100', '2', false], // \log is the natural logarithm in sympy 1.14
  ['\\lg100', '2', true],
  ['\\binom{5}{2}', '10', true],
  ['3!', '6', true],
  ['\\lfloor2.5\\rfloor', '2', true],
  ['2x3', '6', true], // "x" between two numbers is a times sign
  ['1\\,000', '1000', true],
  ['1,0000', '0', true], // 1,000 times 0
  ['Evelyn', 'Evelny', true], // letters are symbols multiplied together
  ['db', 'bd', false], // "db" is one symbol (a differential)
  ['\\text{(A)}', '(A)', false], // \text is a symbol: text·A ≠ A
  ['1,2', '1,3', true], // the parse stops before the comma: both are 1
  ['2+(1,2)', '2', true],
  ['(1,2)', '(1,2)', false], // a parse error inside the group: never equal, even to itself
  ['[2,5)', '[2,5)', false],
  ['5-', '5', true],
  ['2^(3)', '2', true],
  ['01', '01', false], // sympify rejects a leading zero
  ['.5', '0.5', false],
  ['2.', '2', false],
  ['3\\%', '3', false],
  ['\\$5', '5', false],
  ['x<2', 'x<2', false], // relations cannot be subtracted
  ['\\infty', '\\infty', false], // oo - oo is nan
  ['\\frac{1}{0}', '\\frac{1}{0}', false],
  ['\\sqrt{-4}', '\\sqrt{-4}', true],
  ['\\sqrt{-4}', '2i', false],
  ['e^{i\\pi}', '-1', false], // e and i are plain symbols
  ['\\left|x\\right|', '|x|', false], // \left| is a token sympy's abs does not take
  ['|x|', '|x|', true],
  ['|{-3}|', '3', true],
  ['\\cos0', '1', true],
  ['\\exp(0)', '1', true],
  ['\\sin(2x)', '2\\sin x\\cos x', true],
  ['\\sin^{-1}x', '\\arcsin x', true],
  ['\\binom{n}{2}', '\\frac{n(n-1)}{2}', false], // n(…) is a function call
  ['[invalidanswer]', '5', false],
  ['', '', false],
];

/**
 * Where densebench and sympy part (checked with sympy the same way): sympy builds functions
 * unevaluated and its simplify leaves some values of constants alone (sin(π/6) stays, cos 0 becomes
 * 1), and it does not prove some identities; densebench evaluates them. sympy also parses \int,
 * \sum and \lim, which densebench refuses.
 */
const DIFFERENT_FROM_SYMPY: Array<[string, string, boolean, boolean]> = [
  ['\\sin\\frac{\\pi}{6}', '\\frac12', true, false],
  ['\\cos\\pi', '-1', true, false],
  ['\\sin^{-1}1', '\\frac{\\pi}{2}', true, false],
  ['\\tan\\frac{\\pi}{8}', '\\sqrt{2}-1', true, false],
  ['\\cos\\frac{\\pi}{5}', '\\frac{1+\\sqrt{5}}{4}', true, false],
  ['\\sin\\frac{\\pi}{12}', '\\frac{\\sqrt{6}-\\sqrt{2}}{4}', true, false],
  ['\\int_0^1xdx', '\\frac12', false, true],
  ['\\sum_{k=1}^{3}k', '6', false, true],
  ['\\lim_{x\\to0}x', '0', false, true],
];

describe("minerva_math's answer equivalence without sympy", () => {
  it.each(SAME_AS_SYMPY)('%j ≡ %j is %s, as with sympy', (a, b, expected) => {
    expect(latexEquivalent(a, b)).toBe(expected);
    expect(latexEquivalent(b, a)).toBe(expected);
  });

  it.each(DIFFERENT_FROM_SYMPY)('%j ≡ %j is %s here, %s with sympy (documented difference)', (a, b, here) => {
    expect(latexEquivalent(a, b)).toBe(here);
  });

  it('parses as sympy does: implicit products bind tighter than "/", \\sin takes the product that follows, ^ takes one atom', () => {
    const show = (s: string) => JSON.stringify(parseLatex(s));
    expect(show('1/2x')).toBe(show('1/(2x)'));
    expect(show('\\sin x y')).toBe(show('\\sin(xy)'));
    expect(show('x^23')).toBe(show('x^{23}'));
    expect(latexEquivalent('\\sin x \\cos y', '\\cos(y)\\sin(x)')).toBe(true);
  });
});
