import manifest from '../../package.json';

export const VERSION: string = manifest.version;
export const USER_AGENT = `asset-fetch/${VERSION}`;
