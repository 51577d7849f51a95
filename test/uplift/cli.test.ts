/**
 * The predict-and-act commands from a terminal: each has help for every option, refuses a bad
 * input by naming its flag, and prints headed tables whose figures are the analysis's own, in
 * business units (rates as %, effects in percentage points, money with its currency).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerCommands } from '../../src/cli/commands/index.ts';
import { fmtInt, fmtMoney, fmtPct, fmtPoints } from '../../src/format/numbers.ts';
import { createProject } from '../../src/projects/projects.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { UpliftResult } from '../../src/uplift/uplift.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';
import { simulate } from './generator.ts';

const waymark = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/waymark.js', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 180_000 });

describe('predict-and-act commands', { timeout: 600_000 }, () => {
  let dataDir: string;
  before(async () => {
    dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, simulate().messages);
    await store.close();
  });

  it('documents every option of every predict-and-act command', () => {
    const program = new Command();
    registerCommands(program);
    const find = (path: string[]) => path.reduce<Command | undefined>((c, name) => c?.commands.find((x) => x.name() === name), program);
    const commands = [
      ['personas', 'discover'],
      ['predict', 'propensity'],
      ['uplift'],
      ['anomalies'],
      ['audiences', 'create'],
      ['audiences', 'list'],
      ['audiences', 'sync'],
      ['audiences', 'export'],
    ];
    for (const path of commands) {
      const command = find(path);
      assert.ok(command, path.join(' '));
      assert.ok(command.description().length > 20, `${path.join(' ')} has a description`);
      for (const option of command.options) assert.ok(option.description.length > 5, `${path.join(' ')} ${option.flags} has a description`);
    }
  });

  it('refuses bad inputs naming the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['personas', 'discover', '--criterion', 'gap'], /--criterion: silhouette or bic, not "gap"/],
      [['personas', 'discover', '--k', '1'], /--k: a whole number from 2 to 12/],
      [['predict', 'propensity', '--days', '0'], /--days \(item 1\): Too small/],
      [['predict', 'propensity', '--as-of', 'yesterday'], /--as-of: expected a date/],
      [['uplift', '--experiment', 'offer-test', '--holdout-fraction', '0.9'], /--holdout-fraction: Too big/],
      [['uplift', '--experiment', 'offer-test', '--costs', '[1]'], /--costs: .*record/],
      [['uplift', '--experiment', 'no-such-test'], /experiment: no exposures of "no-such-test"/],
      [['anomalies', '--recent-days', '0'], /--recent-days: Too small/],
      [['anomalies', '--kpi', 'profit'], /kpi: "profit" is not one of/],
      [['audiences', 'create', '--name', 'x', '--model', 'propensity', '--params', '{"deciles":[11]}'], /--params \(deciles, item 1\)/],
      [['audiences', 'create', '--name', 'x', '--model', 'nope'], /source\.model: no audience model "nope"/],
    ];
    for (const [args, message] of cases) {
      const r = waymark(dataDir, ...args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /"code":|^\s*\[/m, 'no validator JSON');
    }
  });

  it('prints the uplift tables with the analysis figures, in business units', () => {
    const args = ['uplift', '--experiment', 'offer-test', '--control', '0', '--costs', '{"1":0.05,"2":0.02}', '--actions', '1,2,sms'];
    const json = JSON.parse(waymark(dataDir, ...args, '--json').stdout) as UpliftResult;
    const text = waymark(dataDir, ...args);
    assert.equal(text.status, 0, text.stderr);
    const out = text.stdout;
    for (const a of json.arms)
      assert.match(
        out,
        new RegExp(
          `^${a.variation}(?: \\(control\\))? +${fmtInt(a.persons)} +${fmtInt(a.conversions)} +${fmtPct(a.rate).replace('.', '\\.')}$`,
          'm',
        ),
      );
    const t1 = json.treatments.find((t) => t.variation === '1')!;
    assert.ok(out.includes(`average effect ${fmtPoints(t1.ate.estimate, 2)}`));
    assert.match(out, /targeting by the model: its holdout Qini beats shuffled scores/);
    assert.match(out, new RegExp(`^persuadables \\(buy only if treated\\) +${fmtInt(t1.segments.persuadables)} +`, 'm'));
    assert.match(out, new RegExp(`^1 +yes +${fmtMoney(0.05).replace('$', '\\$')} +${fmtInt(json.nextBestAction.counts['1']!)}$`, 'm'));
    assert.match(out, /^sms +no \(never recommended\) +– +0$/m);
    assert.match(out, new RegExp(`^no action +– +${fmtInt(json.nextBestAction.counts['no action']!)}$`, 'm'));
  });
});
