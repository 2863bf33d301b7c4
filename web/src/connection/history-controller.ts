import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { HistoryImportEvent } from '../components/history-files.ts';
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
  /** What became of the last import, for the person who asked; and whether one is under way. */
  importNote = '';
  importBusy = false;

  private request: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** The hub's HTTP origin, e.g. http://host:8080. */
    private readonly base: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener(HistoryImportEvent.eventName, this.onImport);
  }

  /** A recording chosen on the history screen: sent to the hub as a new session, then the list afresh. */
  private readonly onImport = async (event: HistoryImportEvent): Promise<void> => {
    this.importBusy = true;
    this.importNote = `Importing ${event.file.name}…`;
    this.host.requestUpdate();
    const query = new URLSearchParams({ exercise: event.exerciseId, name: event.file.name, ...(event.side ? { side: event.side } : {}) });
    try {
      const response = await fetch(`${this.base()}/api/sessions/import?${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: await event.file.text() });
      if (response.ok) {
        const item = (await response.json()) as RecordedSessionItem;
        this.importNote = `${event.file.name} is now session ${item.id} (${item.samples} samples).`;
        this.open();
      } else {
        this.importNote = `Not imported: ${(await errorMessage(response)).replace(/^the uploaded file: /, '')}`;
      }
    } catch {
      this.importNote = 'Not imported: the hub is not reachable. Try again once it is back.';
    }
    this.importBusy = false;
    this.host.requestUpdate();
  };

  hostDisconnected(): void {
    this.host.removeEventListener(HistoryImportEvent.eventName, this.onImport);
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
