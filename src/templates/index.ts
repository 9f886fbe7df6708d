export { TemplateError, TemplateRenderer, defaultTemplatesDir } from './renderer.js';
export type { TemplateRendererOptions } from './renderer.js';
export * from './windows/index.js';
