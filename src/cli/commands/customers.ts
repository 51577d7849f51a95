import type { Command } from 'commander';
import {
  type CustomerSearchResult,
  type CustomerTimeline,
  getCustomerTimeline,
  searchCustomers,
} from '../../analysis/customer-timeline.ts';
import { globalOptions, print, runOn } from '../target.ts';

function renderTimeline(t: CustomerTimeline): string {
  const head = `${t.personId}${t.traits.email ? ` <${String(t.traits.email)}>` : ''}: ${t.totals.events} events, ${t.totals.orders} orders, revenue ${t.totals.revenue.toFixed(2)}`;
  const rows = t.events.map(
    (e) =>
      `${e.timestamp}  ${e.touchpoint.padEnd(44)} ${e.revenue === null ? '' : e.revenue.toFixed(2).padStart(9)}${e.stage_entered ? `  ▶ ${e.stage_entered}` : ''}`,
  );
  return [head, ...(t.truncated ? [`(latest ${t.events.length} events)`] : []), ...rows].join('\n');
}

function renderSearch(rows: CustomerSearchResult[]): string {
  if (rows.length === 0) return '(no customers)';
  return rows
    .map(
      (r) =>
        `${r.personId.padEnd(40)} ${(r.email || r.name).padEnd(36)} ${String(r.events).padStart(6)} events ${r.revenue.toFixed(2).padStart(10)}  last ${r.lastSeen.slice(0, 10)}`,
    )
    .join('\n');
}

export function registerCustomerCommands(program: Command): void {
  program
    .command('customer <id>')
    .description("one customer's timeline across channels and devices (person id, user id, anonymous id or email)")
    .option('--limit <n>', 'latest events to show', '500')
    .option('--journey <id>', 'journey whose stage entries are marked')
    .action(async (id: string, o: { limit: string; journey?: string }, command: Command) => {
      const opts = globalOptions(command);
      const limit = Number(o.limit);
      const route = `/api/v1/customers/${encodeURIComponent(id)}/timeline?limit=${limit}${o.journey ? `&journeyId=${encodeURIComponent(o.journey)}` : ''}`;
      const result = await runOn(opts, 'GET', route, undefined, (store, project) =>
        getCustomerTimeline(store, project.id, id, { limit, journeyId: o.journey }),
      );
      print(opts, result, renderTimeline);
    });
  program
    .command('customers <query>')
    .description('find customers by id prefix, email or name')
    .action(async (query: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const { customers } = await runOn(
        opts,
        'GET',
        `/api/v1/customers?q=${encodeURIComponent(query)}`,
        undefined,
        async (store, project) => ({ customers: await searchCustomers(store, project.id, query) }),
      );
      print(opts, customers, renderSearch);
    });
}
