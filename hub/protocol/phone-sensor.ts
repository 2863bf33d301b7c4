/**
 * The phone sensor's WebSocket (`/ws/sensor`): what the sensor page and the hub say to each other.
 * The page converts each `devicemotion` reading with phone-motion.ts and sends samples in the
 * sensor's units (g, deg/s, sensor axes) with the phone's own timestamps; the hub times and batches
 * them (hub/pipeline/phone-samples.ts) into the same pipeline as every other sensor.
 */
import { Type, type Static } from 'typebox';

/** Most samples in one message: about half a second at 60 Hz, so one message stays well under the hub's 4 KiB limit. */
export const MAX_PHONE_SAMPLES_PER_MESSAGE = 32;

/** Largest magnitude of a sample value the hub takes (g or deg/s). */
export const MAX_PHONE_VALUE = 10_000;

const Shin = Type.Union([Type.Literal('left'), Type.Literal('right'), Type.Null()]);

/** First message: who is sending. The hub answers with `welcome` (or closes the socket with the reason). */
export const PhoneHelloMessage = Type.Object(
  {
    type: Type.Literal('hello'),
    /** What the sensor panel calls the phone ("Phone (Android)"). */
    name: Type.String({ minLength: 1, maxLength: 40 }),
    /** Which shin the phone is strapped to, as the person chose on the page (null: not said). */
    shin: Shin,
    /** Which browser quirks were applied (phone-motion.ts), for the log. */
    browser: Type.Union([Type.Literal('safari-ios'), Type.Literal('standard')]),
    /**
     * Where the page's clock starts, ms since 1970 (`performance.timeOrigin`): a reloaded page's clock
     * starts again at 0, and with this the hub keeps the phone's time running on across reloads.
     */
    clockOrigin: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PhoneHelloMessage = Static<typeof PhoneHelloMessage>;

/**
 * Samples in order: `t[i]` is reading i's `timeStamp` (ms, the page's clock), and `imu[6i … 6i+5]`
 * its ax, ay, az (g), gx, gy, gz (deg/s) on the sensor axes.
 */
export const PhoneSamplesMessage = Type.Object(
  {
    type: Type.Literal('samples'),
    t: Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, maxItems: MAX_PHONE_SAMPLES_PER_MESSAGE }),
    /** Bounded far beyond any phone's range (±16 g, ±2000 °/s), so nonsense never reaches the fusion. */
    imu: Type.Array(Type.Number({ minimum: -MAX_PHONE_VALUE, maximum: MAX_PHONE_VALUE }), { minItems: 6, maxItems: 6 * MAX_PHONE_SAMPLES_PER_MESSAGE }),
  },
  { additionalProperties: false },
);
export type PhoneSamplesMessage = Static<typeof PhoneSamplesMessage>;

/** The page was hidden (screen locked, another app): motion events stop until it is shown again. */
export const PhonePausedMessage = Type.Object({ type: Type.Literal('paused'), reason: Type.Literal('hidden') }, { additionalProperties: false });
export type PhonePausedMessage = Static<typeof PhonePausedMessage>;

export const PhoneClientMessage = Type.Union([PhoneHelloMessage, PhoneSamplesMessage, PhonePausedMessage]);
export type PhoneClientMessage = Static<typeof PhoneClientMessage>;

/** The hub took the phone as a sensor: its id in the sensor panel and in every angle message. */
export const PhoneWelcomeMessage = Type.Object({ type: Type.Literal('welcome'), sensorId: Type.String() });
/** A message the hub could not use, in a sentence; the socket stays open. */
export const PhoneErrorMessage = Type.Object({ type: Type.Literal('error'), message: Type.String() });
export const PhoneServerMessage = Type.Union([PhoneWelcomeMessage, PhoneErrorMessage]);
export type PhoneServerMessage = Static<typeof PhoneServerMessage>;

/** The close code the hub uses when a socket's first message is not a hello. */
export const CLOSE_PHONE_NO_HELLO = 4400;
