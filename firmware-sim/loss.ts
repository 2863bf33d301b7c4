import type { Random } from './random.ts';

/**
 * Packet loss in bursts: a Gilbert–Elliott channel with two states. In the good state every packet
 * arrives; in the bad state every packet is lost. The transition probabilities are set so that the
 * long-run loss rate is `lossRate` and a burst lasts `meanBurst` packets on average (when that is
 * possible; very high loss rates need longer bursts).
 */
export interface BurstLoss {
  lossRate: number;
  meanBurst: number;
  /** P(good → bad) per packet. */
  enterBad: number;
  /** P(bad → good) per packet. */
  leaveBad: number;
  bad: boolean;
}

export function burstLoss(lossRate: number, meanBurst = 3): BurstLoss {
  const p = Math.max(0, Math.min(1, lossRate));
  let leaveBad = 1 / Math.max(1, meanBurst);
  let enterBad = p >= 1 ? 1 : (p * leaveBad) / (1 - p);
  if (enterBad > 1) {
    enterBad = 1;
    leaveBad = (1 - p) / p;
  }
  return { lossRate: p, meanBurst, enterBad, leaveBad: p >= 1 ? 0 : leaveBad, bad: false };
}

/** Whether the next packet is lost; advances the channel's state. */
export function nextLost(channel: BurstLoss, random: Random): boolean {
  if (channel.lossRate <= 0) {
    channel.bad = false;
    return false;
  }
  const u = random.next();
  channel.bad = channel.bad ? u >= channel.leaveBad : u < channel.enterBad;
  return channel.bad;
}
