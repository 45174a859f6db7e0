/**
 * The client's estimate of the server's clock, its tick, and the link's round trip, from the
 * heartbeat (ping/pong) pairs and the tick numbers they carry.
 *
 * - Round trip: smoothed like TCP's SRTT (gain 1/8) with the mean deviation (gain 1/4) as the
 *   jitter figure the debug overlay shows.
 * - Offset: serverTime - (clientSend + rtt/2) of the sample with the lowest RTT in the recent
 *   window: that one had the least queueing in it, so its midpoint assumption is the best.
 * - Tick phase: the server runs tick n at about origin + n * tickMs on its clock. A pong answered at
 *   server time `st` during tick n proves origin <= st - n * tickMs (the tick had run); the
 *   smallest such bound over the window is the estimate (timer lateness only loosens the bound).
 *   `tickAt(now)` is then the server's current (fractional) tick as seen from this client.
 *
 * A new server (restart) has a new clock and counts ticks from zero: `reset()` forgets everything.
 * No timers, no I/O: the client feeds it, tests drive it with made-up numbers.
 */
const WINDOW = 8;
const TICK_WINDOW = 32;

export class ServerClock {
  rttMs = 0;
  /** Mean deviation of the RTT (RFC 6298 RTTVAR). */
  jitterMs = 0;
  private offsetMs = 0;
  private samples: Array<{ rttMs: number; offsetMs: number }> = [];
  private tickMs = 0;
  private readonly origins: number[] = [];
  private originMs: number | null = null;

  get synced(): boolean {
    return this.samples.length > 0;
  }

  /** The server's tick length; tick estimates need it. */
  setTickMs(tickMs: number): void {
    if (tickMs !== this.tickMs) {
      this.tickMs = tickMs;
      this.origins.length = 0;
      this.originMs = null;
    }
  }

  /**
   * A pong for a ping sent at `sentAtMs` (client clock), answered at `serverMs` (server clock)
   * during server tick `tick` (when known), received at `nowMs`.
   */
  sample(sentAtMs: number, serverMs: number, nowMs: number, tick?: number): void {
    const rtt = Math.max(0, nowMs - sentAtMs);
    if (this.samples.length === 0) {
      this.rttMs = rtt;
      this.jitterMs = rtt / 2;
    } else {
      this.jitterMs += (Math.abs(rtt - this.rttMs) - this.jitterMs) / 4;
      this.rttMs += (rtt - this.rttMs) / 8;
    }
    this.samples.push({ rttMs: rtt, offsetMs: serverMs - (sentAtMs + rtt / 2) });
    if (this.samples.length > WINDOW) this.samples.shift();
    let best = this.samples[0]!;
    for (const s of this.samples) if (s.rttMs < best.rttMs) best = s;
    this.offsetMs = best.offsetMs;
    if (tick !== undefined) this.tickSample(serverMs, tick);
  }

  /** A (server time, tick) pair from any message that has both (pong, welcome). */
  tickSample(serverMs: number, tick: number): void {
    if (this.tickMs <= 0) return;
    this.origins.push(serverMs - tick * this.tickMs);
    if (this.origins.length > TICK_WINDOW) this.origins.shift();
    this.originMs = Math.min(...this.origins);
  }

  /** The server clock now, as estimated on this client. */
  serverNow(clientNowMs: number): number {
    return clientNowMs + this.offsetMs;
  }

  /** The server's current tick (fractional), or null before the first tick sample. */
  tickAt(clientNowMs: number): number | null {
    if (this.originMs === null || this.tickMs <= 0) return null;
    return (this.serverNow(clientNowMs) - this.originMs) / this.tickMs;
  }

  /** The client time at which the server ran (runs) tick `tick`, or null before tick sync. */
  clientTimeOfTick(tick: number): number | null {
    if (this.originMs === null || this.tickMs <= 0) return null;
    return this.originMs + tick * this.tickMs - this.offsetMs;
  }

  /** A new server (after a restart) has a new clock: forget what was learnt. */
  reset(): void {
    this.samples = [];
    this.offsetMs = 0;
    this.origins.length = 0;
    this.originMs = null;
  }
}
