/**
 * The hub socket for this page: `/ws` for the live session, or `/ws/replay/ID` when the page was
 * opened as `?replay=ID` (the history screen's Replay button).
 */
export function defaultHubUrl(loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const replay = replayIdFrom(loc.search);
  return `${scheme}//${loc.host}/ws${replay !== null ? `/replay/${encodeURIComponent(replay)}` : ''}`;
}

/** The session id in `?replay=ID`, or null on a live page. */
export function replayIdFrom(search: string): string | null {
  const id = new URLSearchParams(search).get('replay');
  return id === null || id === '' ? null : id;
}

/** The hub's HTTP base next to its socket, e.g. http://host:8080 for ws://host:8080/ws. */
export function httpBaseOf(socketUrl: string): string {
  const url = new URL(socketUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '';
  return url.origin;
}
