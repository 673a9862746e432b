import { charLength } from '../metrics/multiple-choice';

/** charLength is Python's len() (acc_norm divides by it): code points, as [...s].length counts them. */
describe('charLength', () => {
  it('counts code points: a surrogate pair is one, a lone surrogate is one', () => {
    const cases = ['', 'abc', ' héllo', '😀', 'a😀b', '\ud83d', '\ude00', '\ud83d\ud83d\ude00', '\ude00\ud83d', 'x\ud83d', '😀😀\ud800', '日本語'];
    for (const s of cases) expect([s, charLength(s)]).toEqual([s, [...s].length]);
  });

  it('agrees with [...s].length on random strings of BMP letters and surrogates', () => {
    const units = [0x41, 0xe9, 0xd83d, 0xde00, 0xdbff, 0xdc00];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 2000; k++) {
      const s = String.fromCharCode(...Array.from({ length: Math.floor(next() * 9) }, () => units[Math.floor(next() * units.length)]));
      expect(charLength(s)).toBe([...s].length);
    }
  });
});
