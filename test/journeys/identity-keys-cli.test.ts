/**
 * `waymark projects identity-keys` shows a project's identity keys and sets them; new keys link the
 * identifies already stored, so an in-store order sent under the customer id joins its person.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { parseIdentityKeys } from '../../src/cli/commands/projects.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createProject } from '../../src/projects/projects.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/waymark.js');

describe('identity keys from the command line', () => {
  const dataDir = tempDir();
  const waymark = async (...args: string[]) => (await run('node', [bin, '--data', dataDir, ...args])).stdout;
  let projectId = '';
  before(async () => {
    const config = loadConfig({ dataDir });
    const store = await openStore(config.store, config.dataDir);
    projectId = (await createProject(store, 'Shop')).project.id;
    await ingest(store, projectId, [
      { type: 'identify', messageId: 'id-ann', userId: 'u-ann', timestamp: '2026-04-01T10:00:00Z', traits: { loyalty_no: 'L-5' } },
      {
        type: 'track',
        event: 'Order Completed',
        messageId: 'pos-1',
        anonymousId: 'loyalty_no:L-5',
        timestamp: '2026-04-02T10:00:00Z',
        properties: { order_id: 'pos-1', revenue: 25 },
      },
    ]);
    await store.close();
  });

  it('reads "trait[:kind]" lists: a trait named like a kind takes it, any other is an id', () => {
    assert.deepEqual(parseIdentityKeys('email, phone_sha256,loyalty_no,crm:id'), [
      { trait: 'email', kind: 'email' },
      { trait: 'phone_sha256', kind: 'phone_sha256' },
      { trait: 'loyalty_no', kind: 'id' },
      { trait: 'crm', kind: 'id' },
    ]);
    assert.throws(() => parseIdentityKeys('mobile:fax'), /kind must be one of phone, email, phone_sha256, email_sha256, id/);
  });

  it('shows the default keys, sets new ones and links the stored identifies by them', async () => {
    assert.equal(
      (await waymark('projects', 'identity-keys')).trim(),
      'phone:phone, phone_sha256:phone_sha256, email:email, email_sha256:email_sha256',
    );
    const set = JSON.parse(await waymark('projects', 'identity-keys', 'email,loyalty_no', '--json'));
    assert.deepEqual(set, {
      identityKeys: [
        { trait: 'email', kind: 'email' },
        { trait: 'loyalty_no', kind: 'id' },
      ],
      linksAdded: 1,
    });
    assert.equal((await waymark('projects', 'identity-keys')).trim(), 'email:email, loyalty_no:id');
    const config = loadConfig({ dataDir });
    const store = await openStore(config.store, config.dataDir);
    try {
      const q = new QueryBuilder(store.dialect);
      const [r] = await store.query(
        q.build(`SELECT person_id FROM events WHERE project_id = ${q.str(projectId)} AND message_id = 'pos-1'`),
      );
      assert.equal(r?.person_id, 'u-ann');
    } finally {
      await store.close();
    }
  });
});
