/**
 * Turns the world after a tick into binary state frames for every connected player. Today every
 * recipient gets the same full snapshot, encoded once and patched with its own ackSeq; this is
 * the one place where deltas and interest management plug in.
 */
import { SNAPSHOT_FULL, encodeSnapshot, withAck } from '../../shared/snapshot-codec.js';
import type { ClientLink } from '../net/client-link.js';
import type { World } from './world.js';

export interface Recipient {
  readonly playerId: number;
  readonly link: ClientLink;
}

export class StateBroadcaster {
  broadcast(world: World, recipients: Iterable<Recipient>): void {
    const frame = encodeSnapshot({ kind: SNAPSHOT_FULL, tick: world.tick, ackSeq: 0, bodies: world.bodyStates(), removed: [] });
    for (const r of recipients) {
      const ack = world.bodies.get(r.playerId)?.ackSeq ?? 0;
      if (r.link.sendState(withAck(frame, ack))) r.link.needsFullState = false;
    }
  }
}
