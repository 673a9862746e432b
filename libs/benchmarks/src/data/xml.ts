import { XMLParser } from 'fast-xml-parser';
import { DomainException, ErrorCode } from '@app/contracts';
import type { Doc } from '../types';

const invalid = (file: string, message: string) => new DomainException(ErrorCode.InvalidInput, `dataset file ${file}: ${message}`, { file });

/** The text of an XML file in the encoding its declaration names (UTF-8 without one). */
export function decodeXml(bytes: Buffer, file: string): string {
  const head = bytes.toString('latin1', 0, Math.min(bytes.length, 200));
  const declared = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') {
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) throw invalid(file, 'is not valid UTF-8 text (and declares no other encoding)');
    return text.replace(/^\uFEFF/, '');
  }
  if (['iso-8859-1', 'latin1', 'latin-1', 'iso8859-1', 'us-ascii', 'ascii'].includes(declared)) return bytes.toString('latin1');
  throw invalid(file, `declares the encoding "${declared}"; UTF-8 and ISO-8859-1 are supported`);
}

/**
 * An XML file as documents: every `field` element below the root element is one document, converted
 * as fast-xml-parser converts elements (an element of text alone is its text, untrimmed and as a
 * string; one with children is an object of them, repeated children a list, text beside children
 * under "#text"; attributes are dropped). What a Hugging Face builder does with the elements
 * (ElementTree's findtext, whitespace clean-up) is the task's process_docs.
 */
export function parseXmlDocs(bytes: Buffer, file: string, field: string | undefined): Doc[] {
  if (!field) throw invalid(file, 'is XML: set dataset_kwargs.field to the element that is one document (e.g. "schema")');
  const parser = new XMLParser({ ignoreAttributes: true, trimValues: false, parseTagValue: false, ignoreDeclaration: true, ignorePiTags: true, textNodeName: '#text' });
  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(decodeXml(bytes, file), true) as Record<string, unknown>;
  } catch (err) {
    throw invalid(file, `is not well-formed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const roots = Object.keys(tree).filter((k) => k !== '#text');
  if (roots.length !== 1) throw invalid(file, `should have one root element, found ${roots.length}`);
  const root = tree[roots[0]];
  const items = root !== null && typeof root === 'object' ? (root as Record<string, unknown>)[field] : undefined;
  if (items === undefined) throw invalid(file, `has no <${field}> element below its root <${roots[0]}>`);
  return (Array.isArray(items) ? items : [items]).map((d) => (d !== null && typeof d === 'object' ? (d as Doc) : { '#text': d }));
}
