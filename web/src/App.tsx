import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useIsFetching } from '@tanstack/react-query';
import { AppShell, Badge, Burger, Button, Center, Group, Loader, NavLink, Progress, Select, Stack, Text, Title, Card } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { get, post, setProject, setShareToken, setUnauthorizedHandler, type ProjectSummary, type User } from './api.ts';
import { viewOfSharePath } from '../../src/collaboration/share-scope.ts';
import { ShareButton } from './components/ShareButton.tsx';
import type { ProjectInfo } from '../../src/projects/project-info.ts';
import type { Persona } from '../../src/journeys/personas.ts';
import { SessionContext, useData, type Session } from './data.ts';

type ProjectInfoData = Pick<Session, 'dataRange' | 'defaultPeriod' | 'channels' | 'personas'>;
import { navigate, setParams, useLocation } from './url-state.ts';
import { Login } from './views/Login.tsx';
import { Snippet } from './components/Snippet.tsx';
import { DrillProvider } from './components/PeopleDrawer.tsx';
import { VIEWS } from './views/index.tsx';
import { queryClient } from './query.ts';

/**
 * What a signed-in page needs before its first chart, started when the shell loads instead of one
 * after another as components mount: who is signed in, the projects, the chosen project's info and
 * personas, and the page's own chunk (with its chart library). On a cold load the chain of mounts
 * cost three round trips and a chunk download in series, about 0.7 s of the first chart's time.
 * Each promise answers only the first load it stands for; refreshes and later keys go to the API.
 */
interface Boot {
  me: Promise<{ user: User }>;
  projects: Promise<ProjectSummary[]>;
  info: Promise<{ projectId: string; data: ProjectInfoData } | null>;
}

function startBoot(): Boot | null {
  const params = new URLSearchParams(window.location.search);
  if (params.get('share')) return null;
  const path = window.location.pathname;
  (VIEWS.find((v) => path === `/${v.id}`) ?? (path === '/' ? VIEWS[0] : undefined))?.preload().catch(() => undefined);
  const me = get<{ user: User }>('/api/v1/auth/me');
  const projects = get<{ projects: ProjectSummary[] }>('/api/v1/projects').then((r) => r.projects);
  const info = projects.then(async (list) => {
    const project = list.find((p) => p.id === params.get('project')) ?? list[0];
    if (!project) return null;
    setProject(project.id);
    return { projectId: project.id, data: await loadProjectInfo(new AbortController().signal) };
  });
  // A failed boot request is answered again by the component that needs it (a 401 shows the sign-in).
  for (const p of [me, projects, info]) p.catch(() => undefined);
  return { me, projects, info };
}

let boot = startBoot();

export function App() {
  // A read-only shared link (…?share=TOKEN) opens its one view without signing in.
  const [shareToken] = useState(() => new URLSearchParams(window.location.search).get('share'));
  if (shareToken) return <Shared token={shareToken} />;
  return <WithUser />;
}

function WithUser() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      boot = null;
      setUser(null);
    });
    const first = boot?.me;
    // Signing in again (after a 401) starts from fresh requests, not the boot's.
    if (!first) boot = null;
    (first ?? get<{ user: User }>('/api/v1/auth/me')).then(
      (r) => setUser(r.user),
      () => {
        boot = null;
        setUser(null);
      },
    );
  }, []);
  if (user === undefined)
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  if (user === null) return <Login onSignedIn={setUser} />;
  return (
    <SignedIn
      user={user}
      onSignOut={() => {
        boot = null;
        setUser(null);
      }}
    />
  );
}

async function loadProjectInfo(signal: AbortSignal): Promise<ProjectInfoData> {
  const [info, personas] = await Promise.all([
    get<ProjectInfo>('/api/v1/project/info', signal),
    get<{ personas: Persona[] }>('/api/v1/personas', signal),
  ]);
  return {
    dataRange: info.dataRange ?? undefined,
    defaultPeriod: info.defaultPeriod ?? undefined,
    channels: info.channels,
    personas: personas.personas.map((p) => ({ id: p.id, name: p.name ?? p.id })),
  };
}

function SignedIn({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const { path, params } = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  const [version, setVersion] = useState(0);
  const projects = useData(`projects${version}`, (s) =>
    version === 0 && boot ? boot.projects : get<{ projects: ProjectSummary[] }>('/api/v1/projects', s).then((r) => r.projects),
  );
  const wanted = params.get('project');
  const project = projects.data?.find((p) => p.id === wanted) ?? projects.data?.[0];
  if (project) setProject(project.id);
  const info = useData(project ? `info:${project.id}:${version}` : null, (s) =>
    version === 0 && boot ? boot.info.then((b) => (b && b.projectId === project!.id ? b.data : loadProjectInfo(s))) : loadProjectInfo(s),
  );
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries();
    setVersion((v) => v + 1);
  }, []);

  const session = useMemo<Session | null>(
    () => (project && info.data ? { user, projects: projects.data!, project, ...info.data, refresh } : null),
    [user, projects.data, project, info.data, refresh],
  );

  const view = VIEWS.find((v) => path === `/${v.id}`) ?? (path === '/' ? VIEWS[0]! : undefined);
  useEffect(() => {
    if (path === '/') navigate('/overview' + window.location.search, true);
  }, [path]);

  const signOut = async () => {
    await post('/api/v1/auth/logout', {}).catch(() => undefined);
    onSignOut();
  };

  let content: React.ReactNode;
  if (projects.error || info.error) content = <Text c="red">{String((projects.error ?? info.error) as Error)}</Text>;
  else if (!session) content = <PageLoader />;
  else if (!view) content = <Text>No page at {path}.</Text>;
  else if (!session.dataRange && !view.withoutData) content = <NoData session={session} />;
  else
    content = (
      <Suspense fallback={<PageLoader />}>
        <view.component key={`${view.id}:${project?.id}`} />
      </Suspense>
    );

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <FetchProgress />
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ flex: 1, minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4" c="indigo.8" visibleFrom="xs">
              Waymark
            </Title>
            {projects.data && project && (
              <Select
                size="xs"
                aria-label="Project"
                data={projects.data.map((p) => ({ value: p.id, label: p.name }))}
                value={project.id}
                onChange={(v) => v && setParams({ project: v })}
                allowDeselect={false}
                // On a phone the project name takes the room the header has left, so it is read whole.
                w={{ base: '100%', sm: 220 }}
                maw={{ base: 260, sm: 220 }}
                style={{ flex: '1 1 auto', minWidth: 0 }}
              />
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            {view && user.role !== 'viewer' && viewOfSharePath(`/${view.id}`) && <ShareButton viewId={view.id} title={view.title} />}
            <Text size="sm" visibleFrom="sm" c="dimmed">
              {user.email} ({user.role})
            </Text>
            <Button size="compact-sm" variant="default" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Views">
        <nav>
          {VIEWS.map((v) => (
            <NavLink
              key={v.id}
              href={`/${v.id}${window.location.search}`}
              label={v.title}
              active={view?.id === v.id}
              onMouseEnter={() => void v.preload()}
              onClick={(e) => {
                e.preventDefault();
                window.__waymarkNavStart = performance.now();
                navigate(`/${v.id}${window.location.search}`);
                close();
              }}
            />
          ))}
        </nav>
      </AppShell.Navbar>
      <AppShell.Main>
        <SessionContext.Provider value={session}>
          <DrillProvider>
            <div key={version}>{content}</div>
          </DrillProvider>
        </SessionContext.Provider>
      </AppShell.Main>
    </AppShell>
  );
}

/** A thin bar under the header while any request is on its way (a changed filter shows at once). */
function FetchProgress() {
  const fetching = useIsFetching();
  return (
    <div
      className="wm-fetch-progress"
      aria-hidden={fetching === 0}
      role="progressbar"
      aria-label="Loading"
      data-active={fetching > 0 ? '1' : undefined}
    >
      {fetching > 0 && <Progress value={100} animated striped size={3} radius={0} />}
    </div>
  );
}

function NoData({ session }: { session: Session }) {
  return (
    <Stack maw={760}>
      <Title order={2}>No events yet</Title>
      <Text>
        Project <b>{session.project.name}</b> has received no events. Send some with the write key and snippet below; they appear here
        within seconds. To explore first, run <code>npm run demo</code>, which loads a demo retailer.
      </Text>
      <Card withBorder>
        <Snippet writeKey={session.project.writeKey} />
      </Card>
      <Group>
        <Button variant="default" onClick={session.refresh}>
          Check again
        </Button>
      </Group>
    </Stack>
  );
}

/** What GET /api/v1/shares/resolve answers for a valid token. */
interface ResolvedShare {
  path: string;
  state: Record<string, string>;
  label: string;
  expiresAt: string;
  project: { name: string; reportingCurrency: string };
}

/**
 * The dashboard opened through a shared link: only the link's view, as a viewer sees it, every
 * request carrying the token (the server answers only that view's reads). No navigation, no
 * drill-down to people, no comments, nothing that changes data.
 */
function Shared({ token }: { token: string }) {
  setShareToken(token);
  const { path } = useLocation();
  const share = useData(`share:${token}`, (s) => get<ResolvedShare>(`/api/v1/shares/resolve?token=${encodeURIComponent(token)}`, s));
  const info = useData(share.data ? `share-info:${token}` : null, loadProjectInfo);
  const viewId = share.data ? viewOfSharePath(share.data.path) : undefined;
  const view = VIEWS.find((v) => v.id === viewId);
  // The link's own view, whatever path it was opened on.
  useEffect(() => {
    if (view && path !== `/${view.id}`) navigate(`/${view.id}${window.location.search}`, true);
  }, [view, path]);
  const session = useMemo<Session | null>(() => {
    if (!share.data || !info.data) return null;
    const project = {
      id: '',
      name: share.data.project.name,
      writeKey: '',
      createdAt: '',
      settings: { reportingCurrency: share.data.project.reportingCurrency, currencyRates: {}, margin: 0, domains: [], identityKeys: [] },
    } as ProjectSummary;
    return {
      user: { id: 'shared-link', email: '', name: 'Shared link', role: 'viewer' },
      projects: [project],
      project,
      ...info.data,
      refresh: () => void queryClient.invalidateQueries(),
      shared: { label: share.data.label, path: share.data.path, expiresAt: share.data.expiresAt },
    };
  }, [share.data, info.data]);

  let content: React.ReactNode;
  if (share.error || info.error) content = <Text c="red">{String(((share.error ?? info.error) as Error)?.message ?? '')}</Text>;
  else if (!session || !view) content = <PageLoader />;
  else
    content = (
      <Suspense fallback={<PageLoader />}>
        <view.component />
      </Suspense>
    );
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <FetchProgress />
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Title order={1} size="h4" c="indigo.8" visibleFrom="xs">
              Waymark
            </Title>
            <Text size="sm" fw={600} truncate>
              {share.data?.project.name}
              {share.data?.label ? ` · ${share.data.label}` : ''}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Badge variant="light" color="gray" data-testid="shared-read-only">
              Read-only
            </Badge>
            {share.data && (
              <Text size="xs" c="dimmed" visibleFrom="sm">
                shared link until {share.data.expiresAt.slice(0, 10)}
              </Text>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <SessionContext.Provider value={session}>{content}</SessionContext.Provider>
      </AppShell.Main>
    </AppShell>
  );
}

/** What a page shows while its chunk or its session loads. */
function PageLoader() {
  return (
    <Center p="xl">
      <Loader />
    </Center>
  );
}
