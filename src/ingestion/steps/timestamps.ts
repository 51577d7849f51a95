/**
 * Event time from the client's clocks, corrected the Segment way:
 *   timestamp = receivedAt − (sentAt − timestamp)
 * so a device whose clock is off by hours still lands at the right moment.
 */
export function correctTimestamp(
  message: { timestamp?: string; originalTimestamp?: string; sentAt?: string },
  batchSentAt: string | undefined,
  receivedAt: Date,
): Date {
  const clientTime = message.originalTimestamp ?? message.timestamp;
  const sentAt = message.sentAt ?? batchSentAt;
  let t: number;
  if (clientTime && sentAt) {
    t = receivedAt.getTime() - (Date.parse(sentAt) - Date.parse(clientTime));
  } else if (clientTime) {
    t = Date.parse(clientTime);
  } else {
    t = receivedAt.getTime();
  }
  // A spoofed or broken client clock must not create future events: clamp to receivedAt.
  if (!Number.isFinite(t) || t > receivedAt.getTime()) t = receivedAt.getTime();
  return new Date(t);
}
