/**
 * "Share" in the header: creates a read-only link to the current view with its URL state
 * (POST /api/v1/shares; the server scopes the link to that one view's requests), shows the URL to
 * copy, and lists the project's links with their expiry and a way to revoke them.
 */
import { useState } from 'react';
import { Badge, Button, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { ApiError, api, get, post } from '../api.ts';
import { useData } from '../data.ts';
import { useLocation } from '../url-state.ts';

interface ShareLink {
  id: string;
  path: string;
  state: Record<string, string>;
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const EXPIRY = [
  { value: '24', label: '1 day' },
  { value: '168', label: '7 days' },
  { value: '720', label: '30 days' },
  { value: '2160', label: '90 days' },
];

/** The URL state worth keeping in a link: filters and view settings, not the project (the link names it) or an older token. */
function stateOf(params: URLSearchParams): Record<string, string> {
  const state: Record<string, string> = {};
  for (const [k, v] of params) if (k !== 'project' && k !== 'share') state[k] = v;
  return state;
}

function statusOf(s: ShareLink): { label: string; color: string } {
  if (s.revokedAt) return { label: 'revoked', color: 'gray' };
  if (Date.parse(s.expiresAt) <= Date.now()) return { label: 'expired', color: 'gray' };
  return { label: `until ${s.expiresAt.slice(0, 10)}`, color: 'teal' };
}

export function ShareButton({ viewId, title }: { viewId: string; title: string }) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button size="compact-sm" variant="default" onClick={() => setOpened(true)} aria-label={`Share ${title}`}>
        Share
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Share ${title} (read-only)`} size="lg">
        {opened && <ShareDialog viewId={viewId} title={title} />}
      </Modal>
    </>
  );
}

function ShareDialog({ viewId, title }: { viewId: string; title: string }) {
  const { params } = useLocation();
  const [label, setLabel] = useState(title);
  const [hours, setHours] = useState('168');
  const [created, setCreated] = useState<string>('');
  const [msg, setMsg] = useState('');
  const [version, setVersion] = useState(0);
  const links = useData(`shares:${version}`, (s) => get<{ shares: ShareLink[] }>('/api/v1/shares', s).then((r) => r.shares));
  const act = async (fn: () => Promise<void>) => {
    try {
      setMsg('');
      await fn();
      setVersion((v) => v + 1);
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  const create = () =>
    act(async () => {
      const r = await post<ShareLink & { url: string }>('/api/v1/shares', {
        path: `/${viewId}`,
        state: stateOf(params),
        label,
        expiresInHours: Number(hours),
      });
      setCreated(window.location.origin + r.url);
    });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Anyone with the link sees this view with its current filters, without signing in, until it expires or is revoked. It reads only this
        view&apos;s figures: no people lists, no other pages, no changes.
      </Text>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <TextInput label="Label" size="xs" value={label} onChange={(e) => setLabel(e.currentTarget.value)} w={220} />
        <Select
          label="Expires after"
          size="xs"
          data={EXPIRY}
          value={hours}
          onChange={(v) => v && setHours(v)}
          allowDeselect={false}
          w={120}
        />
        <Button size="xs" onClick={() => void create()}>
          Create link
        </Button>
      </Group>
      {created && (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            label="Link (shown once: copy it now)"
            size="xs"
            readOnly
            value={created}
            data-testid="share-url"
            style={{ flex: 1, minWidth: 0 }}
            onFocus={(e) => e.currentTarget.select()}
          />
          <CopyButton value={created}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {msg && (
        <Text size="xs" c="red" role="status">
          {msg}
        </Text>
      )}
      <Text size="sm" fw={600}>
        Links of this project
      </Text>
      {links.data && links.data.length === 0 && (
        <Text size="xs" c="dimmed">
          No links yet.
        </Text>
      )}
      {links.data && links.data.length > 0 && (
        <Table.ScrollContainer minWidth={420}>
          <Table fz="xs" data-testid="share-links">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>View</Table.Th>
                <Table.Th>Label</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {links.data.map((s) => {
                const st = statusOf(s);
                return (
                  <Table.Tr key={s.id} data-share={s.id}>
                    <Table.Td>{s.path}</Table.Td>
                    <Table.Td>{s.label || '–'}</Table.Td>
                    <Table.Td>
                      <Badge size="xs" variant="light" color={st.color}>
                        {st.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {!s.revokedAt && (
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          onClick={() => void act(async () => void (await api('DELETE', `/api/v1/shares/${encodeURIComponent(s.id)}`)))}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
