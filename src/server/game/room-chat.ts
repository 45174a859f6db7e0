/**
 * Chat in the world: the rate limit per account (kept after the player leaves, so leaving and
 * rejoining does not refill it), the text rules, posting to the chat log and
 * delivering each posted line to everyone (the sender's copy carries its own id as `echo`, which
 * acknowledges it), and the lines a joining or resuming player missed: within its session's
 * window and its allowance (chat/replay-policy.ts), paced over the next ticks (drip-feed.ts).
 *
 * Delivery order is seq order because posts resolve in the order they were made (chat-log.ts).
 * A player seated between a post and its delivery may get that line twice (in its replay and
 * from the fan-out); clients drop a seq they already hold, so it shows once.
 */
import { checkChatText } from '../../shared/chat-text.js';
import type { Clock } from '../../shared/clock.js';
import { encodeMessage, type ChatLine } from '../../shared/protocol.js';
import type { ChatLog } from '../chat/chat-log.js';
import type { ReplayPolicy } from '../chat/replay-policy.js';
import { KeyedBuckets } from '../limits/keyed-buckets.js';
import type { Logger } from '../logger.js';
import type { StoredChatLine } from '../store/store.js';
import { listSource, type DripFeed } from './drip-feed.js';
import type { FanOut } from './fan-out.js';
import type { Member } from './member.js';
import type { PlayerPort } from './player-port.js';

export interface ChatRate {
  readonly burst: number;
  readonly perSecond: number;
}

export class RoomChat {
  /** Chat rate by account id: outlives the member, so leave/rejoin does not refill it. */
  private limits: KeyedBuckets<number>;

  constructor(
    private readonly log: ChatLog,
    private readonly fanOut: FanOut,
    private readonly replayPolicy: ReplayPolicy,
    private readonly drip: DripFeed,
    rate: ChatRate,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.limits = new KeyedBuckets(rate.burst, rate.perSecond);
  }

  /** The chat rate (tests and benchmarks raise it); a new rate starts every account afresh. */
  get rate(): ChatRate {
    return { burst: this.limits.capacity, perSecond: this.limits.perSecond };
  }

  set rate(rate: ChatRate) {
    this.limits = new KeyedBuckets(rate.burst, rate.perSecond);
  }

  get lastSeq(): number {
    return this.log.lastSeq;
  }

  /** A token bucket decides whether this line may be posted; returns false and tells the sender if not. */
  allow(member: Member, port: PlayerPort, clientId: string): boolean {
    const verdict = this.limits.take(member.id, this.clock.now());
    if (verdict.ok) return true;
    port.send({ t: 'chat_rejected', id: clientId, reason: 'slow_down', retryAfterMs: verdict.retryAfterMs });
    this.logger.log('info', 'chat_rate_limited', { conn: port.connId, player: member.id });
    return false;
  }

  say(member: Member, port: PlayerPort, clientId: string, raw: string): void {
    const checked = checkChatText(raw);
    if (!checked.ok) {
      this.logger.log('info', 'chat_rejected', { conn: port.connId, player: member.id, reason: checked.reason });
      port.send({ t: 'chat_rejected', id: clientId, reason: checked.reason });
      return;
    }
    this.log.post({ from: member.id, name: member.name, clientId, text: checked.text, atMs: this.clock.wallMs() }).then(
      ({ line, fresh }) => {
        if (!fresh) {
          // A resend: only the sender hears of it again, as the acknowledgement it missed.
          const again = chatMessage(line, clientId);
          if (this.drip.pendingFor(member.id)) this.drip.add(member.id, port, listSource([again], encoded));
          else port.send(again);
          return;
        }
        this.fanOut.publish(chatMessage(line), member.id);
        if (member.port === port) this.sendBehindDrip(member.id, port, encoded(chatMessage(line, clientId)));
      },
      (err: unknown) => this.logger.log('error', 'chat_post_failed', { player: member.id, err: err instanceof Error ? err.stack : String(err) }),
    );
  }

  /**
   * Queues the lines after `lastSeq` (a resume), or the recent history (a fresh join), as far as
   * the session's window and the allowance of its account and address go (replay-policy.ts).
   */
  replay(member: Member, port: PlayerPort, lastSeq: number | undefined): void {
    const missed = this.replayPolicy.linesFor(member.id, port.addressKey, lastSeq, this.clock.now());
    if (missed.length > 0) this.drip.add(member.id, port, listSource(missed, (line) => encoded(chatMessage(line))));
  }

  /**
   * A live line for one player, behind a replay still dripping out, so lines arrive in seq order
   * (a client drops any seq not above the newest it holds).
   */
  private sendBehindDrip(playerId: number, port: PlayerPort, bytes: Buffer): void {
    if (this.drip.pendingFor(playerId)) this.drip.add(playerId, port, listSource([bytes], (b) => b));
    else port.sendLater(bytes);
  }
}

/** The UTF-8 bytes of a chat message as it goes on the wire (and as the replay allowance counts it). */
export function chatBytes(line: StoredChatLine): number {
  return Buffer.byteLength(encodeMessage(chatMessage(line)));
}

function encoded(msg: ChatLine): Buffer {
  return Buffer.from(encodeMessage(msg), 'utf8');
}

function chatMessage(line: StoredChatLine, echo?: string): ChatLine {
  const msg: ChatLine = { t: 'chat', seq: line.seq, from: line.from, name: line.name, text: line.text, atMs: line.atMs };
  return echo === undefined ? msg : { ...msg, echo };
}
