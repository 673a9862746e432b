import { getUnnormalizedAnswer, hendrycksAnswer, hendrycksIsEquiv, lastBoxedOnlyString, normalizeFinalAnswer, removeBoxed, stripString } from '../answers';

// Expected values: lm-eval's minerva_math / hendrycks_math utils.py run on the same strings (CPython),
// and both normalizations agree with it on all 5,000 MATH gold answers (35,256 hendrycks pairs).
describe('MATH answer extraction and normalization (lm-eval utils.py)', () => {
  it('last_boxed_only_string / remove_boxed: the last balanced \\boxed{…} (or \\fbox), asserting its form', () => {
    expect(lastBoxedOnlyString('a $\\boxed{1}$ then $\\boxed{\\frac{1}{2}}$.')).toBe('\\boxed{\\frac{1}{2}}');
    expect(lastBoxedOnlyString('x \\boxed 5$ y')).toBe('\\boxed 5');
    expect(lastBoxedOnlyString('\\fbox{7}')).toBe('\\fbox{7}');
    expect(lastBoxedOnlyString('\\boxed{unclosed')).toBeNull();
    expect(lastBoxedOnlyString('no box')).toBeNull();
    expect(removeBoxed('\\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(removeBoxed('\\boxed 5')).toBe('5');
    expect(() => removeBoxed('\\fbox{7}')).toThrow('AssertionError');
    expect(() => removeBoxed(null)).toThrow(TypeError);
  });

  it.each([
    ['Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.', '$\\frac{3}{4}$', '\\frac{3}{4}'],
    ['so x=5.\nFinal Answer: The final answer is $x = 5$ ', '$x = 5', '5'],
    ['The answer is 5', '[invalidanswer]', '[invalidanswer]'],
    ['Final Answer: The final answer is 1,000,000 dollars. I hope it is correct.', '1,000,000 dollars', '1000000'],
    ['Final Answer: The final answer is \\text{(B)}. I hope it is correct.', '\\text{(B)}', '(B)'],
    ['Final Answer: The final answer is $10^\\circ$.', '[invalidanswer]', '[invalidanswer]'],
    ['Final Answer: The final answer is \\boxed{\\dfrac{1}{2}}. I hope it is correct.', '\\boxed{\\dfrac{1}{2}}', '\\dfrac{1}{2}'],
  ])('minerva: %j → %j → %j', (text, raw, normalized) => {
    expect(getUnnormalizedAnswer(text)).toBe(raw);
    expect(normalizeFinalAnswer(raw)).toBe(normalized);
  });

  it('minerva normalize_final_answer: "ft" goes even from \\left (lm-eval\'s quirk), \\frac12 and \\sqrt2 get braces', () => {
    expect(normalizeFinalAnswer('\\left( 3, \\frac{\\pi}{2} \\right)')).toBe('\\le(3,\\frac{\\pi}{2}\\right)');
    expect(normalizeFinalAnswer('\\frac12')).toBe('\\frac{1}{2}');
    expect(normalizeFinalAnswer('\\sqrt2')).toBe('\\sqrt{2}');
    expect(normalizeFinalAnswer('5 \\text{ cm}^2')).toBe('5'); // "\\text{}^2" goes after "cm"
  });

  it('hendrycks strip_string and is_equiv, with the raw comparison where strip_string raises', () => {
    expect(stripString('\\dfrac{1}{2}')).toBe('\\frac{1}{2}');
    expect(stripString('0.5')).toBe('\\frac{1}{2}');
    expect(stripString('k = 3/4')).toBe('\\frac{3}{4}');
    expect(stripString('\\left( 3 \\right)')).toBe('(3)');
    expect(stripString('10\\text{ cm}')).toBe('10');
    expect(hendrycksIsEquiv('.5', '\\frac12')).toBe(true);
    expect(hendrycksIsEquiv('03/4', '\\frac{3}{4}')).toBe(false); // int("03") is 3, but "3/4" != "03/4"
    // fix_a_slash_b's int() raises for a/b: strip_string fails and the raw strings are compared.
    expect(hendrycksIsEquiv('a/b', 'a/b')).toBe(true);
    expect(hendrycksIsEquiv('a/b', '\\frac{a}{b}')).toBe(false);
    expect(hendrycksIsEquiv('\\sqrt', '\\sqrt')).toBe(true);
  });

  it('hendrycks answer: between the first and last "$", or the whole text', () => {
    expect(hendrycksAnswer(' The answer is $\\frac{1}{2}$ and $3$.')).toBe('\\frac{1}{2}$ and $3');
    expect(hendrycksAnswer(' 5$')).toBe(' 5$');
    expect(hendrycksAnswer(' 5')).toBe(' 5');
  });
});
