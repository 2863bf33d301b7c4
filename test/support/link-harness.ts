import { afterEach } from 'vitest';
import { share, type Subscription } from 'rxjs';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorLink, type SensorLinkTimings } from '../../hub/ble/sensor-link.ts';
import { decodeNotifications, sensorStats, type PipelineEvent } from '../../hub/pipeline/operators.ts';
import type { LinkState, SensorStats } from '../../hub/protocol/messages.ts';
import type { SampleRateHz } from '../../hub/protocol/gatt.ts';
import type { SimulatedDevice } from '../../firmware-sim/device.ts';
import { inProcessRadio } from '../../firmware-sim/in-process-radio.ts';

export const FAST_TIMINGS: Partial<SensorLinkTimings> = { backoffStartMs: 20, backoffMaxMs: 100, rssiEveryMs: 100, gattMs: 500, connectMs: 1000 };

/**
 * A real SensorLink over real noble objects, fed by in-process simulated devices of any make, its
 * events decoded: link states, pipeline events and statistics as they come. `extra` subscribes more
 * of the pipeline to the decoded events.
 */
export function linkHarness(devices: SimulatedDevice[], options: { rateHz?: SampleRateHz; timings?: Partial<SensorLinkTimings>; extra?: (decoded: ReturnType<typeof decodedOf>) => Subscription } = {}) {
  const link = new SensorLink({ bindings: new RadioBindings(inProcessRadio(devices)), timings: options.timings ?? FAST_TIMINGS, rateHz: options.rateHz });
  const states: LinkState[] = [];
  const events: PipelineEvent[] = [];
  let stats: SensorStats | null = null;
  const decoded = decodedOf(link);
  const subscriptions: Subscription[] = [
    link.link$.subscribe((event) => states.push(event.state)),
    decoded.subscribe((event) => events.push(event)),
    decoded.pipe(sensorStats()).subscribe((entry) => (stats = entry.stats)),
    ...(options.extra ? [options.extra(decoded)] : []),
  ];
  return {
    link,
    states,
    events,
    samples: () => events.flatMap((e) => (e.kind === 'samples' ? [e] : [])),
    stats: () => stats!,
    async stop() {
      await link.stop();
      subscriptions.forEach((s) => s.unsubscribe());
      devices.forEach((d) => d.close());
    },
  };
}

const decodedOf = (link: SensorLink) => link.events$.pipe(decodeNotifications(), share());

/** Stops the harness a test made (`use(h)`) after each test, pass or fail. */
export function stopAfterEach(): (harness: { stop(): Promise<void> }) => void {
  let current: { stop(): Promise<void> } | null = null;
  afterEach(async () => {
    await current?.stop();
    current = null;
  });
  return (harness) => {
    current = harness;
  };
}
