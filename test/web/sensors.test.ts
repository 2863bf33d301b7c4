import { describe, expect, it } from 'vitest';
import type { HelloMessage, SensorSnapshot, ServerMessage } from '../../hub/protocol/messages.ts';
import { HubState } from '../../web/src/connection/hub-state.ts';
import { deriveDashboard } from '../../web/src/view-model/dashboard.ts';
import { countingText, deriveSensor, deriveSensorList, isPhoneSensor, makeText } from '../../web/src/view-model/sensor.ts';
import { NO_FEEDBACK } from '../../web/src/view-model/set-feedback.ts';
import { aHub, aSensor, aSession } from './fixtures.ts';

/** The dashboard's state folded from hub messages, without a socket: what HubConnection does on each message. */
class FoldedHub extends HubState {
  protected override scheduleRender(): void {}
  hello(sensors: SensorSnapshot[]): void {
    const hello: HelloMessage = { type: 'hello', version: 'test', role: 'coach', sensorSource: 'sim', sensorSourceReason: 'test', sensors, session: aSession() };
    this.applyHello(hello);
  }
  receive(message: Exclude<ServerMessage, HelloMessage>): void {
    expect(this.apply(message)).toBe(true);
  }
}

const SIM_INFO = { manufacturer: 'Swivel (simulated)', model: 'SW-1 shin sensor simulator', firmware: '0.1.0-sim' };

function snapshot(sensorId: string, overrides: Partial<SensorSnapshot> = {}): SensorSnapshot {
  return {
    sensorId,
    info: { id: `id-${sensorId}`, name: `Swivel-${sensorId.slice(-1)}`, ...SIM_INFO },
    state: 'connected',
    detail: 'connected',
    stats: { packets: 0, samples: 0, lostPackets: 0, malformedPackets: 0, lastMalformed: null, linkLosses: 0, battery: 80, rssi: -60, rateHz: 100 },
    angle: null,
    shin: null,
    counting: false,
    ...overrides,
  };
}

describe('the sensor the dashboard shows, with two sensors', () => {
  it('is the one the hub says counts, whichever connected last, and moves when the hub moves the counting', () => {
    const hub = new FoldedHub();
    hub.hello([snapshot('sensor-1', { shin: 'left', counting: true }), snapshot('sensor-2', { shin: 'right' })]);
    // sensor-2 connects again after the hello: by today's rule (connected last) it would be shown.
    hub.receive({ type: 'link', sensorId: 'sensor-2', state: 'lost', detail: 'lost', info: null });
    hub.receive({ type: 'link', sensorId: 'sensor-2', state: 'connected', detail: 'connected', info: null });
    expect(hub.primary?.id).toBe('sensor-1');

    // A right-side set: the hub says so of the old sensor first, then of the new one.
    hub.receive({ type: 'sensor', sensor: snapshot('sensor-1', { shin: 'left', counting: false }) });
    hub.receive({ type: 'sensor', sensor: snapshot('sensor-2', { shin: 'right', counting: true }) });
    expect(hub.sensors.map((s) => [s.id, s.counting])).toEqual([['sensor-1', false], ['sensor-2', true]]);
    expect(hub.primary?.id).toBe('sensor-2');
  });

  it('stays on the counting sensor while its link is down: a lost sensor shows as lost, not the other leg\u2019s', () => {
    const hub = new FoldedHub();
    hub.hello([snapshot('sensor-1', { counting: true }), snapshot('sensor-2')]);
    hub.receive({ type: 'link', sensorId: 'sensor-1', state: 'lost', detail: 'the link was lost', info: null });
    expect(hub.primary?.id).toBe('sensor-1');
    expect(hub.primary?.state).toBe('lost');
  });

  it('falls back to the sensor connected last when the hub says none counts yet', () => {
    const hub = new FoldedHub();
    hub.hello([snapshot('sensor-1', { state: 'scanning' }), snapshot('sensor-2', { state: 'scanning' })]);
    expect(hub.primary?.id).toBe('sensor-1'); // none connected, none heard: the first listed
    hub.receive({ type: 'link', sensorId: 'sensor-2', state: 'connected', detail: 'connected', info: null });
    expect(hub.primary?.id).toBe('sensor-2');
  });

  it('takes the shin and the counting from a `sensor` message, and a sensor it did not know yet', () => {
    const hub = new FoldedHub();
    hub.hello([snapshot('sensor-1', { counting: true })]);
    hub.receive({ type: 'sensor', sensor: snapshot('sensor-1', { shin: 'right', counting: true, state: 'lost' }) });
    expect(hub.sensors[0]).toMatchObject({ shin: 'right', counting: true, state: 'connected' }); // its link state comes with `link` messages
    hub.receive({ type: 'sensor', sensor: snapshot('phone-3', { shin: 'left', counting: false }) });
    expect(hub.sensors.map((s) => s.id)).toEqual(['sensor-1', 'phone-3']);
    expect(hub.sensors[1]).toMatchObject({ shin: 'left', info: { name: 'Swivel-3' } });
  });
});

describe('make, model and firmware', () => {
  it('says what the sensor says in one line, and nothing when it says nothing', () => {
    expect(makeText({ name: 'Swivel-0001', ...SIM_INFO })).toBe('Swivel (simulated) SW-1 shin sensor simulator \u00b7 firmware 0.1.0-sim');
    expect(makeText({ name: 'WT901BLE68', manufacturer: 'WitMotion', model: 'WT901BLE68', firmware: null })).toBe('WitMotion WT901BLE68');
    expect(makeText({ name: 'x', manufacturer: 'Movesense', model: 'Movesense MD', firmware: '2.1' })).toBe('Movesense MD \u00b7 firmware 2.1');
    expect(makeText({ name: 'Phone', manufacturer: null, model: 'phone', firmware: null })).toBe('phone');
    expect(makeText({ name: 'x', manufacturer: null, model: null, firmware: '  ' })).toBe('');
    expect(makeText(null)).toBe('');
  });

  it('reaches the single sensor\u2019s panel', () => {
    const view = deriveSensor(true, true, aSensor({ info: { name: 'Swivel-0001', manufacturer: 'Swivel', model: 'SW-1', firmware: '1.2.0' } }), 10_000);
    expect(view.makeText).toBe('Swivel SW-1 \u00b7 firmware 1.2.0');
    expect(deriveSensor(true, true, aSensor(), 10_000).makeText).toBe('');
  });
});

describe('the panel\u2019s list of sensors', () => {
  const left = aSensor({ id: 'sensor-1', shin: 'left', counting: true, stats: { ...snapshot('x').stats, battery: 64 }, info: { name: 'Swivel-0001', ...SIM_INFO } });
  const right = aSensor({ id: 'sensor-2', shin: null, state: 'scanning', detail: 'found WT901 but it does not answer', info: null });

  it('is empty with one sensor (its own panel says it all) or none', () => {
    expect(deriveSensorList(true, [left])).toEqual([]);
    expect(deriveSensorList(true, [])).toEqual([]);
  });

  it('lists every sensor with its name, make, state, sentence, battery, shin, and which one counts', () => {
    const rows = deriveSensorList(true, [left, right, aSensor({ id: 'phone-2', info: { name: 'Phone', manufacturer: null, model: 'phone', firmware: null } })]);
    expect(rows).toEqual([
      { sensorId: 'sensor-1', name: 'Swivel-0001', makeText: 'Swivel (simulated) SW-1 shin sensor simulator \u00b7 firmware 0.1.0-sim', linkState: 'connected', detail: 'Connected', battery: 64, shin: 'left', counting: true, phone: false },
      { sensorId: 'sensor-2', name: 'sensor-2', makeText: '', linkState: 'scanning', detail: 'found WT901 but it does not answer', battery: null, shin: null, counting: false, phone: false },
      expect.objectContaining({ sensorId: 'phone-2', name: 'Phone', makeText: 'phone', phone: true }),
    ]);
  });

  it('says nothing counts and every state is unknown while the hub is unreachable', () => {
    const rows = deriveSensorList(false, [left, right]);
    expect(rows.map((row) => [row.linkState, row.counting, row.detail])).toEqual([
      ['unknown', false, 'The hub is unreachable.'],
      ['unknown', false, 'The hub is unreachable.'],
    ]);
  });

  it('tells a phone by the id the hub gives it', () => {
    expect(isPhoneSensor('phone-12')).toBe(true);
    expect(isPhoneSensor('sensor-1')).toBe(false);
  });

  it('reaches the dashboard view, with the exercise screen\u2019s line on which sensor counts', () => {
    const input = { asked: 'session' as const, feedback: NO_FEEDBACK, wake: 'held' as const, now: 10_000, wallNow: 0, rangeMin: -10, rangeMax: 60 };
    const two = deriveDashboard({ ...input, hub: aHub({ primary: left, sensors: [left, right] }) });
    expect(two.sensors.map((row) => row.sensorId)).toEqual(['sensor-1', 'sensor-2']);
    expect(two.countingText).toBe('Counting with Swivel-0001 on the left shin');
    expect(countingText(deriveSensorList(true, [{ ...left, shin: null }, right]))).toBe('Counting with Swivel-0001');
    const one = deriveDashboard({ ...input, hub: aHub({ primary: left, sensors: [left] }) });
    expect(one.sensors).toEqual([]);
    expect(one.countingText).toBe('');
  });
});
