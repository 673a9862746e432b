import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';

/** Routes that take a text body, by content type: YAML task definitions and CSV tables of published scores. */
const TEXT_BODIES: { method: string; url: string; types: string[]; limitBytes: number }[] = [
  { method: 'POST', url: '/v1/benchmarks', types: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], limitBytes: 2 * 1024 * 1024 },
  { method: 'POST', url: '/v1/density/imports', types: ['text/csv'], limitBytes: 10 * 1024 * 1024 },
];

/** A request body that is not JSON although its content type says so (400 invalid_json, with the parser's reason). */
export class InvalidJsonBodyError extends Error {
  readonly statusCode = 400;
}

/**
 * Request bodies: JSON everywhere (parsed as Fastify does, refusing __proto__ and constructor keys; an empty body
 * with a JSON content type is an empty object, as clients that always send the header expect), text only where a
 * route takes it (elsewhere the body is left out, and the endpoint's own validation says what it takes).
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, {});
    try {
      done(null, sjson.parse(body as string, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      done(new InvalidJsonBodyError(`request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
  for (const type of [...new Set(TEXT_BODIES.flatMap((t) => t.types))]) {
    const routes = TEXT_BODIES.filter((t) => t.types.includes(type));
    const limit = Math.max(...routes.map((r) => r.limitBytes));
    fastify.addContentTypeParser(type, { parseAs: 'string', bodyLimit: limit }, (req: FastifyRequest, body, done) => {
      done(null, routes.some((r) => r.method === req.method && r.url === req.routeOptions.url) ? body : undefined);
    });
  }
}
