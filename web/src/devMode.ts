// Whether the API runs in dev mode (ARO_DEV_MODE): it says so in the page it serves (src/api/web-app).
export const devMode = document.querySelector('meta[name="aro-dev-mode"]')?.getAttribute('content') === '1';
