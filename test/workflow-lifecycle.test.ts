// appointmentLifecycle under the time-skipping server, with the worker's workflow cache.
import { lifecycleSuite } from './support/lifecycle-suite';

lifecycleSuite('appointmentLifecycle (time-skipping)', {});
