/**
 * The client's estimate of the server's clock and of the link's round trip, from ping/pong
 * pairs: offset = serverTime - (clientSend + rtt/2). The RTT is smoothed like TCP's SRTT
 * (1/8 gain) with a mean deviation as the jitter figure; the offset takes the sample with the
 * lowest RTT of the recent window, because that one had the least queueing in it.
 */
const WINDOW = 8;

export class ServerClock {
  rttMs = 0;
  jitterMs = 0;
  private offsetMs = 0;
  private samples: Array<{ rttMs: number; offsetMs: number }> = [];

  get synced(): boolean {
    return this.samples.length > 0;
  }

  /** A pong for a ping sent at `sentAtMs` (client clock), answered at `serverMs`, received now. */
  sample(sentAtMs: number, serverMs: number, nowMs: number): void {
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
  }

  serverNow(clientNowMs: number): number {
    return clientNowMs + this.offsetMs;
  }

  /** A new server (after a restart) has a new clock: forget what was learnt. */
  reset(): void {
    this.samples = [];
    this.offsetMs = 0;
  }
}
