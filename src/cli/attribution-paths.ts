/**
 * Attribution straight from a ChannelAttribution-format paths file; the CLI's
 * `waymark attribution --paths FILE --model M --json` prints the result of this.
 */
import { readPathsFile, type ParsePathsOptions } from '../attribution/paths-file.ts';
import { runModel } from '../attribution/models/index.ts';
import type { AttributionResult, ModelOptions } from '../attribution/models/types.ts';

export function attributeFromPathsFile(file: string, model: string, options: ModelOptions & ParsePathsOptions = {}): AttributionResult {
  return runModel(model, readPathsFile(file, options), options);
}

/** The JSON shape the CLI prints: { model, channels: [{ channel, conversions, value, share }] }. */
export function toCliJson(result: AttributionResult): {
  model: string;
  channels: { channel: string; conversions: number; value: number; share: number; low?: number; high?: number }[];
} {
  return {
    model: result.model,
    channels: result.channels.map((r) => ({
      channel: r.channel,
      conversions: r.conversions,
      value: r.value,
      share: r.share,
      ...(r.low !== undefined ? { low: r.low, high: r.high } : {}),
    })),
  };
}
