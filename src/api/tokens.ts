// Injection tokens for what the API is handed rather than builds: its settings, the database and Temporal.
export const ARO_CONFIG = Symbol('AroConfig');
export const DB = Symbol('Db');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
