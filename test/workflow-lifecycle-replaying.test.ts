// The same lifecycle suite with maxCachedWorkflows: 0, so every workflow task replays the whole
// history and any non-determinism in the workflow code fails here at once.
import { lifecycleSuite } from './support/lifecycle-suite';

lifecycleSuite('appointmentLifecycle (time-skipping, maxCachedWorkflows: 0)', { maxCachedWorkflows: 0 });
