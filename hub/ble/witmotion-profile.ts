import {
  WITMOTION_NAME_PREFIX,
  WITMOTION_NOTIFY_CHARACTERISTIC,
  WITMOTION_SERVICE,
  WITMOTION_WRITE_CHARACTERISTIC,
  WIT_REGISTER,
  decodeWitmotionRegisters,
  nearestWitmotionRate,
  witmotionBatteryPercent,
  witmotionRateCommands,
  witmotionRateHz,
  witmotionReadCommand,
} from '../protocol/witmotion.ts';
import { UnusableSensorError, type ProfileLink, type SensorProfile } from './sensor-profile.ts';

/** Below this a rep is a handful of samples: the hub sets `WITMOTION_HUB_RATE_HZ` instead (the factory default is 10 Hz). */
const SLOWEST_USEFUL_RATE_HZ = 50;
export const WITMOTION_HUB_RATE_HZ = 100;
/** How often the battery register is read: the sensor does not report it unasked. */
const BATTERY_EVERY_MS = 60_000;

/**
 * WitMotion BLE 5.0 sensors (hub/protocol/witmotion.ts, docs/sensors.md): recognised by the name the
 * maker's app looks for, configured by register commands on the write characteristic. Register
 * replies come back on the data characteristic among the samples, and are taken out here.
 */
export const witmotionProfile: SensorProfile = {
  format: 'witmotion',
  description: 'a WitMotion sensor',
  // Whether the modules advertise their service is not documented: they are found by name.
  scanServices: [],
  matches: (advertisement) =>
    (advertisement.localName?.startsWith(WITMOTION_NAME_PREFIX) ?? false) || (advertisement.serviceUuids?.includes(WITMOTION_SERVICE) ?? false),
  services: [WITMOTION_SERVICE],
  dataCharacteristic: WITMOTION_NOTIFY_CHARACTERISTIC,

  async connect(link: ProfileLink) {
    const write = link.find(WITMOTION_WRITE_CHARACTERISTIC);
    if (!write) throw new UnusableSensorError(`${link.sensorName} is named like a WitMotion module but lacks the BLE 5.0 write characteristic Swivel configures it through (older WitMotion modules speak another protocol)`);
    const send = (bytes: Uint8Array, what: string) => link.gatt(write.writeAsync(Buffer.from(bytes), true), what);

    // Ask for a rate it has: the nearest to the hub's, or a useful one.
    const wanted = link.rateHz === undefined ? WITMOTION_HUB_RATE_HZ : Math.max(SLOWEST_USEFUL_RATE_HZ, nearestWitmotionRate(link.rateHz));
    if (link.rateHz !== undefined && wanted !== link.rateHz) link.log(`${link.sensorId}: ${link.sensorName} cannot run at ${link.rateHz} Hz; asking for ${wanted} Hz`);
    for (const command of witmotionRateCommands(wanted)) await send(command, 'setting the output rate');
    let rateHz = wanted;
    link.emit({ kind: 'config', sensorId: link.sensorId, rateHz });

    const readBattery = () => send(witmotionReadCommand(WIT_REGISTER.battery), 'asking for the battery voltage').catch(() => {});
    const timer = setInterval(() => void readBattery(), BATTERY_EVERY_MS);
    link.onClose(() => clearInterval(timer));

    return {
      manufacturer: 'WitMotion',
      model: link.sensorName,
      firmware: null,
      rateHz: () => rateHz,
      intercept(bytes: Uint8Array): boolean {
        const reply = decodeWitmotionRegisters(bytes);
        if (!reply) return false;
        if (reply.start === WIT_REGISTER.battery) {
          link.emit({ kind: 'battery', sensorId: link.sensorId, percent: witmotionBatteryPercent(reply.values[0]!) });
        } else if (reply.start === WIT_REGISTER.rate) {
          const running = witmotionRateHz(reply.values[0]!);
          if (running !== undefined && running !== rateHz) {
            link.log(`${link.sensorId}: ${link.sensorName} runs at ${running} Hz, not the ${rateHz} Hz asked for`);
            rateHz = running;
            link.emit({ kind: 'config', sensorId: link.sensorId, rateHz });
          }
        }
        return true;
      },
      // The answers come on the data characteristic: ask once it is subscribed.
      async started() {
        await send(witmotionReadCommand(WIT_REGISTER.rate), 'reading back the output rate');
        await readBattery();
      },
    };
  },
};
