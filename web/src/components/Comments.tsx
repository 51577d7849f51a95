/**
 * Comments on one report (GET/POST /api/v1/comments with a report target), with @mentions of
 * teammates; who sees a comment is decided by the server from its visibility and the reader's role.
 */
import { useState } from 'react';
import { Button, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { ApiError, get, post } from '../api.ts';
import { useData, useSession } from '../data.ts';
import { Panel } from './Panel.tsx';

// Declared here rather than imported: src/collaboration/comments.ts reaches the argon2 binding
// (through the users module), whose ambient const enums do not type-check in the dashboard.
interface Comment {
  id: string;
  text: string;
  visibleTo: 'everyone' | 'members' | 'owners';
  author: { kind: string; name: string };
  createdAt: string;
}

/** A shared link reads no comments (they are a team's conversation, outside the link's one view). */
export function Comments({ report }: { report: string }) {
  return useSession().shared ? null : <ReportComments report={report} />;
}

function ReportComments({ report }: { report: string }) {
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [text, setText] = useState('');
  const [visibleTo, setVisibleTo] = useState<'everyone' | 'members' | 'owners'>('everyone');
  const [msg, setMsg] = useState('');
  const list = useData(`comments:${report}:${version}`, (s) =>
    get<{ comments: Comment[] }>(`/api/v1/comments?kind=report&report=${encodeURIComponent(report)}`, s).then((r) => r.comments),
  );
  const send = async () => {
    try {
      await post('/api/v1/comments', { target: { kind: 'report', report }, text, visibleTo });
      setText('');
      setMsg('');
      setVersion((v) => v + 1);
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <Panel title="Comments" name={`comments-${report}`} loading={list.loading} error={list.error}>
      <Stack gap={6} data-testid="comments">
        {(list.data ?? []).length === 0 && (
          <Text size="sm" c="dimmed">
            No comments yet.
          </Text>
        )}
        {(list.data ?? []).map((c) => (
          <div key={c.id} data-testid="comment">
            <Text size="xs" c="dimmed">
              {c.author.name} · {c.createdAt.slice(0, 16).replace('T', ' ')}
              {c.visibleTo !== 'everyone' ? ` · ${c.visibleTo} only` : ''}
            </Text>
            <Text size="sm">{c.text}</Text>
          </div>
        ))}
        {user.role !== 'viewer' && (
          <Group align="end" gap="xs">
            <Textarea
              label="Add a comment (@name mentions a teammate)"
              size="xs"
              autosize
              minRows={1}
              w={360}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
            />
            <Select
              label="Visible to"
              size="xs"
              w={120}
              data={['everyone', 'members', 'owners']}
              value={visibleTo}
              onChange={(v) => v && setVisibleTo(v as typeof visibleTo)}
              allowDeselect={false}
            />
            <Button size="xs" onClick={() => void send()} disabled={!text.trim()}>
              Comment
            </Button>
          </Group>
        )}
        {msg && (
          <Text size="xs" c="red">
            {msg}
          </Text>
        )}
      </Stack>
    </Panel>
  );
}
