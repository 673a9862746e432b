import { isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { taskError } from '../errors';
import type { GroupConfig, TaskConfig } from '../types';

/** One YAML document of a task file, with the line of every field path (for error messages). */
export interface ParsedYamlDoc {
  kind: 'task' | 'group';
  config: TaskConfig | GroupConfig;
  lines: Map<string, number>;
  source: string;
}

/** lm-eval's `!function module.fn` tag: a reference to a registered function. */
const functionTag = {
  tag: '!function',
  resolve: (value: string) => ({ function: value }),
};

function collectLines(node: unknown, path: string, lc: LineCounter, out: Map<string, number>): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = path ? `${path}.${key}` : key;
      const range = (pair.key as Node | null)?.range;
      if (range) out.set(p, lc.linePos(range[0]).line);
      collectLines(pair.value, p, lc, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const p = `${path}[${i}]`;
      const range = (item as Node | null)?.range;
      if (range) out.set(p, lc.linePos(range[0]).line);
      collectLines(item, p, lc, out);
    });
  }
}

/**
 * Parses lm-eval style task YAML (one or more `---` documents; `!function` tags). Malformed YAML is
 * reported with its line and column and the task name when it can be seen.
 */
export function parseTaskYaml(text: string, source = 'yaml'): ParsedYamlDoc[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, customTags: [functionTag], prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(docs)) throw taskError({ source }, 'is empty (no YAML document)');
  const out: ParsedYamlDoc[] = [];
  for (const doc of docs) {
    const segment = doc.range ? text.slice(doc.range[0], doc.range[2]) : text;
    const guess = /^(?:task|group):\s*["']?([^"'\n#]+)/m.exec(segment)?.[1]?.trim();
    if (doc.errors.length) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw taskError({ task: guess, source, line: pos?.line }, `malformed YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${first}`);
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw taskError({ task: guess, source }, `malformed YAML: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw taskError({ task: guess, source, line: doc.contents.range ? lc.linePos(doc.contents.range[0]).line : undefined }, 'a task YAML document must be a mapping of fields');
    }
    const lines = new Map<string, number>();
    collectLines(doc.contents, '', lc, lines);
    const v = value as Record<string, unknown>;
    const isGroup = 'group' in v && 'task' in v && Array.isArray(v.task) && !('dataset_path' in v) && !('doc_to_text' in v);
    out.push({ kind: isGroup ? 'group' : 'task', config: v as unknown as TaskConfig | GroupConfig, lines, source });
  }
  if (out.length === 0) throw taskError({ source }, 'is empty (no YAML document)');
  return out;
}
