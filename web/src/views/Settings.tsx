/** Settings: projects and keys, tracking snippet, reporting settings, journeys, personas, spend upload, team. */
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  JsonInput,
  NumberInput,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  PasswordInput,
  FileInput,
} from '@mantine/core';
import { api, ApiError, get, post, upload, type User } from '../api.ts';
import { CopyField, Snippet } from '../components/Snippet.tsx';
import { ErrorNote } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { JourneyStageEditor, PersonaEditor } from './JourneyEditor.tsx';
import { useDrill } from '../components/PeopleDrawer.tsx';
import { fmtInt, fmtPct } from '../format.ts';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" p="md" component="section" aria-label={title}>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

export function Settings() {
  const s = useSession();
  const canEdit = s.user.role !== 'viewer';
  return (
    <Stack gap="md">
      <Title order={2}>Settings</Title>
      {!canEdit && <Alert color="gray">You are a viewer: settings are read-only.</Alert>}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Keys />
        <Projects />
        <Reporting />
        <SpendUpload />
        {canEdit && <JourneyStageEditor />}
        {canEdit && <PersonaEditor />}
        <DocumentEditor
          kind="journeys"
          title="Journey stages (JSON)"
          hint="A journey: ordered stages, each entered at the first event matching one of its rules."
        />
        <DocumentEditor kind="personas" title="Personas (JSON)" hint="A persona: a name and a segment (rules on traits or behaviour)." />
        <PersonaSizes />
        {s.user.role === 'owner' && <Team />}
      </SimpleGrid>
    </Stack>
  );
}

function Keys() {
  const s = useSession();
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  return (
    <Section title={`Keys and tracking snippet — ${s.project.name}`}>
      <Stack gap="sm">
        <Snippet writeKey={s.project.writeKey} />
        <Text size="sm">
          The secret key reads data through the API and the CLI (<Code>--server {window.location.origin} --key …</Code>). It is stored
          hashed, so it can only be replaced.
        </Text>
        {secret ? (
          <Alert color="yellow" title="New secret key (shown once)">
            <CopyField label="Secret key" value={secret} />
          </Alert>
        ) : (
          <Group>
            <Button
              variant="default"
              size="xs"
              disabled={s.user.role === 'viewer'}
              onClick={async () => {
                if (!window.confirm('Replace the secret key? Scripts using the old one stop working.')) return;
                try {
                  setSecret((await post<{ secretKey: string }>(`/api/v1/projects/${s.project.id}/secret-key`, {})).secretKey);
                } catch (e) {
                  setError(errorText(e));
                }
              }}
            >
              New secret key
            </Button>
          </Group>
        )}
        {error && <Alert color="red">{error}</Alert>}
      </Stack>
    </Section>
  );
}

function Projects() {
  const s = useSession();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; secretKey: string } | null>(null);
  const [error, setError] = useState('');
  return (
    <Section title="Projects">
      <Table fz="sm" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Write key</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {s.projects.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.name}</Table.Td>
              <Table.Td>{p.createdAt.slice(0, 10)}</Table.Td>
              <Table.Td>
                <Code>{p.writeKey}</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {s.user.role !== 'viewer' && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setError('');
            try {
              const r = await post<{ name: string; secretKey: string }>('/api/v1/projects', { name });
              setCreated(r);
              setName('');
            } catch (err) {
              setError(errorText(err));
            }
          }}
        >
          <Group mt="sm" align="flex-end">
            <TextInput label="New project" size="xs" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
            <Button type="submit" size="xs">
              Create
            </Button>
          </Group>
        </form>
      )}
      {created && (
        <Alert color="yellow" mt="sm" title={`Project "${created.name}" created — its secret key is shown once`}>
          <CopyField label="Secret key" value={created.secretKey} />
          <Button size="compact-xs" mt="xs" variant="default" onClick={s.refresh}>
            Done
          </Button>
        </Alert>
      )}
      {error && <Alert color="red">{error}</Alert>}
    </Section>
  );
}

function Reporting() {
  const s = useSession();
  const [currency, setCurrency] = useState(s.project.settings.reportingCurrency);
  const [margin, setMargin] = useState<number | string>(s.project.settings.margin * 100);
  const [domains, setDomains] = useState(s.project.settings.domains.join(', '));
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <Section title="Reporting">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api('PATCH', '/api/v1/project/settings', {
              reportingCurrency: currency.toUpperCase(),
              margin: Number(margin) / 100,
              domains: domains
                .split(',')
                .map((d) => d.trim())
                .filter(Boolean),
            });
            setMsg({ ok: true, text: 'Saved.' });
          } catch (err) {
            setMsg({ ok: false, text: errorText(err) });
          }
        }}
      >
        <Stack gap="xs">
          <TextInput
            label="Reporting currency"
            size="xs"
            value={currency}
            maxLength={3}
            onChange={(e) => setCurrency(e.currentTarget.value)}
            w={160}
          />
          <NumberInput
            label="Gross margin (%)"
            description="For ROI: profit per unit of revenue"
            size="xs"
            value={margin}
            min={0}
            max={100}
            onChange={setMargin}
            w={220}
          />
          <TextInput
            label="Own domains"
            description="Comma-separated; a referrer on one of them (or a subdomain) continues the visit's source"
            size="xs"
            value={domains}
            onChange={(e) => setDomains(e.currentTarget.value)}
          />
          <Group>
            <Button type="submit" size="xs" disabled={s.user.role === 'viewer'}>
              Save
            </Button>
            <SaveStatus msg={msg} />
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** RFC 4180 CSV to objects keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.some((c) => c.trim() !== ''));
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
}

function SpendUpload() {
  const s = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <Section title="Ad spend (CSV upload)">
      <Text size="sm" mb="xs">
        Columns: <Code>date, channel, source, campaign, keyword, cost, currency, impressions, clicks</Code>. Uploading a file with the same
        name again replaces its rows.
      </Text>
      <Group align="flex-end">
        <FileInput
          label="Spend CSV"
          size="xs"
          accept=".csv,text/csv"
          value={file}
          onChange={setFile}
          placeholder="Choose a file"
          w={240}
          clearable
        />
        <Button
          size="xs"
          disabled={!file || s.user.role === 'viewer' || progress !== null}
          onClick={async () => {
            if (!file) return;
            setMsg(null);
            setProgress(0);
            try {
              const rows = parseCsv(await file.text());
              const r = (await upload('/api/v1/spend', JSON.stringify({ importId: file.name, rows }), 'application/json', setProgress)) as {
                rows?: number;
              };
              setMsg({ ok: true, text: `${r.rows ?? rows.length} spend rows loaded.` });
            } catch (e) {
              setMsg({ ok: false, text: errorText(e) });
            } finally {
              setProgress(null);
            }
          }}
        >
          Upload
        </Button>
      </Group>
      {progress !== null && <Progress value={progress * 100} mt="sm" aria-label="Upload progress" animated />}
      {msg && (
        <Text size="sm" mt="xs" c={msg.ok ? 'teal' : 'red'} role="status">
          {msg.text}
        </Text>
      )}
    </Section>
  );
}

/** How many people each saved persona holds; each size opens its people. */
function PersonaSizes() {
  const drill = useDrill();
  const sizes = useData('persona-sizes', async (sig) => {
    const { personas } = await get<{ personas: Array<{ id: string; name: string }> }>('/api/v1/personas', sig);
    return Promise.all(
      personas.map(async (p) => ({
        ...p,
        ...(await get<{ persons: number; share: number }>(`/api/v1/personas/${encodeURIComponent(p.id)}/size`, sig)),
      })),
    );
  });
  return (
    <Section title="Persona sizes">
      {sizes.error ? (
        <ErrorNote error={sizes.error} />
      ) : !sizes.data ? (
        <Text size="sm">Counting…</Text>
      ) : sizes.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No personas yet.
        </Text>
      ) : (
        <Table fz="sm" data-testid="persona-sizes">
          <Table.Tbody>
            {sizes.data.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    aria-label={`People in persona ${p.name}`}
                    onClick={() => drill({ title: `Persona: ${p.name}`, source: { kind: 'persona', persona: p.id }, count: p.persons })}
                  >
                    {fmtInt(p.persons)}
                  </Button>
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{fmtPct(p.share)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

/** A JSON editor over a document collection (journeys or personas), validated by the server on save. */
function DocumentEditor({ kind, title, hint }: { kind: 'journeys' | 'personas'; title: string; hint: string }) {
  const s = useSession();
  const list = useData(`${kind}`, (sig) => get<unknown>(`/api/v1/${kind}`, sig));
  const items = (Array.isArray(list.data) ? list.data : ((list.data as Record<string, unknown[]>)?.[kind] ?? [])) as Array<{
    id: string;
    name: string;
  }>;
  const [selected, setSelected] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  if (list.error) {
    return (
      <Section title={title}>
        <ErrorNote error={list.error} />
      </Section>
    );
  }
  const pick = (id: string | null) => {
    setSelected(id);
    const item = items.find((i) => i.id === id);
    setText(item ? JSON.stringify(item, null, 2) : '');
    setMsg(null);
  };
  return (
    <Section title={title}>
      <Text size="sm" c="dimmed" mb="xs">
        {hint}
      </Text>
      <Group align="flex-end" mb="xs">
        <Select
          size="xs"
          label={`Edit`}
          placeholder={items.length ? 'Choose…' : 'None yet'}
          data={items.map((i) => ({ value: i.id, label: i.name ?? i.id }))}
          value={selected}
          onChange={pick}
          w={220}
        />
        {kind === 'personas' && (
          <Button
            size="xs"
            variant="default"
            disabled={s.user.role === 'viewer'}
            onClick={async () => {
              try {
                await post('/api/v1/personas/suggested', {});
                setMsg({ ok: true, text: 'Suggested personas added.' });
                list.reload();
                s.refresh();
              } catch (e) {
                setMsg({ ok: false, text: errorText(e) });
              }
            }}
          >
            Add suggested
          </Button>
        )}
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            setSelected(null);
            setText(
              JSON.stringify(
                kind === 'personas'
                  ? { name: 'New persona', segment: { match: 'all', rules: [{ kind: 'order_count', op: 'gte', value: 2 }] } }
                  : { name: 'New journey', stages: [] },
                null,
                2,
              ),
            );
          }}
        >
          New
        </Button>
      </Group>
      {!text && msg && (
        <Text size="sm" c={msg.ok ? 'teal' : 'red'} role="status">
          {msg.text}
        </Text>
      )}
      {text && (
        <Stack gap="xs">
          <JsonInput
            label="Definition (JSON)"
            value={text}
            onChange={setText}
            autosize
            minRows={6}
            maxRows={18}
            formatOnBlur
            validationError="Not valid JSON"
          />
          <Group>
            <Button
              size="xs"
              disabled={s.user.role === 'viewer'}
              onClick={async () => {
                try {
                  const body = JSON.parse(text) as { id?: string };
                  if (selected) await api('PUT', `/api/v1/${kind}/${encodeURIComponent(selected)}`, body);
                  else await post(`/api/v1/${kind}`, body);
                  setMsg({ ok: true, text: 'Saved.' });
                  list.reload();
                } catch (e) {
                  setMsg({ ok: false, text: errorText(e) });
                }
              }}
            >
              Save
            </Button>
            <SaveStatus msg={msg} />
          </Group>
        </Stack>
      )}
    </Section>
  );
}

function Team() {
  const users = useData('users', (sig) => get<{ users: User[] }>('/api/v1/auth/users', sig).then((r) => r.users));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string | null>('viewer');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <Section title="Team members">
      {users.error ? (
        <ErrorNote error={users.error} />
      ) : (
        <Table fz="sm" withTableBorder data-testid="team">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(users.data ?? []).map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>{u.role}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await post('/api/v1/auth/users', { email, password, role });
            setMsg({ ok: true, text: `Added ${email}.` });
            setEmail('');
            setPassword('');
            users.reload();
          } catch (err) {
            setMsg({ ok: false, text: errorText(err) });
          }
        }}
      >
        <Group mt="sm" align="flex-end" wrap="wrap">
          <TextInput label="Email" type="email" size="xs" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput
            label="Initial password"
            size="xs"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <Select
            label="Role"
            size="xs"
            data={['viewer', 'member', 'owner']}
            value={role}
            onChange={setRole}
            w={110}
            allowDeselect={false}
          />
          <Button type="submit" size="xs">
            Add
          </Button>
        </Group>
      </form>
      {msg && (
        <Text size="sm" mt="xs" c={msg.ok ? 'teal' : 'red'} role="status">
          {msg.text}
        </Text>
      )}
    </Section>
  );
}

/** The outcome of a save, announced to screen readers. */
function SaveStatus({ msg }: { msg: { ok: boolean; text: string } | null | undefined }) {
  if (!msg) return null;
  return (
    <Text size="sm" c={msg.ok ? 'teal' : 'red'} role="status">
      {msg.text}
    </Text>
  );
}
