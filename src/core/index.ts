// The engine's public surface: front ends import from here only.
export { parseList, parseUrlArguments, mergeLists, chooseFormat, checkUrl, entrySource, headerProblem, ARGUMENTS_SOURCE, MAX_URL_LENGTH, type ParseOptions } from './listParser';
export { decodeListBytes, ListError, listTooLarge, MAX_LIST_CHARS } from './listText';
export { Batch, type BatchResult } from './batch';
export { formatBytes, formatDuration } from './format';
export { VERSION, USER_AGENT } from './version';
export * from './types';
