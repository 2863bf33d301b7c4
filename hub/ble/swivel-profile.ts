import {
  BATTERY_SERVICE,
  DEVICE_INFORMATION_SERVICE,
  IMU_CONTROL_CHARACTERISTIC,
  IMU_DATA_CHARACTERISTIC,
  SIM_PERSON_CHARACTERISTIC,
  SWIVEL_IMU_SERVICE,
  decodeSensorConfig,
  encodeSensorConfig,
  PROTOCOL_VERSION,
  SAMPLE_RATES_HZ,
  type SampleRateHz,
} from '../protocol/gatt.ts';
import { UnusableSensorError, followBatteryLevel, readDeviceInformation, type ProfileLink, type SensorProfile } from './sensor-profile.ts';

/**
 * Our own sensor (docs/gatt.md): found by its service, the rate set through the control
 * characteristic and read back, battery and device information from the standard services. Its
 * notifications carry their own rate, sequence and timestamp.
 */
export const swivelProfile: SensorProfile = {
  format: 'swivel',
  description: 'a Swivel sensor',
  scanServices: [SWIVEL_IMU_SERVICE],
  matches: (advertisement) => advertisement.serviceUuids?.includes(SWIVEL_IMU_SERVICE) ?? false,
  services: [SWIVEL_IMU_SERVICE, BATTERY_SERVICE, DEVICE_INFORMATION_SERVICE],
  dataCharacteristic: IMU_DATA_CHARACTERISTIC,

  async connect(link: ProfileLink) {
    const information = await readDeviceInformation(link);
    await setRate(link);
    const simPerson = link.find(SIM_PERSON_CHARACTERISTIC);
    await followBatteryLevel(link);
    return {
      ...information,
      rateHz: () => undefined, // every notification says its own
      ...(simPerson
        ? { writeSimPerson: (bytes: Uint8Array) => link.gatt(simPerson.writeAsync(Buffer.from(bytes), false), 'instructing the simulated person') }
        : {}),
    };
  },
};

/** Sets the rate the hub asks for (if it is one ours has) and reports the rate the sensor runs at. */
async function setRate(link: ProfileLink): Promise<void> {
  const control = link.find(IMU_CONTROL_CHARACTERISTIC);
  if (!control) return;
  const readConfig = async () => {
    const bytes = new Uint8Array(await link.gatt(control.readAsync(), 'reading the sensor configuration'));
    // Firmware of another protocol version: its samples would be misread, so the sensor is not used at all.
    if (bytes.length > 0 && bytes[0] !== PROTOCOL_VERSION) {
      const newer = bytes[0]! > PROTOCOL_VERSION;
      throw new UnusableSensorError(
        `${link.sensorName} runs firmware for Swivel protocol version ${bytes[0]}, and this hub reads version ${PROTOCOL_VERSION}: ${newer ? 'update Swivel on this computer' : "update the sensor's firmware"}`,
      );
    }
    return decodeSensorConfig(bytes);
  };
  let config = await readConfig();
  const wanted = SAMPLE_RATES_HZ.find((rate) => rate === link.rateHz) as SampleRateHz | undefined;
  if (config.ok && wanted !== undefined && config.config.rateHz !== wanted) {
    await link.gatt(control.writeAsync(Buffer.from(encodeSensorConfig({ ...config.config, rateHz: wanted })), false), 'setting the sample rate');
    config = await readConfig(); // report what the sensor actually runs at
  }
  if (config.ok) link.emit({ kind: 'config', sensorId: link.sensorId, rateHz: config.config.rateHz });
  else link.log(`${link.sensorId}: ${link.sensorName} reports a configuration we cannot read (${config.message})`);
}
