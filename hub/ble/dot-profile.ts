import type { Characteristic } from '@abandonware/noble';
import {
  DOT_BATTERY_CHARACTERISTIC,
  DOT_BATTERY_SERVICE,
  DOT_CONFIGURATION_SERVICE,
  DOT_DEFAULT_RATE_HZ,
  DOT_DEVICE_CONTROL_CHARACTERISTIC,
  DOT_DEVICE_INFO_CHARACTERISTIC,
  DOT_MEASUREMENT_CONTROL_CHARACTERISTIC,
  DOT_MEASUREMENT_SERVICE,
  DOT_MEDIUM_PAYLOAD_CHARACTERISTIC,
  DOT_PAYLOAD_MODE,
  decodeDotBattery,
  decodeDotDeviceControl,
  decodeDotDeviceInfo,
  decodeDotMeasurementControl,
  dotModelName,
  dotPayloadModeName,
  encodeDotMeasurementControl,
  encodeDotOutputRateWrite,
  isDotName,
  nearestDotRate,
} from '../protocol/dot.ts';
import { listen, type ProfileLink, type SensorProfile } from './sensor-profile.ts';

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Movella DOT (formerly Xsens DOT; hub/protocol/dot.ts, docs/sensors.md): recognised by its advertised
 * name, set up as the maker's "best practice" says (§3.8): the output rate while not measuring, then
 * notifications on the medium payload characteristic, then start in Rate quantities. Samples carry the
 * sensor's timestamps (hub/pipeline/dot-decode.ts).
 */
export const dotProfile: SensorProfile = {
  format: 'dot',
  description: 'a Movella DOT',
  // Found by name (and Movella's company identifier, which the hub does not see): whether the
  // services are advertised is not documented.
  scanServices: [],
  matches: (advertisement) =>
    (advertisement.localName !== undefined && isDotName(advertisement.localName)) || (advertisement.serviceUuids?.includes(DOT_MEASUREMENT_SERVICE) ?? false),
  services: [DOT_CONFIGURATION_SERVICE, DOT_MEASUREMENT_SERVICE, DOT_BATTERY_SERVICE],
  dataCharacteristic: DOT_MEDIUM_PAYLOAD_CHARACTERISTIC,

  async connect(link: ProfileLink) {
    const name = link.sensorName;
    const need = (uuid: string, what: string): Characteristic => {
      const characteristic = link.find(uuid);
      if (!characteristic) throw new Error(`${name} has no ${what} characteristic: it does not look like a Movella DOT`);
      return characteristic;
    };
    const deviceInfo = need(DOT_DEVICE_INFO_CHARACTERISTIC, 'device info');
    const deviceControl = need(DOT_DEVICE_CONTROL_CHARACTERISTIC, 'device control');
    const measurement = need(DOT_MEASUREMENT_CONTROL_CHARACTERISTIC, 'measurement control');
    const read = async (c: Characteristic, what: string) => bytesOf(await link.gatt(c.readAsync(), what));
    const write = (c: Characteristic, bytes: Uint8Array, what: string) => link.gatt(c.writeAsync(Buffer.from(bytes), false), what);

    const info = decodeDotDeviceInfo(await read(deviceInfo, 'reading the device info'));
    if (!info.ok) link.log(`${link.sensorId}: ${name}: ${info.message}; going on without its model and firmware version`);
    const firmware = info.ok ? `${info.info.firmware.major}.${info.info.firmware.minor}.${info.info.firmware.revision}` : null;

    // The output rate "cannot be changed after measurement or synchronization start" (§2.2): a DOT that
    // is measuring already (a synchronised one starts by itself) is stopped first.
    const before = decodeDotMeasurementControl(await read(measurement, 'reading the measurement state'));
    if (before.ok && before.control.measuring) {
      link.log(`${link.sensorId}: ${name} was already measuring in ${dotPayloadModeName(before.control.payloadMode)}; stopping it to set it up`);
      await write(measurement, encodeDotMeasurementControl({ measuring: false, payloadMode: before.control.payloadMode }), 'stopping the measurement');
    }

    const wanted = link.rateHz === undefined ? DOT_DEFAULT_RATE_HZ : nearestDotRate(link.rateHz);
    if (link.rateHz !== undefined && wanted !== link.rateHz) {
      link.log(`${link.sensorId}: ${name} cannot stream at ${link.rateHz} Hz; asking for ${wanted} Hz`);
    }
    await write(deviceControl, encodeDotOutputRateWrite(wanted), 'setting the output rate');
    const settings = decodeDotDeviceControl(await read(deviceControl, 'reading back the output rate'));
    let rateHz = wanted;
    if (!settings.ok) {
      link.log(`${link.sensorId}: ${name}: ${settings.message}; assuming the ${wanted} Hz asked for`);
    } else if (settings.control.outputRateHz !== wanted) {
      if (settings.control.outputRateHz <= 0) throw new Error(`${name} reports an output rate of ${settings.control.outputRateHz} Hz, which cannot stream samples`);
      link.log(`${link.sensorId}: ${name} runs at ${settings.control.outputRateHz} Hz, not the ${wanted} Hz asked for (a synchronised DOT keeps its rate)`);
      rateHz = settings.control.outputRateHz;
    }
    link.emit({ kind: 'config', sensorId: link.sensorId, rateHz });

    const battery = link.find(DOT_BATTERY_CHARACTERISTIC);
    if (battery) {
      const emitBattery = (data: Buffer) => {
        const level = decodeDotBattery(bytesOf(data));
        if (level) link.emit({ kind: 'battery', sensorId: link.sensorId, percent: level.percent });
      };
      emitBattery(await link.gatt(battery.readAsync(), 'reading the battery level'));
      link.onClose(listen(battery, emitBattery));
      await link.gatt(battery.subscribeAsync(), 'subscribing to the battery level');
    }

    return {
      manufacturer: 'Movella',
      model: info.ok ? dotModelName(info.info.productCode) : 'Movella DOT',
      firmware,
      rateHz: () => rateHz,
      // The payload characteristic is subscribed by now, as the specification asks before a start.
      async started() {
        await write(measurement, encodeDotMeasurementControl({ measuring: true, payloadMode: DOT_PAYLOAD_MODE.rateQuantities }), 'starting the measurement');
        const after = decodeDotMeasurementControl(await read(measurement, 'reading back the measurement state'));
        if (!after.ok) throw new Error(`${name} answered the start with a measurement state the hub cannot read (${after.message})`);
        if (!after.control.measuring) throw new Error(`${name} did not start measuring when asked`);
        if (after.control.payloadMode !== DOT_PAYLOAD_MODE.rateQuantities) {
          throw new Error(
            `${name} streams ${dotPayloadModeName(after.control.payloadMode)}, not Rate quantities (21): the hub needs its calibrated acceleration and angular velocity. ` +
              'Update its firmware with the Movella DOT app, or reset it to factory settings there, and connect again',
          );
        }
      },
    };
  },
};
