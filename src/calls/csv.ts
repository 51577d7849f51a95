/** A CSV of calls (CallRail export columns, see callrail.ts) as Call Completed messages. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { CallRecordError, callToMessage } from './callrail.ts';

export async function* readCallsCsv(path: string): AsyncGenerator<Record<string, unknown>> {
  const parser = createReadStream(path).pipe(
    parse({ columns: (h: string[]) => h.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_')), skip_empty_lines: true, trim: true }),
  );
  let line = 1;
  for await (const record of parser) {
    line++;
    try {
      yield callToMessage(record as Record<string, string>);
    } catch (e) {
      if (e instanceof CallRecordError) throw new CallRecordError(`line ${line}: ${e.message}`);
      throw e;
    }
  }
}
