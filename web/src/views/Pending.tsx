import { Alert } from '@mantine/core';
export function Pending() {
  return <Alert color="gray" title="Not available on this server yet">This server has no API for this analysis yet.</Alert>;
}
