export { uiRouter, defaultUiRoot, UI_CSP, UI_CONTENT_TYPES, type UiRouterOptions } from './router.js';
