/**
 * Bot names: a Chinese part and a Latin part (in either order) and a fixed-length suffix that
 * makes every name of a run unique. The suffix alphabet leaves out characters the server folds
 * together when it compares names (0/o, 1/l/i, 5/s), so two suffixes never collide, and the
 * whole name stays within the 16-character limit.
 */
import type { Rng } from '../shared/rng.js';

const CN = ['葬爱', '小龙', '星辰', '阿明', '白雪', '江湖', '风', '云', '月影', '剑客', '小猫', '大熊', '青山', '流水', '火锅', '饺子'];
const LATIN = ['Ace', 'Nova', 'Kit', 'Zed', 'Mira', 'Rex', 'Juno', 'Pip', 'Vex', 'Bo', 'Yuki', 'Tao', 'Max', 'Ren', 'Quinn', 'Dax'];
const SUFFIX = '2346789abcdefghjkmnpqrtuvwxyz';

export function suffixOf(index: number, width = 3): string {
  let s = '';
  let n = index;
  for (let i = 0; i < width; i++) {
    s = SUFFIX[n % SUFFIX.length]! + s;
    n = Math.floor(n / SUFFIX.length);
  }
  return s;
}

/** The name of bot `index` of a run; `attempt` > 0 gives another name if one was taken. */
export function botName(rng: Rng, index: number, attempt = 0): string {
  const cn = CN[rng.int(0, CN.length - 1)]!;
  const latin = LATIN[rng.int(0, LATIN.length - 1)]!;
  const head = rng.chance(0.5) ? `${cn}${latin}` : `${latin}${cn}`;
  const tail = attempt === 0 ? suffixOf(index) : `${suffixOf(index)}${suffixOf(attempt, 2)}`;
  return `${head}·${tail}`;
}
