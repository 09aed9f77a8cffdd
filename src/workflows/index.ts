// Entry point of the workflow bundle: every workflow type the core worker runs.
export { appointmentLifecycle } from './appointment-lifecycle';
