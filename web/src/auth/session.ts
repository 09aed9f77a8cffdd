// The clinic API key for this browser tab only: sessionStorage ends with the tab, and nothing else keeps it.
const STORAGE_KEY = 'aro.apiKey';

export function storedApiKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function keepApiKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
