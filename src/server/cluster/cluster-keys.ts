/**
 * Every Redis key the cluster uses, in one place, under one prefix (so several clusters, or
 * parallel test runs, can share a Redis). A single Redis, not Redis Cluster: the session scripts
 * touch a session and a world's lease together, which Redis Cluster would need in one slot.
 */
export class ClusterKeys {
  constructor(readonly prefix = 'tether:') {}

  /** Hash {node, token, epoch} with a TTL: who runs the world (world-leases.ts). */
  lease(world: string): string {
    return `${this.prefix}world:${world}:lease`;
  }

  /**
   * String with a short TTL: the node a draining node is handing the world to. Until that node
   * claims it, every node sends the world's players there (cluster-placement.ts).
   */
  handoff(world: string): string {
    return `${this.prefix}world:${world}:handoff`;
  }

  /** Stream of the world's chat lines, entry id `<seq>-0` (world-chat-stream.ts). */
  chatStream(world: string): string {
    return `${this.prefix}world:${world}:chat`;
  }

  /** Sorted set `<from>:<clientId>` scored by seq: recent client line ids, for dedupe. */
  chatClientIds(world: string): string {
    return `${this.prefix}world:${world}:chat-ids`;
  }

  /** The last chat seq handed out in the world. */
  chatSeq(world: string): string {
    return `${this.prefix}world:${world}:chat-seq`;
  }

  /** Hash: node id -> JSON of its public URL, load, worlds and heartbeat time (cluster-directory.ts). */
  nodes(): string {
    return `${this.prefix}nodes`;
  }

  /** Hash of one session, keyed by the sha256 (hex) of its current resume token (session-store.ts). */
  session(tokenHashHex: string): string {
    return `${this.prefix}session:${tokenHashHex}`;
  }
}
