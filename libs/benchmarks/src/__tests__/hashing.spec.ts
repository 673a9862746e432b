import { docHash } from '../hashing';

describe('docHash', () => {
  // sha256(json.dumps(doc, indent=2, ensure_ascii=False)) computed by Python for this document.
  const LM_EVAL = '826086522a165987245e46259325e0e17f0a707417332aaac328230fd2493fc7';
  const doc = () => ({ ctx: 'A man "sits"', endings: ['é one', 'two'], label: 1 });

  it("is lm-evaluation-harness's doc_hash", () => {
    expect(docHash(doc())).toBe(LM_EVAL);
  });

  it('is the same when asked again for the same object (memoized) and for an equal copy', () => {
    const d = doc();
    expect(docHash(d)).toBe(LM_EVAL);
    expect(docHash(d)).toBe(LM_EVAL);
    expect(docHash({ ...d })).toBe(LM_EVAL);
    expect(docHash({ ...d, label: 2 })).not.toBe(LM_EVAL);
  });

  it('hashes documents that are not objects too', () => {
    expect(docHash('text')).toBe(docHash('text'));
    expect(docHash('text')).not.toBe(docHash('other'));
    expect(docHash(null)).toMatch(/^[0-9a-f]{64}$/);
  });
});
