// Downloads one item: resume, retries with backoff, naming, size limits, checksum, atomic rename.
import type { Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { BandwidthBudget } from './bandwidth';
import { decodedBody, encodingPlan } from './contentDecoding';
import { CancelledError, DownloadError, toDownloadError } from './errors';
import { hashOfFile } from './fileHash';
import { formatBytes, formatDuration } from './format';
import { getFollowingRedirects, type Response } from './http';
import type { Item } from './item';
import type { NameAllocator } from './nameAllocator';
import { redactUrl } from './urlCheck';
import { statusText } from './lazyModules';
import { entryRelativePath, nameFromContentDisposition, nameFromHost, nameFromUrl } from './naming';
import { PART_SUFFIX, PartFile, RANGE_BUFFERING, readResumeState, removePartFiles, removeResumeRecord, writeResumeRecord, type ResumeRecord, type ResumeState, type WriteBound } from './partFile';
import { MIN_SEGMENT_BYTES, planSplit, RangesRefused, SegmentRun, SPLIT_DECISION_MS, SPLIT_RECHECK_MS } from './segments';
import { requestHeaders } from './requestHeaders';
import { HostPoliteness, RATE_LIMIT_STATUSES } from './hostPoliteness';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry';
import type { RunResult } from './scheduler';
import type { TargetFolder } from './folders';
import type { DownloadOptions, ItemState, LogLevel } from './types';
import { claimTarget, describeOwner, releaseTarget, type ClaimOwner } from './targetClaims';

/** Downloads at least this large record their validators up front, so even a crash can resume. */
const RECORD_UP_FRONT_BYTES = 4 * 1024 * 1024;

export interface DownloadContext {
  dispatcher: Dispatcher;
  options: DownloadOptions;
  target: TargetFolder;
  names: NameAllocator;
  hosts: HostPoliteness;
  /** The run's bandwidth limit, shared by every connection (--limit-rate). */
  budget?: BandwidthBudget;
  setState(item: Item, state: ItemState): void;
  /** Sets what the item has and expects; the batch totals follow. */
  setBytes(item: Item, bytes: number, total: number | undefined): void;
  /** `n` more bytes of the item arrived. */
  addBytes(item: Item, n: number): void;
  log(level: LogLevel, item: Item, message: string): void;
  /** How many connections one download from `host` may use now (1: do not split). */
  connectionsForSplit(host: string): number;
  /** Targets this batch holds the lock of (see targetClaims.ts), by item: the `.part` path claimed. */
  claims: Map<Item, string>;
  /** Items waiting for another run to finish their target: how often they found it busy. */
  claimWaits: Map<Item, number>;
}

/** How often a target held by another run is looked at again. */
const CLAIM_POLL_MS = 300;

/**
 * Makes one attempt at an item, owning its target for the whole download (retries included): a
 * target another run is downloading is waited for, holding no slot, and then looked at afresh.
 * Returns what downloadStep returns.
 */
export async function downloadStep(item: Item, ctx: DownloadContext): Promise<RunResult> {
  if (!item.cancelled && item.relativePath !== undefined && !ctx.claims.has(item)) {
    const claimed = await claim(item, ctx);
    if (claimed !== 'owned') return claimed;
  }
  const result = await downloadOwnedStep(item, ctx);
  if (result === undefined) releaseClaim(item, ctx);
  return result;
}

/** Takes the item's target: 'owned', or when to look again (another run has it), or undefined (failed). */
async function claim(item: Item, ctx: DownloadContext): Promise<RunResult | 'owned'> {
  const partPath = ctx.target.resolve(item.relativePath!) + PART_SUFFIX;
  let owner: ClaimOwner | undefined;
  try {
    // Files in the target folder itself (most) need no wait for their folder.
    if (path.dirname(partPath) !== ctx.target.root) await ctx.target.ensureParent(partPath);
    owner = claimTarget(partPath);
  } catch (err) {
    // The lock cannot be created (a read-only folder, say): the download could not be written either.
    return fail(item, ctx, toDownloadError(err));
  }
  const waits = ctx.claimWaits.get(item);
  if (!owner) {
    ctx.claims.set(item, partPath);
    // What the other run left (the file, a `.part`) is not in this run's listing of the folder.
    if (waits !== undefined) ctx.target.forgetListings();
    return 'owned';
  }
  if (waits === undefined) ctx.log('warn', item, `waiting: ${item.relativePath} is being downloaded by ${describeOwner(owner)}`);
  ctx.claimWaits.set(item, (waits ?? 0) + 1);
  return { retryAt: Date.now() + CLAIM_POLL_MS, host: item.host };
}

function releaseClaim(item: Item, ctx: DownloadContext): void {
  const partPath = ctx.claims.get(item);
  ctx.claimWaits.delete(item);
  if (partPath === undefined) return;
  ctx.claims.delete(item);
  releaseTarget(partPath);
}

/** Gives up every target of a batch that is being disposed of. */
export function releaseAllClaims(ctx: DownloadContext): void {
  for (const partPath of ctx.claims.values()) releaseTarget(partPath);
  ctx.claims.clear();
  ctx.claimWaits.clear();
}

/**
 * Makes one attempt at an item. Returns undefined when the item is finished (failures end up in
 * item.error), or when and on which host to try it again: the caller waits, not holding a slot.
 * Never throws.
 */
async function downloadOwnedStep(item: Item, ctx: DownloadContext): Promise<RunResult> {
  try {
    if (item.cancelled) throw new CancelledError();
    if (item.attempts === 0 && item.mirror === 0 && (await handleExistingFile(item, ctx))) return undefined;
    const retryAt = await attemptWithRetryPlan(item, ctx);
    return retryAt === undefined ? undefined : { retryAt, host: item.host };
  } catch (err) {
    const error = toDownloadError(err);
    const sources = 1 + (item.entry.mirrors?.length ?? 0);
    if (!(error instanceof CancelledError) && sources > 1) {
      (item.mirrorFailures ??= []).push(`${redactUrl(item.requestUrl)}: ${error.message}`);
      if (item.mirror + 1 < sources) {
        ctx.log('warn', item, `mirror ${item.mirror + 2} of ${sources} next: ${redactUrl(item.requestUrl)}: ${error.message}`);
        item.mirror++;
        item.attempts = 0;
        // A partial file from another server is not continued.
        item.resume = undefined;
        return { retryAt: 0, host: item.host };
      }
      return fail(item, ctx, error.final(`all ${sources} mirrors failed: ${item.mirrorFailures.join('; ')}`));
    }
    return fail(item, ctx, error);
  }
}

async function fail(item: Item, ctx: DownloadContext, error: DownloadError | CancelledError): Promise<undefined> {
  if (item.partTouched) await leavePartFile(item, ctx);
  item.error = error.message;
  item.errorCode = error instanceof DownloadError ? error.code : undefined;
  ctx.setState(item, error instanceof CancelledError ? 'cancelled' : 'failed');
  if (!(error instanceof CancelledError)) ctx.log('error', item, `failed ${item.displayUrl}: ${error.message}`);
  return undefined;
}

/**
 * One attempt at the current source. Returns undefined when it succeeded, or when to try again;
 * throws when this source is done with (not retryable, retries spent, or the wait too long).
 */
async function attemptWithRetryPlan(item: Item, ctx: DownloadContext): Promise<number | undefined> {
  const host = item.host;
  const refusal = ctx.hosts.refusal(host);
  if (refusal) throw refusal;
  ctx.hosts.starting(host);
  const attempt = ++item.attempts;
  item.partTouched = true;
  item.retryAt = undefined;
  ctx.setState(item, 'active');
  let received = 0;
  try {
    const outcome = await attemptOnce(item, ctx, (n) => (received += n));
    ctx.setState(item, outcome === 'unchanged' ? 'skipped' : outcome);
    if (ctx.options.logSuccesses === false) return undefined;
    const where = item.finalRelativePath ?? item.relativePath;
    const from = redactUrl(item.requestUrl);
    const message =
      outcome === 'ok' ? `ok ${from} → ${where} (${formatBytes(item.bytes)})` : outcome === 'unchanged' ? `unchanged ${from}: ${where} is current (HTTP 304)` : `skipped ${from}: ${where} already exists`;
    ctx.log('info', item, message);
    return undefined;
  } catch (err) {
    const error = toDownloadError(err, received);
    if (error instanceof CancelledError) throw error;
    const retriesLeft = ctx.options.retries - (attempt - 1);
    const retried = attempt > 1 ? `, retried ${attempt - 1} time${attempt === 2 ? '' : 's'}` : '';
    const status = error.http?.status;
    if (status !== undefined && RATE_LIMIT_STATUSES.has(status)) {
      // The whole host waits, even when this item has no retry left.
      const until = ctx.hosts.limited(host, error);
      if (until instanceof DownloadError) throw until;
      if (retriesLeft > 0) return waitForRetry(item, ctx, until, attempt, error);
    }
    if (!error.retryable || retriesLeft <= 0) {
      throw new DownloadError(`${error.message}${retried}`, false, status === 429 ? 'RATE_LIMITED' : error.code, error.http);
    }
    const asked = error.http?.retryAfterMs;
    if (asked !== undefined && asked > ctx.options.maxRetryWaitMs) {
      throw error.final(`${error.message}: the server asked to wait ${formatDuration(asked / 1000)} (Retry-After: ${error.http!.retryAfter}), longer than the ${formatDuration(ctx.options.maxRetryWaitMs / 1000)} limit (--max-retry-wait, assetFetch.maxRetryWaitSeconds)`);
    }
    const delay = asked ?? retryDelayMs(attempt, ctx.options.retryBaseDelayMs, ctx.options.retryMaxDelayMs);
    return waitForRetry(item, ctx, Date.now() + delay, attempt, error);
  }
}

function waitForRetry(item: Item, ctx: DownloadContext, at: number, attempt: number, error: DownloadError): number {
  const seconds = Math.max(0, (at - Date.now()) / 1000);
  ctx.log('warn', item, `retry ${attempt}/${ctx.options.retries} in ${seconds.toFixed(1)}s: ${redactUrl(item.requestUrl)}: ${error.message}`);
  item.retryAt = at;
  ctx.setState(item, 'retrying');
  return at;
}

/** Applies the on-existing policy. Returns true when the item is finished (skipped). */
async function handleExistingFile(item: Item, ctx: DownloadContext): Promise<boolean> {
  const wanted = item.relativePath!;
  const wantedPath = ctx.target.resolve(wanted);
  if (!(await ctx.target.exists(wantedPath))) {
    // Not there when this run listed the folder: another run may have finished it since.
    if (!fs.existsSync(wantedPath)) return false;
    ctx.claimWaits.set(item, ctx.claimWaits.get(item) ?? 0);
    ctx.target.forgetListings();
  }
  switch (ctx.options.onExisting) {
    case 'skip': {
      if (!(await existingFileVerifies(item, ctx, wanted))) return false;
      const stat = await fs.promises.stat(wantedPath).catch(() => undefined);
      ctx.setBytes(item, stat?.size ?? 0, stat?.size ?? 0);
      item.attempts = 0;
      ctx.setState(item, 'skipped');
      const why = item.entry.checksum ? ` (its ${item.entry.checksum.algorithm} matches the list)` : ctx.claimWaits.has(item) ? ' (another run fetched it meanwhile)' : '';
      ctx.log('info', item, `skipped ${item.displayUrl}: ${wanted} already exists${why}`);
      return true;
    }
    case 'rename': {
      // Numbered from the name the entry wants, not from a name the batch already numbered
      // ("logo (4).png", never "logo (1) (1).png").
      const base = entryRelativePath(item.entry, item.url);
      ctx.names.release(wanted, item.id);
      item.relativePath = await ctx.names.reserveNotOnDisk(typeof base === 'string' ? base : wanted, item.id, (c) => ctx.target.exists(ctx.target.resolve(c)));
      return false;
    }
    case 'overwrite':
      return false;
    case 'refresh': {
      // Ask with the file's validators: 304 keeps it without a body, 200 replaces it atomically.
      const known = ctx.options.knownValidators?.[wanted];
      const mtime = (await fs.promises.stat(wantedPath)).mtime;
      item.conditional = { etag: known?.etag, lastModified: known?.lastModified ?? mtime.toUTCString() };
      return false;
    }
  }
}

/** How an attempt ended well: saved, skipped (the file is there), or unchanged (a 304 to --refresh). */
type Outcome = 'ok' | 'skipped' | 'unchanged';

async function attemptOnce(item: Item, ctx: DownloadContext, onReceived: (n: number) => void): Promise<Outcome> {
  const partPath = ctx.target.resolve(item.relativePath!) + PART_SUFFIX;
  await ctx.target.ensureParent(partPath);
  if (!item.resume && (await ctx.target.exists(partPath))) {
    // A `.part` from an earlier run: continue it, and keep it if this attempt fails too.
    item.resume = await readResumeState(partPath, redactUrl(item.requestUrl));
    item.resumeRecordOnDisk = item.resume !== undefined;
  }
  const resume = item.resume;
  if (resume?.segments) return resumeSegmented(item, ctx, partPath, resume);
  // The file must be the resource itself, not a compressed transfer of it.
  const rangeHeaders: Record<string, string> = { 'accept-encoding': 'identity' };
  const conditional = item.conditional;
  if (conditional && !resume) {
    if (conditional.etag) rangeHeaders['if-none-match'] = conditional.etag;
    if (conditional.lastModified) rangeHeaders['if-modified-since'] = conditional.lastModified;
  }
  if (resume) {
    rangeHeaders.range = `bytes=${resume.size}-`;
    rangeHeaders['if-range'] = resume.etag ?? resume.lastModified!;
  }
  // Parsed once for the headers and the request.
  const listed = new URL(item.requestUrl);
  const headersFor = requestHeaders(listed, {
    global: ctx.options.headers,
    hosts: ctx.options.hostHeaders,
    entry: item.entry.headers,
    engine: rangeHeaders,
  });
  const part = new PartFile(partPath, resume !== undefined);
  try {
    const response = await getFollowingRedirects(ctx.dispatcher, listed, headersFor, item);
    try {
      return await receive(item, ctx, part, response, onReceived);
    } catch (err) {
      // Whatever went wrong, the connection must not stay paused mid-body.
      response.exchange.abort(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  } finally {
    part.close();
  }
}

/** Handles one response: status, size limit, naming, body, length check, checksum, rename. */
async function receive(item: Item, ctx: DownloadContext, part: PartFile, response: Response, onReceived: (n: number) => void): Promise<Outcome> {
  const { statusCode, headers, exchange } = response;
  const resume = item.resume;
  const removePart = async () => {
    part.close(); // Windows cannot remove or rename an open file
    await removePartFiles(part.path);
  };

  if (statusCode === 304 && item.conditional) {
    // --refresh: the server says the file on disk is current.
    await exchange.discard();
    item.conditional = { ...item.conditional, unchanged: true };
    const size = (await fs.promises.stat(ctx.target.resolve(item.relativePath!))).size;
    ctx.setBytes(item, size, size);
    return 'unchanged';
  }
  if (statusCode === 416 && resume) {
    await exchange.discard();
    const total = Number(/\/(\d+)\s*$/.exec(headerValue(headers, 'content-range') ?? '')?.[1]);
    if (total === resume.size) {
      part.close();
      await finish(item, ctx, part.path, resume.size, undefined, resume.lastModified);
      return 'ok';
    }
    item.resume = undefined;
    await removePart();
    throw new DownloadError('server refused to resume (HTTP 416); starting over', true, 'HTTP_STATUS');
  }
  if (!RATE_LIMIT_STATUSES.has(statusCode)) ctx.hosts.answered(item.host);
  if (statusCode < 200 || statusCode >= 300) {
    await exchange.discard();
    const retryAfter = headerValue(headers, 'retry-after');
    throw new DownloadError(`HTTP ${statusCode} ${statusText(statusCode)}`.trim(), isRetryableStatus(statusCode), 'HTTP_STATUS', {
      status: statusCode,
      retryAfter,
      retryAfterMs: parseRetryAfter(retryAfter),
    });
  }

  if (ctx.options.recordValidators) item.validators = { etag: headerValue(headers, 'etag'), lastModified: headerValue(headers, 'last-modified') };
  const offset = statusCode === 206 && resume ? rangeStart(response, resume) : 0;
  if (offset === 0 && resume) part.restart(); // the server sent the whole file after all
  const total = expectedTotal(response, offset);
  const maxSize = ctx.options.maxSize;
  if (maxSize !== undefined && total !== undefined && total > maxSize) {
    await exchange.discard();
    item.resume = undefined;
    await removePart();
    throw new DownloadError(`file is ${formatBytes(total)}, over the size limit of ${formatBytes(maxSize)}`, false, 'SIZE_LIMIT');
  }
  if ((await chooseFinalName(item, ctx, response)) === 'skipped') {
    await exchange.discard();
    await removePart();
    return 'skipped';
  }

  const finalName = item.finalRelativePath ?? item.relativePath!;
  const encoding = encodingPlan(headerValue(headers, 'content-encoding'), headerValue(headers, 'content-type'), finalName);
  if (encoding instanceof DownloadError || (encoding === 'decode' && offset > 0)) {
    // A compressed range cannot continue a file of decoded bytes: start over.
    await exchange.discard();
    item.resume = undefined;
    await removePart();
    throw encoding instanceof DownloadError ? encoding : new DownloadError('the server compressed a resumed range; starting over', true, 'PROTOCOL');
  }
  const body = encoding === 'decode' ? decodedBody(exchange, headerValue(headers, 'content-encoding')!) : exchange;

  const etag = headerValue(headers, 'etag');
  const record: ResumeRecord = {
    url: redactUrl(item.requestUrl),
    // A weak ETag cannot validate a byte range (RFC 9110 §13.1.5); Last-Modified can.
    // Decoded bytes cannot be continued with a Range of encoded ones: no validators, no resume.
    etag: etag && !etag.startsWith('W/') && encoding === 'none' ? etag : undefined,
    lastModified: encoding === 'none' ? headerValue(headers, 'last-modified') : undefined,
    total,
  };
  if ((total === undefined || total >= RECORD_UP_FRONT_BYTES) && (record.etag || record.lastModified)) {
    await writeResumeRecord(part.path, record);
    item.resumeRecordOnDisk = true;
  }

  let hash = item.entry.checksum ? await hashOfFile(item.entry.checksum.algorithm, part.path, offset) : undefined;
  ctx.setBytes(item, offset, total);
  // A large file on a slow connection may be split into ranges over more connections (segments.ts).
  const splittable =
    statusCode === 200 && offset === 0 && encoding === 'none' && total !== undefined && total >= 2 * MIN_SEGMENT_BYTES &&
    !item.noSplit && (record.etag !== undefined || record.lastModified !== undefined) &&
    /\bbytes\b/i.test(headerValue(headers, 'accept-ranges') ?? '');
  const maxParts = splittable ? ctx.connectionsForSplit(item.host) : 1;
  let split: SegmentRun | undefined;
  let decided = maxParts < 2;
  let written = offset;
  const bound: WriteBound | undefined = decided
    ? undefined
    : {
        end: total!,
        written: (position) => {
          written = position;
          if (split) split.progress(split.segments[0], position);
        },
      };
  // The window the connection's speed is measured over: from the first byte, then each second
  // while it stays fast (segments.ts SPLIT_RECHECK_MS).
  // (Read only when a split is possible: the global `performance` loads perf_hooks, 1 ms of a start.)
  let windowAt = decided ? 0 : performance.now();
  let windowFrom = offset;
  let decisionMs = SPLIT_DECISION_MS;
  try {
    await part.writeBody(body, offset, (chunk) => {
      ctx.addBytes(item, chunk.length);
      onReceived(chunk.length);
      if (maxSize !== undefined && item.bytes > maxSize) {
        throw new DownloadError(`download exceeded the size limit of ${formatBytes(maxSize)}`, false, 'SIZE_LIMIT');
      }
      hash?.update(chunk);
      if (decided) return;
      const now = performance.now();
      const plan = planSplit(now - windowAt, item.bytes, total!, maxParts, item.bytes - windowFrom, decisionMs);
      if (plan === undefined) return;
      if (plan === 'fast') {
        windowAt = now;
        windowFrom = item.bytes;
        decisionMs = SPLIT_RECHECK_MS;
        return;
      }
      decided = true;
      if (!plan) return;
      // The first range is this connection's: only what is on disk counts as done.
      plan[0].done = written;
      bound!.end = plan[0].end;
      bound!.buffering = RANGE_BUFFERING; // one of many connections now
      part.open(); // before the other connections write into it
      hash = undefined; // the checksum is computed over the finished file
      split = new SegmentRun(item, ctx, part.path, { ...record, total: total! }, plan, (reason) => response.exchange.abort(reason));
      ctx.log('info', item, `${redactUrl(item.requestUrl)}: ${plan.length} connections for the rest of ${formatBytes(total!)}`);
      split.start(1);
    }, { bound, budget: ctx.budget });
  } catch (err) {
    if (split) {
      split.fail(toDownloadError(err));
      return await segmentsFailed(item, ctx, part, split);
    }
    if (err instanceof DownloadError && !err.retryable) {
      item.resume = undefined;
      await removePart();
      throw err;
    }
    // Chunks still in memory when the connection broke were not written: trust the file's size.
    ctx.setBytes(item, await fs.promises.stat(part.path).then((st) => st.size, () => 0), item.total);
    item.resume = resumable(record, item.bytes);
    throw err;
  }
  if (split) {
    const first = split.segments[0];
    if (first.done !== first.end) split.fail(new DownloadError(`body ended after ${formatBytes(first.done)} of the first ${formatBytes(first.end)}`, true, 'NETWORK'));
    try {
      await split.settle();
    } catch {
      return await segmentsFailed(item, ctx, part, split);
    }
    part.close();
    await finish(item, ctx, part.path, total!, undefined, headerValue(headers, 'last-modified'));
    return 'ok';
  }
  item.resume = resumable(record, item.bytes);
  if (total !== undefined && item.bytes !== total) {
    throw new DownloadError(`body ended after ${formatBytes(item.bytes)} of ${formatBytes(total)}`, true, 'NETWORK');
  }
  part.close();
  await finish(item, ctx, part.path, item.bytes, hash, headerValue(headers, 'last-modified'));
  return 'ok';
}

/** Continues a segmented `.part`: a range request for what is missing of each segment. */
async function resumeSegmented(item: Item, ctx: DownloadContext, partPath: string, resume: ResumeState): Promise<'ok'> {
  const { size: _size, segments, ...record } = resume;
  const run = new SegmentRun(item, ctx, partPath, { ...record, total: resume.total! }, segments!.map((s) => ({ ...s })));
  if (ctx.options.recordValidators) item.validators = { etag: record.etag, lastModified: record.lastModified };
  ctx.setBytes(item, run.written(), resume.total);
  const part = new PartFile(partPath, true);
  run.start(0);
  try {
    await run.settle();
  } catch {
    return await segmentsFailed(item, ctx, part, run);
  }
  await finish(item, ctx, partPath, resume.total!, undefined, record.lastModified);
  return 'ok';
}

/**
 * After a range failed (or was cancelled): the progress of every range is kept for the next
 * attempt, unless the server sent a whole file for a range; then it starts over in one piece.
 */
async function segmentsFailed(item: Item, ctx: DownloadContext, part: PartFile, run: SegmentRun): Promise<never> {
  const error = await run.settle().then(
    () => new DownloadError('segmented download stopped', true, 'UNKNOWN'),
    (err: unknown) => toDownloadError(err),
  );
  part.close();
  if (error instanceof RangesRefused) {
    item.noSplit = true;
    item.resume = undefined;
    await removePartFiles(part.path);
    ctx.setBytes(item, 0, item.total);
  } else {
    item.resume = run.resumeState();
    ctx.setBytes(item, run.written(), item.total);
  }
  throw error;
}

/** Resume state for the next attempt of a download in one piece, when a validator makes continuing safe. */
function resumable(record: ResumeRecord, size: number): ResumeState | undefined {
  if (size === 0 || !(record.etag || record.lastModified)) return undefined;
  // Spelled out: a spread of the record was the costliest line of a small file's path in profiles.
  return { url: record.url, etag: record.etag, lastModified: record.lastModified, total: record.total, size };
}

/** Checks the checksum, then renames the `.part` to its final name. */
async function finish(item: Item, ctx: DownloadContext, partPath: string, size: number, hash: Hash | undefined, lastModified?: string): Promise<void> {
  const checksum = item.entry.checksum;
  if (checksum) {
    const actual = (hash ?? (await hashOfFile(checksum.algorithm, partPath, size))).digest('hex');
    if (actual !== checksum.hex) {
      item.resume = undefined;
      await removePartFiles(partPath);
      throw new DownloadError(`checksum mismatch: expected ${checksum.algorithm} ${checksum.hex}, got ${actual}`, false, 'CHECKSUM_MISMATCH');
    }
  }
  ctx.setBytes(item, size, size);
  // Without another name the file is the `.part` without its suffix, in a folder already made.
  const renamed = item.finalRelativePath;
  const finalPath = renamed ? ctx.target.resolve(renamed) : partPath.slice(0, -PART_SUFFIX.length);
  if (renamed) await ctx.target.ensureParent(finalPath);
  // A rename is a metadata update: synchronous is cheaper than a thread-pool round trip.
  fs.renameSync(partPath, finalPath);
  // The file's time is the server's Last-Modified (as curl -R, wget -N): --refresh sends it back.
  const modified = lastModified === undefined ? NaN : Date.parse(lastModified);
  if (!Number.isNaN(modified)) fs.utimesSync(finalPath, Date.now() / 1000, modified / 1000);
  item.resume = undefined;
  if (item.resumeRecordOnDisk) await removeResumeRecord(partPath);
  item.resumeRecordOnDisk = false;
}

/** The first byte of a 206 must be the one we asked for, or the file would be corrupted. */
function rangeStart(response: Response, resume: ResumeState): number {
  const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(headerValue(response.headers, 'content-range') ?? '');
  if (!match || Number(match[1]) !== resume.size) {
    throw new DownloadError(`server sent the wrong range (${headerValue(response.headers, 'content-range') ?? 'no Content-Range'})`, true, 'PROTOCOL');
  }
  return resume.size;
}

/** The size the finished file must have, when the server says it. */
function expectedTotal(response: Response, offset: number): number | undefined {
  if (response.statusCode === 206) {
    const total = /\/(\d+)$/.exec(headerValue(response.headers, 'content-range') ?? '')?.[1];
    if (total !== undefined) return Number(total);
  }
  const length = headerValue(response.headers, 'content-length');
  const encoded = headerValue(response.headers, 'content-encoding');
  if (length === undefined || (encoded && encoded !== 'identity') || !/^\d+$/.test(length)) return undefined;
  return offset + Number(length);
}

/**
 * Content-Disposition may rename the file; so may the redirect target or content type when the
 * URL itself had no file name. Returns 'skipped' when that name exists and the policy is skip.
 */
async function chooseFinalName(item: Item, ctx: DownloadContext, response: Response): Promise<'named' | 'skipped'> {
  if (item.entry.out !== undefined || item.finalRelativePath) return 'named';
  const current = item.relativePath!;
  const folder = current.slice(0, current.lastIndexOf('/') + 1);
  const fromServer = serverChosenName(item.url, response);
  if (!fromServer || folder + fromServer === current) return 'named';
  const wanted = folder + fromServer;
  const exists = (candidate: string) => ctx.target.exists(ctx.target.resolve(candidate));
  if (ctx.options.onExisting === 'skip' && ctx.names.isFree(wanted, item.id) && (await exists(wanted))) {
    if (await existingFileVerifies(item, ctx, wanted)) {
      item.finalRelativePath = wanted;
      return 'skipped';
    }
    item.finalRelativePath = ctx.names.reserve(wanted, item.id);
    return 'named';
  }
  item.finalRelativePath =
    ctx.options.onExisting === 'overwrite' || ctx.options.onExisting === 'refresh' ? ctx.names.reserve(wanted, item.id) : await ctx.names.reserveNotOnDisk(wanted, item.id, exists);
  return 'named';
}

function serverChosenName(url: string, response: Response): string | undefined {
  const fromHeader = nameFromContentDisposition(headerValue(response.headers, 'content-disposition'));
  if (fromHeader) return fromHeader;
  if (PLAIN_FILE_NAME.test(url) || nameFromUrl(url)) return undefined; // the list's own URL named the file
  return nameFromUrl(response.finalUrl) ?? nameFromHost(url, headerValue(response.headers, 'content-type'));
}

/**
 * A URL whose last path segment is a plain file name ("…/f0001.bin?v=2"): nameFromUrl surely
 * gives a name, no URL parse needed. The first character is not a dot, so "." and ".." are not.
 */
const PLAIN_FILE_NAME = /^https?:\/\/[^/?#\\]+\/(?:[^?#\\]*\/)?[\w-][\w.-]*(?:[?#]|$)/;

function headerValue(headers: Response['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a file already on disk may stand for the item: always, unless the list gives a checksum
 * it does not match. Then it is downloaded again; the old file stays until the new one verified.
 */
async function existingFileVerifies(item: Item, ctx: DownloadContext, relative: string): Promise<boolean> {
  const checksum = item.entry.checksum;
  if (!checksum) return true;
  const file = ctx.target.resolve(relative);
  const actual = (await hashOfFile(checksum.algorithm, file)).digest('hex');
  if (actual === checksum.hex) return true;
  ctx.log('warn', item, `${relative} exists but its ${checksum.algorithm} is ${actual}, not ${checksum.hex} as listed: downloading it again`);
  return false;
}

/**
 * A cancelled or failed download keeps its `.part` when it can be resumed later (a validator is
 * known), with the record a later run needs; otherwise the partial file is removed.
 */
async function leavePartFile(item: Item, ctx: DownloadContext): Promise<void> {
  if (!item.relativePath) return;
  const partPath = ctx.target.resolve(item.relativePath) + PART_SUFFIX;
  try {
    if (item.resume) {
      const { size, ...record } = item.resume;
      await writeResumeRecord(partPath, record);
      item.resumeRecordOnDisk = true;
    } else {
      await removePartFiles(partPath);
    }
  } catch (err) {
    ctx.log('warn', item, `could not tidy ${item.relativePath}.part: ${(err as Error).message}`);
  }
}
