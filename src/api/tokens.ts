// Injection tokens for what the API is handed rather than builds: its settings, the database, Temporal,
// the cipher that opens tenants' provider credentials, and who calls the clinic API (one per process).
export const ARO_CONFIG = Symbol('AroConfig');
export const DB = Symbol('Db');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const CREDENTIAL_CIPHER = Symbol('CredentialCipher');
export const CLINIC_CONTEXT = Symbol('ClinicContext');
