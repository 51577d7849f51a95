import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useIsFetching } from '@tanstack/react-query';
import { AppShell, Burger, Button, Center, Group, Loader, NavLink, Progress, Select, Stack, Text, Title, Card } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { get, post, setProject, setUnauthorizedHandler, type ProjectSummary, type User } from './api.ts';
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

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    get<{ user: User }>('/api/v1/auth/me').then(
      (r) => setUser(r.user),
      () => setUser(null),
    );
  }, []);
  if (user === undefined)
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  if (user === null) return <Login onSignedIn={setUser} />;
  return <SignedIn user={user} onSignOut={() => setUser(null)} />;
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
  const projects = useData(`projects${version}`, (s) => get<{ projects: ProjectSummary[] }>('/api/v1/projects', s).then((r) => r.projects));
  const wanted = params.get('project');
  const project = projects.data?.find((p) => p.id === wanted) ?? projects.data?.[0];
  if (project) setProject(project.id);
  const info = useData(project ? `info:${project.id}:${version}` : null, loadProjectInfo);
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
  else if (!session)
    content = (
      <Center p="xl">
        <Loader />
      </Center>
    );
  else if (!view) content = <Text>No page at {path}.</Text>;
  else if (!session.dataRange && !view.withoutData) content = <NoData session={session} />;
  else
    content = (
      <Suspense
        fallback={
          <Center p="xl">
            <Loader />
          </Center>
        }
      >
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
