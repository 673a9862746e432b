import { Injectable, MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { RunStatus } from '@app/contracts';
import { RunEvents } from '@app/queue';
import { RunViewService } from '../run-view.service';
import { RunsService } from '../runs.service';

const ENDED: RunStatus[] = [RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled];

/** Notices closer together than this are answered with one read of the run. */
export const COALESCE_MS = 250;

/**
 * A run's live view as server-sent events: `run` events carrying GET /v1/runs/:id's body, the first at
 * once and then one after each notice on the run's Redis channel (coalesced), until the run has ended;
 * then an `end` event and the stream closes. Nothing polls: a run that does not change sends nothing.
 */
import type { ProjectScope } from '@app/auth';

@Injectable()
export class RunStreamService {
  constructor(
    private readonly runs: RunsService,
    private readonly views: RunViewService,
    private readonly events: RunEvents,
  ) {}

  /** Throws NotFound (before any event is sent) for an unknown run. */
  async stream(runId: string, scope: ProjectScope): Promise<Observable<MessageEvent>> {
    await this.runs.get(runId, scope);
    return new Observable<MessageEvent>((sub) => {
      let closed = false;
      let timer: NodeJS.Timeout | null = null;
      let reading: Promise<void> = Promise.resolve();
      let unsubscribe: (() => Promise<void>) | null = null;
      const send = async () => {
        if (closed) return;
        const view = await this.views.view(await this.runs.get(runId, scope));
        if (closed) return;
        sub.next({ type: 'run', data: view });
        if (ENDED.includes(view.status)) {
          sub.next({ type: 'end', data: { status: view.status } });
          sub.complete();
        }
      };
      const fail = (err: unknown) => {
        if (!closed) sub.error(err);
      };
      const schedule = () => {
        if (timer || closed) return;
        timer = setTimeout(() => {
          timer = null;
          reading = reading.then(send).catch(fail);
        }, COALESCE_MS);
      };
      // Subscribed before the first read, so that no change falls between them.
      this.events
        .subscribe(runId, schedule)
        .then((u) => {
          unsubscribe = u;
          if (closed) return void u();
          reading = reading.then(send).catch(fail);
        })
        .catch(fail);
      return () => {
        closed = true;
        if (timer) clearTimeout(timer);
        void unsubscribe?.();
      };
    });
  }
}
