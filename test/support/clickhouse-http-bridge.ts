/**
 * The ClickHouse HTTP interface, answered by the real ClickHouse engine (chdb) in this process:
 * enough of the protocol for @clickhouse/client (queries with typed parameters and settings in the
 * URL, commands, JSONEachRow inserts, ping). It lets the HTTP store's own code — URL building,
 * parameter passing, insert streams, error handling — run in CI against the real engine.
 */
import { createServer, type Server } from 'node:http';
import { ChdbStore } from '../../src/store/chdb-store.ts';

function unescapeText(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
}

export interface Bridge {
  url: string;
  close(): Promise<void>;
}

export async function startClickHouseBridge(chdbDir: string): Promise<Bridge> {
  const stores = new Map<string, ChdbStore>();
  const storeFor = async (db: string) => {
    let s = stores.get(db);
    if (!s) {
      s = await ChdbStore.open(chdbDir, db);
      stores.set(db, s);
    }
    return s;
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://bridge');
    if (url.pathname === '/ping') {
      res.end('Ok.\n');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const params: Record<string, unknown> = {};
    // Parameter values arrive in ClickHouse's escaped text form; the engine binding escapes again.
    for (const [k, v] of url.searchParams) if (k.startsWith('param_')) params[k.slice(6)] = unescapeText(v);
    const database = url.searchParams.get('database') ?? 'default';
    try {
      const store = await storeFor(database);
      const urlQuery = url.searchParams.get('query');
      let text: string;
      if (urlQuery && /^\s*INSERT\b/i.test(urlQuery)) {
        // INSERT … FORMAT JSONEachRow with the rows as the body.
        const m = /^\s*INSERT\s+INTO\s+(\S+)\s*(\(([^)]*)\))?\s*FORMAT\s+JSONEachRow\s*$/i.exec(urlQuery);
        if (!m) throw new Error(`bridge: unsupported insert ${urlQuery}`);
        const columns = m[3] ? m[3].split(',').map((c) => c.trim().replace(/`/g, '')) : undefined;
        const table = m[1]!.replace(/`/g, '');
        const cols = columns ? `(${columns.join(', ')})` : '';
        text = await store.raw(`INSERT INTO ${table} ${cols} FORMAT JSONEachRow\n${body}`, {});
      } else {
        const sql = (urlQuery ? `${urlQuery}\n` : '') + body;
        const formatted = /\bFORMAT\s+\w+\s*$/i.exec(sql);
        const format = formatted ? formatted[0].trim().split(/\s+/)[1]! : (url.searchParams.get('default_format') ?? 'TabSeparated');
        text = await store.raw(formatted ? sql.slice(0, formatted.index) : sql, params, format);
      }
      res.setHeader('X-ClickHouse-Summary', '{"read_rows":"0"}');
      res.end(text);
    } catch (error) {
      const message = (error as Error).message;
      res.statusCode = 500;
      res.setHeader('X-ClickHouse-Exception-Code', String((error as { clickhouseCode?: number }).clickhouseCode ?? 1000));
      res.end(message.startsWith('Code:') ? message : `Code: 1000. DB::Exception: ${message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Never keep a test process alive: clients hold keep-alive sockets open.
  server.unref();
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
