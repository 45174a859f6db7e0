/**
 * Sends a player to the node that runs its world. The lobby does it to a player arriving at the
 * wrong node, a room to its players when the world moves away; both must say it the same way.
 */
import { CloseCode } from '../../shared/close-codes.js';
import type { PlayerPort } from './player-port.js';

export function sendMoved(port: PlayerPort, world: string, url: string): void {
  if (port.protocolVersion >= 3) {
    port.send({ t: 'moved', world, url });
    port.close(CloseCode.Moved, 'moved');
  } else {
    // Older clients know no `moved`: the close reason says where, for a person reading a log.
    port.close(CloseCode.Moved, `world ${world} runs at ${url}`.slice(0, 120));
  }
}
