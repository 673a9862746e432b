export * from './locate-file';
export * from './progress';
export { defaultHubOptions, hubFile } from './hub/hf-download';
export type { HubFile, HubOptions } from './hub/hf-download';
export { isHubUri, parseHubUri, resolveUrl } from './hub/hf-uri';
export type { HubFileRef, RepoType } from './hub/hf-uri';
