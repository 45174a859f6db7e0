/**
 * The worlds this page's server lists (GET /worlds): for the join screen's picker, and the
 * cluster's node URLs, the only places a `moved` may send this tab. Fetched when the join screen
 * shows, now and then while it does, and again when a `moved` names a node not yet known (a node
 * that joined the cluster since): the next `moved` to it is then followed.
 */
import { decodeWorldList, type WorldList } from '../../shared/protocol.js';

export class WorldListSource {
  private latest: WorldList = { worlds: [], nodes: [] };
  private pending: Promise<WorldList> | null = null;

  constructor(private readonly onChange: (list: WorldList) => void = () => {}) {}

  get current(): WorldList {
    return this.latest;
  }

  /** Whether a `moved` may send this tab to `url`: a node the cluster lists. */
  knows(url: string): boolean {
    if (this.latest.nodes.includes(url)) return true;
    void this.refresh();
    return false;
  }

  refresh(): Promise<WorldList> {
    this.pending ??= fetch('/worlds', { cache: 'no-store' })
      .then(async (res) => (res.ok ? decodeWorldList(await res.text()) : null))
      .then((list) => {
        if (list) {
          this.latest = list;
          this.onChange(list);
        }
        return this.latest;
      })
      .catch(() => this.latest)
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}
