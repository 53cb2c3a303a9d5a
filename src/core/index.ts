// The engine's public surface: front ends import from here only.
export { parseList, mergeLists, detectFormat, checkUrl, entrySource, headerProblem, type ParseOptions } from './listParser';
export { Batch, type BatchResult } from './batch';
export { formatBytes, formatDuration } from './format';
export { VERSION, USER_AGENT } from './version';
export * from './types';
