import type { SensorStats } from '../protocol/messages.ts';
import type { PipelineEvent } from './events.ts';

export const emptyStats: SensorStats = {
  packets: 0,
  samples: 0,
  lostPackets: 0,
  malformedPackets: 0,
  lastMalformed: null,
  linkLosses: 0,
  battery: null,
  rssi: null,
  rateHz: null,
};

/** Folds pipeline events into one sensor's statistics. */
export function reduceStats(stats: SensorStats, event: PipelineEvent): SensorStats {
  switch (event.kind) {
    case 'samples':
      return { ...stats, packets: stats.packets + 1, samples: stats.samples + event.batch.count, lostPackets: stats.lostPackets + event.lost };
    case 'malformed':
      return { ...stats, packets: stats.packets + 1, malformedPackets: stats.malformedPackets + 1, lastMalformed: event.message };
    case 'link':
      return event.state === 'lost' ? { ...stats, linkLosses: stats.linkLosses + 1 } : stats;
    case 'battery':
      return { ...stats, battery: event.percent };
    case 'rssi':
      return { ...stats, rssi: event.rssi };
    case 'config':
      return { ...stats, rateHz: event.rateHz };
  }
}
