/** How to send events here: the write key and a tracking snippet, each with a copy button. */
import { Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

export function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" fw={500} w={90}>
        {label}
      </Text>
      <Code style={{ overflowX: 'auto', whiteSpace: 'nowrap' }} data-testid={`key-${label}`}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="compact-xs" variant={copied ? 'filled' : 'default'} onClick={copy} aria-label={`Copy ${label}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

export function trackingSnippet(writeKey: string, origin = window.location.origin): string {
  const host = origin.replace(/^https?:\/\//, '');
  const protocol = origin.startsWith('https') ? 'https' : 'http';
  return `// npm install @segment/analytics-next
import { AnalyticsBrowser } from '@segment/analytics-next';

export const analytics = AnalyticsBrowser.load(
  { writeKey: '${writeKey}', cdnURL: '${origin}' },
  { integrations: { 'Segment.io': { apiHost: '${host}/v1', protocol: '${protocol}' } } },
);
analytics.page();

// Server side, any language:
// curl -u ${writeKey}: ${origin}/v1/track -H 'content-type: application/json' \\
//   -d '{"userId":"u1","event":"Order Completed","properties":{"revenue":42}}'`;
}

export function Snippet({ writeKey }: { writeKey: string }) {
  const code = trackingSnippet(writeKey);
  return (
    <Stack gap="xs">
      <CopyField label="Write key" value={writeKey} />
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Tracking snippet
        </Text>
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="default" onClick={copy} aria-label="Copy tracking snippet">
              {copied ? 'Copied' : 'Copy snippet'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {code}
      </Code>
    </Stack>
  );
}
