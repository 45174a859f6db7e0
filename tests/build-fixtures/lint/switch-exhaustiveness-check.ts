// A switch over a union that forgets a member: the lint must name the missing case.
export type Kind = 'live' | 'reconnecting' | 'gone';

export function label(kind: Kind): string {
  switch (kind) {
    case 'live':
      return 'here';
    case 'reconnecting':
      return 'dimmed';
  }
  return '?';
}
