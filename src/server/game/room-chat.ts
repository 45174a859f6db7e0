/**
 * Chat in the world: the rate limit per player, the text rules, posting to the chat log and
 * delivering each posted line to everyone (the sender's copy carries its own id as `echo`, which
 * acknowledges it), and the lines a joining or resuming player missed.
 *
 * Delivery order is seq order because posts resolve in the order they were made (chat-log.ts).
 * A player seated between a post and its delivery may get that line twice (in its replay and
 * from the fan-out); clients drop a seq they already hold, so it shows once.
 */
import { checkChatText } from '../../shared/chat-text.js';
import type { Clock } from '../../shared/clock.js';
import { encodeMessage, type ChatLine } from '../../shared/protocol.js';
import type { ChatLog } from '../chat/chat-log.js';
import type { Logger } from '../logger.js';
import type { StoredChatLine } from '../store/store.js';
import type { FanOut } from './fan-out.js';
import type { Member } from './member.js';
import type { PlayerPort } from './player-port.js';

/** How much chat a fresh join sees, and the most a resume replays. */
export const HISTORY_ON_JOIN = 30;
export const REPLAY_LIMIT = 500;

export class RoomChat {
  constructor(
    private readonly log: ChatLog,
    private readonly fanOut: FanOut,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  get lastSeq(): number {
    return this.log.lastSeq;
  }

  /** A token bucket decides whether this line may be posted; returns false and tells the sender if not. */
  allow(member: Member, port: PlayerPort, clientId: string): boolean {
    const verdict = member.chatBucket.take(this.clock.now());
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
          port.send(chatMessage(line, clientId));
          return;
        }
        this.fanOut.publish(chatMessage(line), member.id);
        if (member.port === port) port.sendLater(Buffer.from(encodeMessage(chatMessage(line, clientId)), 'utf8'));
      },
      (err: unknown) => this.logger.log('error', 'chat_post_failed', { player: member.id, err: err instanceof Error ? err.stack : String(err) }),
    );
  }

  /** Sends the lines after `lastSeq` (a resume), or the recent history (a fresh join). */
  replay(port: PlayerPort, lastSeq: number | undefined): void {
    const missed = lastSeq === undefined ? this.log.after(0, HISTORY_ON_JOIN) : this.log.after(lastSeq, REPLAY_LIMIT);
    for (const line of missed) port.send(chatMessage(line));
  }
}

function chatMessage(line: StoredChatLine, echo?: string): ChatLine {
  const msg: ChatLine = { t: 'chat', seq: line.seq, from: line.from, name: line.name, text: line.text, atMs: line.atMs };
  return echo === undefined ? msg : { ...msg, echo };
}
