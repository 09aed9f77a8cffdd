// The clinic's live activity (the clinicActivity subscription) handed to whichever views are open:
// each view says which events concern it and asks its query again, so a reply or a delivery status
// shows without a reload.
import { createContext, useContext, useEffect, useRef } from 'react';
import { graphql } from '../gql';
import type { ClinicActivitySubscription } from '../gql/graphql';

export const ClinicActivityDocument = graphql(`
  subscription ClinicActivity {
    clinicActivity {
      externalId
      kind
      at
    }
  }
`);

/** kind: appointment (its state changed), reply, message (one to the patient was recorded), delivery_status. */
export type Activity = ClinicActivitySubscription['clinicActivity'];

/** An event, or null after the stream was lost and is back: whatever happened meanwhile may concern anyone. */
type Listener = (activity: Activity | null) => void;

export class ActivityHub {
  private readonly listeners = new Set<Listener>();
  private readonly streamWatchers = new Set<() => void>();
  private lost = false;

  /** The live stream broke and is being opened again (the header says so). */
  get streamLost(): boolean {
    return this.lost;
  }

  /** From the stream client: lost, or back (then every view asks again: it may have missed events). */
  streamChanged(lost: boolean): void {
    if (this.lost === lost) return;
    this.lost = lost;
    for (const watcher of this.streamWatchers) watcher();
    if (!lost) this.resync();
  }

  /** For useSyncExternalStore. */
  watchStream = (watcher: () => void): (() => void) => {
    this.streamWatchers.add(watcher);
    return () => this.streamWatchers.delete(watcher);
  };

  emit(activity: Activity): void {
    for (const listener of this.listeners) listener(activity);
  }

  /** The stream is back after a break: every view asks again. */
  resync(): void {
    for (const listener of this.listeners) listener(null);
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const ActivityContext = createContext<ActivityHub>(new ActivityHub());

/** A burst of events (a booking writes several rows) asks again once, this long after the first. */
const COALESCE_MS = 50;

/**
 * Calls `refresh` after activity that `concerns` the view (and after the stream comes back from a
 * break): a burst of events asks once.
 * `refresh` should ask the server again (urql: reexecuteQuery({ requestPolicy: 'network-only' })).
 */
export function useRefreshOnActivity(concerns: (activity: Activity) => boolean, refresh: () => void): void {
  const hub = useContext(ActivityContext);
  // The latest callbacks, without re-subscribing on every render.
  const latest = useRef({ concerns, refresh });
  latest.current = { concerns, refresh };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = hub.listen((activity) => {
      if (timer !== undefined || (activity !== null && !latest.current.concerns(activity))) return;
      timer = setTimeout(() => {
        timer = undefined;
        latest.current.refresh();
      }, COALESCE_MS);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [hub]);
}
