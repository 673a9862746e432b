import { pySplitWhitespace, pyStrip } from '../python/str';
import type { Doc } from '../types';

// ---- WinoGrande (lm-eval tasks/winogrande/preprocess_winogrande.py) -------------------------------

/** Hugging Face allenai/winogrande fields, in its order: the self_talk export carries nine more. */
export function winograndeProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => ({ sentence: d.sentence, option1: d.option1, option2: d.option2, answer: String(d.answer) }));
}

const blank = (doc: Doc) => {
  const i = String(doc.sentence).indexOf('_');
  if (i < 0) throw new Error(`sentence has no "_" blank: ${JSON.stringify(doc.sentence)}`);
  return i;
};

/** doc_to_text: the gold index (lm-eval's "multiple input" form: each option is its own context). */
export function winograndeDocToText(doc: Doc): number {
  const gold = ({ '1': 0, '2': 1 } as Record<string, number>)[String(doc.answer)];
  if (gold === undefined) throw new Error(`answer must be "1" or "2", got ${JSON.stringify(doc.answer)}`);
  return gold;
}

/** doc_to_target: the sentence after the blank, stripped (the continuation both contexts share). */
export const winograndeDocToTarget = (doc: Doc): string => pyStrip(String(doc.sentence).slice(blank(doc) + 1));

/** doc_to_choice: the sentence up to the blank with each option filled in. */
export function winograndeDocToChoice(doc: Doc): string[] {
  const head = String(doc.sentence).slice(0, blank(doc));
  return [head + String(doc.option1), head + String(doc.option2)];
}

// ---- WSC273 (HF winograd_wsc builder + lm-eval tasks/wsc273/utils.py) -------------------------------

type XmlNode = string | Record<string, unknown> | undefined;

/** ElementTree's findtext(tag, ""): the text of the first child `tag` (before any sub-element). */
function findText(node: unknown, tag: string): string {
  const child = (node as Record<string, XmlNode> | undefined)?.[tag];
  const first = Array.isArray(child) ? child[0] : child;
  if (first === undefined || first === null) return '';
  return typeof first === 'string' ? first : String((first as Record<string, unknown>)['#text'] ?? '');
}

/** winograd_wsc _cleanup_whitespace: " ".join(text.split()). */
const cleanup = (s: string) => pySplitWhitespace(s).join(' ');
/** Python len(): code points. */
const len = (s: string) => Array.from(s).length;

/** One <schema> element as the Hugging Face winograd_wsc builder yields it. */
export function wscSchemaToDoc(schema: Record<string, unknown>): Doc {
  const text = schema.text;
  const quote = schema.quote;
  const left = cleanup(findText(text, 'txt1'));
  const right = cleanup(findText(text, 'txt2'));
  const quoteLeft = cleanup(findText(quote, 'quote1'));
  const quoteRight = cleanup(findText(quote, 'quote2'));
  const pronoun = cleanup(findText(text, 'pron'));
  const answers = (schema.answers as Record<string, unknown> | undefined)?.answer;
  const options = (Array.isArray(answers) ? answers : answers === undefined ? [] : [answers]).map((a) => cleanup(typeof a === 'string' ? a : String((a as Record<string, unknown>)['#text'] ?? '')));
  const pronounLoc = len(left) > 0 ? len(left) + 1 : 0;
  return {
    text: pyStrip([left, pronoun, right].join(' ')),
    pronoun,
    pronoun_loc: pronounLoc,
    quote: pyStrip([quoteLeft, pronoun, quoteRight].join(' ')),
    quote_loc: pronounLoc - (len(quoteLeft) > 0 ? len(quoteLeft) + 1 : 0),
    options,
    label: cleanup(findText(schema, 'correctAnswer')).includes('B') ? 1 : 0,
    source: cleanup(findText(schema, 'source')),
  };
}

const UPPER_PRONOUNS = ['A', 'An', 'The', 'She', 'He', 'It', 'They', 'My', 'His', 'Her', 'Their'];

/** lm-eval wsc273 utils.__normalize_option: "'s" for possessive pronouns, lower-case a capitalized first word mid-sentence. */
function normalizeOption(doc: Doc, option: string): string {
  let out = option;
  if (['my', 'his', 'her', 'our', 'their'].includes(String(doc.pronoun).toLowerCase())) out += "'s";
  const pronoun = pySplitWhitespace(out)[0];
  const cps = Array.from(String(doc.text));
  const at = (doc.pronoun_loc as number) - 2;
  const startOfSentence = cps[at < 0 ? cps.length + at : at] === '.';
  if (!startOfSentence && UPPER_PRONOUNS.includes(pronoun)) return out.split(pronoun).join(pronoun.toLowerCase());
  return out;
}

/**
 * The first 273 schemas of WSCollection.xml (read with `format: xml, field: schema`) as HF
 * winograd_wsc "wsc273" builds them, then lm-eval's utils.process_doc (double spaces, options
 * made to fit the partial context). Rows already in the HF shape skip the builder step.
 */
export function wsc273ProcessDocs(docs: Doc[]): Doc[] {
  const hf = docs.map((d) => (typeof d.text === 'string' && Array.isArray(d.options) ? { ...d, options: [...(d.options as string[])] } : wscSchemaToDoc(d)));
  return hf.slice(0, 273).map((doc) => {
    const out: Doc = { ...doc, text: String(doc.text).split('  ').join(' ') };
    const options = out.options as string[];
    out.options = [normalizeOption(out, options[0]), normalizeOption(out, options[1])];
    return out;
  });
}
