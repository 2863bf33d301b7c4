import type { SessionView, SetView } from '../../hub/protocol/session.ts';
import type { HubFacts } from '../../web/src/view-model/dashboard.ts';
import type { SensorFacts } from '../../web/src/view-model/sensor.ts';

/** A set under way as the hub describes it: seated-hip-ir, left, set 1 of 1, nothing counted yet. */
export function aSet(overrides: Partial<SetView> = {}): SetView {
  return {
    exerciseId: 'seated-hip-ir',
    kind: 'reps',
    side: 'left',
    set: 1,
    sets: 1,
    reps: 0,
    repTarget: 20,
    pendingReps: 0,
    holdsReached: 0,
    partials: 0,
    lastRep: null,
    endHoldTargetSeconds: 3,
    endHoldSeconds: null,
    missedHolds: 0,
    hold: null,
    effort: null,
    maxAngle: null,
    gapSeconds: 0,
    waitingForSensor: false,
    targetReached: false,
    startedAt: 1_000,
    postureWarning: null,
    ...overrides,
  };
}

/** A session: idle unless told otherwise. */
export function aSession(overrides: Partial<SessionView> = {}): SessionView {
  return {
    status: 'idle',
    programme: { id: 'hip-internal-rotation', title: 'Hip internal rotation', exercises: 26 },
    exerciseIndex: null,
    current: null,
    rest: null,
    next: null,
    results: [],
    rom: [],
    startedAt: null,
    calibration: null,
    ...overrides,
  };
}

export function aSensor(overrides: Partial<SensorFacts> = {}): SensorFacts {
  return {
    id: 'swivel-0001',
    shin: null,
    info: { name: 'Swivel-0001', manufacturer: null, model: null, firmware: null },
    state: 'connected',
    detail: 'Connected',
    stats: null,
    angle: 12.5,
    angleAt: 9_900,
    angleHealth: 'ok',
    counting: false,
    ...overrides,
  };
}

/** The connection's state: live, with a sensor, no session view yet. */
export function aHub(overrides: Partial<HubFacts> = {}): HubFacts {
  return {
    status: 'live',
    everLive: true,
    failures: 0,
    retryAt: null,
    refused: null,
    notice: null,
    hubVersion: '0.1.0',
    sensorSource: 'sim',
    role: 'coach',
    replay: null,
    session: aSession(),
    programme: null,
    primary: aSensor(),
    sensors: [aSensor()],
    ...overrides,
  };
}
