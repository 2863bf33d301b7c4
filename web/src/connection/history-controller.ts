import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RecordedSessionDetail, RecordedSessionItem, RescoreResponse, SessionListResponse } from '../../../hub/protocol/recordings.ts';
import { digestDetail, digestRescore, unreadableSession, type HistorySession } from '../view-model/history-model.ts';

/**
 * - `idle`: not opened yet;
 * - `loading`: the first page is on its way;
 * - `ready`: `sessions` holds what has been loaded (possibly none);
 * - `unavailable`: the hub is not recording (503: the data directory could not be opened);
 * - `error`: the hub could not be reached or answered something else.
 */
export type HistoryState = 'idle' | 'loading' | 'ready' | 'unavailable' | 'error';

/** Sessions per page: each needs a second request for its figures. */
const PAGE = 10;

/**
 * Fetches recorded sessions for the history screen over `/api/sessions` (the socket is the hub
 * connection's; this only makes HTTP requests, and only while the history screen asks). A page is
 * the list plus, for each session, its figures: a live session's kept summary, or, for an imported
 * file (which keeps none), its re-scoring. Replaces `sessions` with a new array on every change, so
 * views can compare references.
 */
export class HistoryController implements ReactiveController {
  state: HistoryState = 'idle';
  /** Newest first. */
  sessions: readonly HistorySession[] = [];
  total = 0;
  loadingMore = false;
  /** The hub's reason (503) or what went wrong (error). */
  message = '';

  private request: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The hub's HTTP origin, e.g. http://host:8080. */
    private readonly base: () => string,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.request?.abort();
    this.request = null;
  }

  /** Loads the newest page afresh (each time the screen opens: sessions may have been recorded since). */
  open(): void {
    this.state = 'loading';
    this.loadingMore = false;
    this.message = '';
    void this.load(0, true);
  }

  /** The next (older) page. */
  more(): void {
    if (this.state !== 'ready' || this.loadingMore || this.sessions.length >= this.total) return;
    this.loadingMore = true;
    this.host.requestUpdate();
    void this.load(this.sessions.length, false);
  }

  private async load(offset: number, fresh: boolean): Promise<void> {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    const { signal } = request;
    try {
      const response = await fetch(`${this.base()}/api/sessions?offset=${offset}&limit=${PAGE}`, { signal });
      if (!response.ok) {
        const reason = await errorMessage(response);
        if (this.request !== request) return;
        this.state = response.status === 503 ? 'unavailable' : 'error';
        this.message = reason;
        return;
      }
      const page = (await response.json()) as SessionListResponse;
      // Live sessions' details in parallel; imports' re-scorings one at a time (the hub answers 500
      // "statement is busy" to re-scorings that overlap).
      const details = Promise.all(page.sessions.map((item) => (item.source === 'import' ? null : this.digest(item, signal))));
      const rescored = new Map<number, HistorySession>();
      for (const item of page.sessions) if (item.source === 'import') rescored.set(item.id, await this.digest(item, signal));
      const digests = (await details).map((d, i) => d ?? rescored.get(page.sessions[i]!.id)!);
      if (this.request !== request) return;
      const known = fresh ? [] : this.sessions;
      const seen = new Set(known.map((s) => s.id));
      this.sessions = [...known, ...digests.filter((d) => !seen.has(d.id))];
      this.total = page.total;
      this.state = 'ready';
    } catch (error) {
      if (signal.aborted || this.request !== request) return;
      if (fresh) {
        this.state = 'error';
        this.message = `Could not reach the hub (${String(error)}).`;
      } else this.message = 'Could not load more sessions; try again.';
    } finally {
      if (this.request === request) {
        this.request = null;
        this.loadingMore = false;
        this.host.requestUpdate();
      }
    }
  }

  private async digest(item: RecordedSessionItem, signal: AbortSignal): Promise<HistorySession> {
    try {
      if (item.source === 'import') {
        const response = await fetch(`${this.base()}/api/sessions/${item.id}/rescore`, { signal });
        if (!response.ok) return unreadableSession(item, await errorMessage(response));
        return digestRescore(item, (await response.json()) as RescoreResponse);
      }
      const response = await fetch(`${this.base()}/api/sessions/${item.id}`, { signal });
      if (!response.ok) return unreadableSession(item, await errorMessage(response));
      return digestDetail(item, (await response.json()) as RecordedSessionDetail);
    } catch (error) {
      if (signal.aborted) throw error;
      return unreadableSession(item, `could not read its results (${String(error)})`);
    }
  }
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: the status says enough.
  }
  return `the hub answered ${response.status} ${response.statusText}`.trim();
}
