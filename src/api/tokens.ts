// Injection tokens for what the API is handed rather than builds: its settings, the database, Temporal
// the cipher that opens tenants' provider credentials, and what turns a request into its caller (a token
// of its own, not in clinic-graphql.ts, because the SSE stream that needs it is itself one of that file's providers).
export const ARO_CONFIG = Symbol('AroConfig');
export const DB = Symbol('Db');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const CREDENTIAL_CIPHER = Symbol('CredentialCipher');
export const CLINIC_CONTEXT = Symbol('ClinicContext');
