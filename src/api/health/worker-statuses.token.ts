// The workers running in the API's own process (`npm run dev`), when there are any: the API's probes
// and metrics then cover them too. In production the worker process answers for its own.
export const WORKER_STATUSES = Symbol('WorkerStatuses');
