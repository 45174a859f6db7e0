/**
 * Bodies in their grace period, by the address they dropped from, oldest first. A join that
 * drops at once leaves a body in the world for the whole grace period; past `maxPerAddress` such
 * bodies the oldest of that address is let go at once (it leaves like an expired grace), so one
 * address cannot fill the world with ghosts. An address whose players reconnect in time never
 * reaches the bound: a resume takes its body out of the ledger.
 */
export class GraceLedger {
  /** Address -> player ids in grace, oldest first (a Set keeps insertion order). */
  private readonly byAddress = new Map<string, Set<number>>();
  private readonly addressOf = new Map<number, string>();

  constructor(private readonly maxPerAddress: number) {}

  /** A player from `address` entered its grace period; returns the players to let go now. */
  entered(playerId: number, address: string): number[] {
    this.left(playerId);
    let ids = this.byAddress.get(address);
    if (!ids) this.byAddress.set(address, (ids = new Set()));
    ids.add(playerId);
    this.addressOf.set(playerId, address);
    const evicted: number[] = [];
    for (const id of ids) {
      if (ids.size - evicted.length <= this.maxPerAddress) break;
      evicted.push(id);
    }
    for (const id of evicted) this.left(id);
    return evicted;
  }

  /** The player resumed, or left the world. */
  left(playerId: number): void {
    const address = this.addressOf.get(playerId);
    if (address === undefined) return;
    this.addressOf.delete(playerId);
    const ids = this.byAddress.get(address);
    ids?.delete(playerId);
    if (ids?.size === 0) this.byAddress.delete(address);
  }

  countFor(address: string): number {
    return this.byAddress.get(address)?.size ?? 0;
  }
}
