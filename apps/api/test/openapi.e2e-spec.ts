import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startApi } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

type Schema = { $ref?: string; example?: unknown; examples?: unknown; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[] };
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };

/** Whether a schema (following $refs, properties and items) shows an example somewhere. */
function schemaHasExample(doc: Doc, s: Schema | undefined, seen = new Set<string>()): boolean {
  if (!s) return false;
  if (s.example !== undefined || s.examples !== undefined) return true;
  if (s.$ref) {
    const name = s.$ref.split('/').pop()!;
    if (seen.has(name)) return false;
    seen.add(name);
    return schemaHasExample(doc, doc.components.schemas[name], seen);
  }
  return [...Object.values(s.properties ?? {}), ...(s.items ? [s.items] : []), ...(s.allOf ?? [])].some((x) => schemaHasExample(doc, x, seen));
}

/** An example of the request (parameters, body) or of the answer. */
function operationHasExample(doc: Doc, op: any): boolean {
  const contents = [op.requestBody?.content, ...Object.values(op.responses ?? {}).map((r: any) => r.content)].filter(Boolean);
  return (
    (op.parameters ?? []).some((p: any) => p.example !== undefined || schemaHasExample(doc, p.schema)) ||
    contents.some((c: Record<string, any>) => Object.values(c).some((m: any) => m.example !== undefined || m.examples !== undefined || schemaHasExample(doc, m.schema)))
  );
}

describe('the OpenAPI document at /docs/openapi.json', () => {
  let app: INestApplication;
  let doc: Doc;

  beforeAll(async () => {
    ({ app } = await startApi(AppModule, apiBootstrap));
    doc = (await request(app.getHttpServer()).get('/docs/openapi.json').expect(200)).body;
  });
  afterAll(async () => app?.close());

  it('gives every operation a summary and an example', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.summary) missing.push(`${method.toUpperCase()} ${path}: no summary`);
        if (!operationHasExample(doc, op)) missing.push(`${method.toUpperCase()} ${path}: no example`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
  });
});
