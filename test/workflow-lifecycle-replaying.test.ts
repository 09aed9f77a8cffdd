// The same lifecycle suite, each test's workflow histories then replayed from their first event
// against the current code, so that any non-determinism in the workflow code fails here at once.
// (Replaying recorded runs rather than running uncached: local activities need the worker's cache
// to finish within their workflow task.)
import { lifecycleSuite } from './support/lifecycle-suite';

lifecycleSuite('appointmentLifecycle (time-skipping, every history replayed)', { replayHistories: true });
