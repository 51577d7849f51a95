import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer('duckdb');
});
after(async () => t.close());

it('publishes an OpenAPI document generated from the routes and their schemas', async () => {
  const response = await fetch(`${t.url}/api/v1/openapi.json`);
  assert.equal(response.status, 200);
  const spec = (await response.json()) as any;
  assert.equal(spec.openapi, '3.1.0');
  const funnel = spec.paths['/api/v1/funnels'].post;
  assert.equal(funnel.summary, 'Funnel conversion, drop-off and time to convert');
  const body = funnel.requestBody.content['application/json'].schema;
  assert.ok(body.properties.steps, 'the funnel body documents its steps');
  assert.ok(body.properties.windowSeconds);
  assert.deepEqual(spec.paths['/api/v1/initiatives/{id}/report'].get.parameters[0], {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
  });
  assert.ok(spec.paths['/v1/batch'].post, 'collection endpoints are listed');
  const undocumented = Object.entries(spec.paths as Record<string, Record<string, { summary?: string }>>)
    .flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m} ${path}`, op.summary] as const))
    .filter(([name, summary]) => name.includes('/api/') && !summary && !name.includes('openapi'));
  assert.deepEqual(undocumented, [], 'every read API route has a summary');
});

it('gives no GET or DELETE operation a request body', async () => {
  const spec = (await (await fetch(`${t.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  };
  const withBody = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method, op]) => (method === 'get' || method === 'delete') && op.requestBody)
      .map(([method]) => `${method} ${path}`),
  );
  assert.deepEqual(withBody, []);
});
