/**
 * The OpenAPI document, generated from the routes themselves: every registered route is
 * collected as it is added, and a route that passes `config: { openapi: { summary, body, query } }`
 * contributes its zod schemas (converted with zod's JSON Schema support).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';

export interface RouteDoc {
  summary?: string;
  body?: z.ZodType;
  query?: z.ZodType;
}

interface CollectedRoute {
  method: string;
  url: string;
  doc?: RouteDoc;
}

/** `app.post(url, doc('Funnel conversion', funnelBodySchema), handler)` */
export function doc(summary: string, body?: z.ZodType, query?: z.ZodType): { config: { openapi: RouteDoc } } {
  return { config: { openapi: { summary, body, query } } };
}

function jsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return { type: 'object' };
  }
}

function tagOf(url: string): string {
  if (url.startsWith('/v1/') || url.startsWith('/beacon/') || url === '/sourceConfig') return 'collection';
  return url.split('/')[3] ?? 'system';
}

export function collectRoutes(app: FastifyInstance): () => Record<string, unknown> {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (!route.url.startsWith('/api/') && !route.url.startsWith('/v1/') && !route.url.startsWith('/beacon/')) continue;
      routes.push({ method: method.toLowerCase(), url: route.url, doc: (route.config as { openapi?: RouteDoc } | undefined)?.openapi });
    }
  });
  return () => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const operation: Record<string, unknown> = {
        tags: [tagOf(r.url)],
        summary: r.doc?.summary,
        security: r.url.startsWith('/api/') ? [{ secretKey: [] }, { session: [] }] : [{ writeKey: [] }],
        responses: {
          '200': { description: 'OK' },
          '400': { description: 'invalid input (the error names the field)' },
          '401': { description: 'missing or unknown key' },
        },
      };
      if (params.length) operation.parameters = params;
      if (r.doc?.query)
        operation.parameters = [...params, { name: 'query', in: 'query', style: 'form', explode: true, schema: jsonSchema(r.doc.query) }];
      // GET and DELETE carry no body in HTTP: their inputs are documented as query parameters.
      if (r.doc?.body && r.method !== 'get' && r.method !== 'delete')
        operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.doc.body) } } };
      (paths[path] ??= {})[r.method] = operation;
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Waymark API', version: '1' },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'a project secret key' },
          session: { type: 'apiKey', in: 'cookie', name: 'waymark_session' },
          writeKey: { type: 'http', scheme: 'basic', description: 'the write key as the username' },
        },
      },
      paths,
    };
  };
}
