// Injection tokens for what the API is handed rather than builds: its settings, the database, Temporal
// and the cipher that opens tenants' provider credentials.
export const ARO_CONFIG = Symbol('AroConfig');
export const DB = Symbol('Db');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const CREDENTIAL_CIPHER = Symbol('CredentialCipher');
