import type { Characteristic } from '@abandonware/noble';
import { BATTERY_SERVICE, DEVICE_INFORMATION_SERVICE } from '../protocol/gatt.ts';
import {
  PMD_CONTROL_POINT,
  PMD_DATA,
  PMD_SERVICE,
  PMD_STATUS_CODE,
  PMD_TYPE,
  POLAR_NAME_PREFIX,
  VERITY_CHANNELS,
  VERITY_RESOLUTION_BITS,
  decodePmdFeatures,
  decodePmdResponse,
  decodePmdSettings,
  describePmdStatus,
  encodeGetSettings,
  encodeStartMeasurement,
  encodeStopMeasurement,
  nearestRate,
  type PmdResponse,
  type PmdSettings,
  type PmdStartSettings,
} from '../protocol/polar-pmd.ts';
import { UnusableSensorError, followBatteryLevel, listen, readDeviceInformation, type ProfileLink, type SensorProfile } from './sensor-profile.ts';

/** The rate the hub asks for when it sets none: the nearest both streams offer (52 Hz on a Verity Sense in normal mode). */
export const POLAR_HUB_RATE_HZ = 100;
/** The acceleration range the hub prefers (a shin moves well inside ±8 g; Verity Sense's only one in normal mode). */
const PREFERRED_ACC_RANGE_G = 8;

/** Polar models without a gyroscope stream: their names are skipped rather than connected to in vain. */
const WITHOUT_GYRO = ['Polar H', 'Polar OH1'];

const name = (type: number) => (type === PMD_TYPE.acc ? 'ACC' : 'GYRO');

/**
 * Polar sensors with the PMD service and both ACC and GYRO streams (Polar Verity Sense): found by the
 * name Polar gives them or the PMD service, started through the PMD control point after the data
 * characteristic is subscribed (Polar's SDK requires both). The hub reads what each stream offers,
 * picks the rate nearest its wish that both have, starts both, and keeps the scale factors their
 * start responses give: the data frames do not carry them. hub/protocol/polar-pmd.ts, docs/sensors.md.
 */
export const polarProfile: SensorProfile = {
  format: 'polar',
  description: 'a Polar sensor',
  // Whether a Verity Sense advertises the PMD service is not documented: it is found by name too.
  scanServices: [],
  matches: (advertisement) => {
    const localName = advertisement.localName ?? '';
    if (WITHOUT_GYRO.some((prefix) => localName.startsWith(prefix))) return false;
    return localName.startsWith(POLAR_NAME_PREFIX) || (advertisement.serviceUuids?.includes(PMD_SERVICE) ?? false);
  },
  services: [PMD_SERVICE, BATTERY_SERVICE, DEVICE_INFORMATION_SERVICE],
  dataCharacteristic: PMD_DATA,

  async connect(link: ProfileLink) {
    const controlPoint = link.find(PMD_CONTROL_POINT);
    if (!controlPoint) throw new UnusableSensorError(`${link.sensorName} is named like a Polar sensor but has no PMD control point to start its motion streams with`);
    const information = await readDeviceInformation(link);
    const control = new ControlPoint(link, controlPoint);
    await link.gatt(controlPoint.subscribeAsync(), 'subscribing to the PMD control point');
    const features = decodePmdFeatures(new Uint8Array(await link.gatt(controlPoint.readAsync(), 'reading the PMD features')));
    const missing = [PMD_TYPE.acc, PMD_TYPE.gyro].filter((type) => !features?.has(type));
    // Another Polar model (a strap, an arm band without a gyroscope): left alone for a while, not retried at once.
    if (missing.length > 0) throw new UnusableSensorError(`${link.sensorName} does not stream ${missing.map(name).join(' or ')} over Polar's PMD service, so Swivel cannot use it as a shin sensor (a Polar Verity Sense can)`);
    await followBatteryLevel(link);

    let rateHz: number | undefined;
    const scales: Record<number, number> = {};
    return {
      manufacturer: information.manufacturer ?? 'Polar',
      model: information.model ?? link.sensorName,
      firmware: information.firmware,
      rateHz: () => rateHz,
      scales: () => scales,
      // Polar's SDK sends control point requests only once both the control point and the data are subscribed.
      async started() {
        const acc = await control.settings(PMD_TYPE.acc);
        const gyro = await control.settings(PMD_TYPE.gyro);
        const both = (acc.sampleRate ?? []).filter((rate) => gyro.sampleRate?.includes(rate));
        const wanted = link.rateHz ?? POLAR_HUB_RATE_HZ;
        const rate = nearestRate(both, wanted);
        if (rate === undefined) throw new Error(`${link.sensorName} offers no rate for both ACC (${acc.sampleRate?.join(', ')} Hz) and GYRO (${gyro.sampleRate?.join(', ')} Hz)`);
        if (link.rateHz !== undefined && rate !== link.rateHz) link.log(`${link.sensorId}: ${link.sensorName} cannot stream at ${link.rateHz} Hz; asking for ${rate} Hz`);
        const choose = (offered: PmdSettings, preferredRange: number): PmdStartSettings => {
          const ranges = offered.range ?? [];
          const resolutions = offered.resolution ?? [VERITY_RESOLUTION_BITS];
          return {
            sampleRate: rate,
            resolution: resolutions.includes(VERITY_RESOLUTION_BITS) ? VERITY_RESOLUTION_BITS : Math.max(...resolutions),
            range: ranges.includes(preferredRange) ? preferredRange : Math.max(0, ...ranges),
            ...(offered.channels?.includes(VERITY_CHANNELS) ? { channels: VERITY_CHANNELS } : {}),
          };
        };
        scales[PMD_TYPE.acc] = await control.start(PMD_TYPE.acc, choose(acc, PREFERRED_ACC_RANGE_G));
        // The widest gyroscope range: a quick leg swing must not saturate it, and 16 bits leave 0.06 °/s steps.
        scales[PMD_TYPE.gyro] = await control.start(PMD_TYPE.gyro, choose(gyro, Infinity));
        rateHz = rate;
        link.emit({ kind: 'config', sensorId: link.sensorId, rateHz: rate });
      },
    };
  },
};

/** Requests on the PMD control point, each answered by a notification on it (`F0 op type status …`). */
class ControlPoint {
  private waiting: { op: number; parts: Uint8Array[]; resolve: (response: PmdResponse) => void } | null = null;

  constructor(
    private readonly link: ProfileLink,
    private readonly characteristic: Characteristic,
  ) {
    link.onClose(listen(characteristic, (data) => this.answer(new Uint8Array(data))));
  }

  private answer(bytes: Uint8Array): void {
    const response = decodePmdResponse(bytes);
    const waiting = this.waiting;
    if (!response) {
      if (bytes[0] === 0x01) this.link.log(`${this.link.sensorId}: ${this.link.sensorName} stopped a measurement by itself`);
      return;
    }
    if (!waiting || response.op !== waiting.op) return;
    waiting.parts.push(response.parameters);
    if (response.more) return; // the parameters go on in the next notification
    this.waiting = null;
    const parameters = new Uint8Array(waiting.parts.reduce((n, p) => n + p.byteLength, 0));
    let o = 0;
    for (const part of waiting.parts) parameters.set(part, (o += part.byteLength) - part.byteLength);
    waiting.resolve({ ...response, parameters });
  }

  async request(bytes: Uint8Array, what: string): Promise<PmdResponse> {
    const answered = new Promise<PmdResponse>((resolve) => (this.waiting = { op: bytes[0]!, parts: [], resolve }));
    await this.link.gatt(this.characteristic.writeAsync(Buffer.from(bytes), false), what);
    return this.link.gatt(answered, `waiting for the answer to ${what}`);
  }

  async settings(type: number): Promise<PmdSettings> {
    const response = await this.request(encodeGetSettings(type), `asking for the ${name(type)} settings`);
    if (response.status !== PMD_STATUS_CODE.success) throw new Error(`${this.link.sensorName} refused to list its ${name(type)} settings: ${describePmdStatus(response.status)}`);
    const settings = decodePmdSettings(response.parameters);
    if (!settings.ok) throw new Error(`${this.link.sensorName} listed ${name(type)} settings we cannot read (${settings.message})`);
    return settings.settings;
  }

  /** Starts a stream (stopping it first if it already runs, e.g. left by a phone app); its scale factor. */
  async start(type: number, settings: PmdStartSettings): Promise<number> {
    const what = `starting ${name(type)} at ${settings.sampleRate} Hz, ±${settings.range}`;
    let response = await this.request(encodeStartMeasurement(type, settings), what);
    if (response.status === PMD_STATUS_CODE.alreadyInState) {
      await this.request(encodeStopMeasurement(type), `stopping ${name(type)} to start it again`);
      response = await this.request(encodeStartMeasurement(type, settings), what);
    }
    if (response.status !== PMD_STATUS_CODE.success) throw new Error(`${this.link.sensorName} refused ${what}: ${describePmdStatus(response.status)}`);
    const answered = decodePmdSettings(response.parameters);
    const factor = answered.ok ? answered.settings.factor : undefined;
    if (factor === undefined) this.link.log(`${this.link.sensorId}: ${this.link.sensorName} gave no ${name(type)} scale factor; using 1`);
    return factor ?? 1;
  }
}

