/**
 * Call tracking: CallRail's webhook (POST /v1/calls/callrail?writeKey=…), signed with the
 * project's secret over the raw body, becomes a Call Completed message in the normal pipeline;
 * PUT /api/v1/calls/settings sets the secret and the signature header. Admission (bytes in flight,
 * backlog) and durability are collection's own: both go through ingest().
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CallRecordError, callToMessage } from '../../calls/callrail.ts';
import { getCallTrackingSettings, setCallTrackingSettings } from '../../calls/settings.ts';
import { verifySignature } from '../../calls/signature.ts';
import { ingest } from '../../ingestion/ingest.ts';
import { HttpError, requireProject, writeKeyOf } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';
import { admissionHook, refusal } from './collect.ts';

const settingsBody = z.object({
  secret: z.string().min(16),
  header: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
});

export function registerCallRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.put('/api/v1/calls/settings', doc('Call-tracking webhook secret and header', settingsBody), async (request) => {
    const project = await requireProject(request, ctx);
    const input = settingsBody.parse(request.body);
    const saved = await setCallTrackingSettings(ctx.store, project.id, input);
    return { header: saved.header };
  });

  // The signature covers the exact bytes sent, so this route keeps the raw body.
  app.register(async (child) => {
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    child.post('/v1/calls/callrail', { onRequest: admissionHook(ctx) }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const writeKey = writeKeyOf(request, undefined);
      const project = writeKey ? await ctx.projects.byWrite(writeKey) : undefined;
      if (!project) throw new HttpError(401, 'unknown or missing write key (?writeKey=…)');
      const settings = await getCallTrackingSettings(ctx.store, project.id);
      if (!settings) throw new HttpError(401, 'call tracking has no secret yet: PUT /api/v1/calls/settings {"secret": …}');
      const header = request.headers[settings.header];
      if (!verifySignature(settings.secret, raw, Array.isArray(header) ? header[0] : header))
        throw new HttpError(401, `bad or missing signature in the "${settings.header}" header`);
      let call: unknown;
      try {
        call = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HttpError(400, 'body must be JSON');
      }
      if (!call || typeof call !== 'object' || Array.isArray(call)) throw new HttpError(400, 'body must be a JSON object');
      let message: Record<string, unknown>;
      try {
        message = callToMessage(call as Record<string, unknown>);
      } catch (e) {
        if (e instanceof CallRecordError) throw new HttpError(400, e.message);
        throw e;
      }
      let outcome;
      try {
        outcome = await ingest(ctx, project, [message], { endpointType: 'track' });
      } catch (error) {
        throw refusal(error, reply);
      }
      if (outcome.rejected.length > 0)
        throw new HttpError(outcome.rejected[0]!.status, `${outcome.rejected[0]!.field}: ${outcome.rejected[0]!.message}`);
      return { success: true, accepted: outcome.accepted, messageId: message.messageId };
    });
  });
}
