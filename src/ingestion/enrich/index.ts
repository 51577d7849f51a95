// Enrichment steps of ingestion: pure functions the pipeline calls per message.
export {
  resolveTrafficSource,
  ga4DefaultChannel,
  sourceCategory,
  GA4_CHANNELS,
  type TrafficInput,
  type TrafficSource,
  type Ga4Channel,
  type SourceCategory,
} from './traffic-source.ts';
export { parseDevice, type DeviceInfo, type DeviceType } from './device.ts';
