// The part of the engine a front end on the editor's event loop needs: list parsing, formatting
// and data types, without the HTTP stack (the downloads themselves run in the worker thread).
// Keeps the extension's bundle small, so activation stays quick.
export { parseList, chooseFormat, entrySource, type ParseOptions } from './listParser';
export { decodeListBytes, ListError } from './listText';
export { formatBytes, formatDuration, parseByteCount } from './format';
export * from './types';
