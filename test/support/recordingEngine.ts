// The engine as the downloads model sees it, recording what it is asked: for unit tests of the
// model (no worker, no network).
import type { DownloadOptions, ListFormat } from '../../src/core';
import type { Engine } from '../../src/model/downloadsModel';
import { Emitter } from '../../src/model/emitter';
import type { BatchMessage, ListKey } from '../../src/worker/protocol';

export interface StartRequest {
  text: string;
  sourceName: string;
  options: DownloadOptions;
  format?: ListFormat;
}

export class RecordingEngine implements Engine {
  /** "start NAME[ DOC@VERSION]", "cancel B[/I]", "retry B[ [ids]]", "remove B", in order. */
  readonly calls: string[] = [];
  readonly starts: StartRequest[] = [];
  private next = 1;
  private readonly messages = new Emitter<BatchMessage>();
  readonly onBatchMessage = this.messages.event;

  /** Sends a message to the model as the worker would. */
  send(message: BatchMessage): void {
    this.messages.fire(message);
  }

  start(text: string, sourceName: string, options: DownloadOptions, format?: ListFormat, key?: ListKey): number {
    this.calls.push(`start ${sourceName}${key ? ` ${key.document}@${key.version}` : ''}`);
    this.starts.push({ text, sourceName, options, format });
    return this.next++;
  }
  cancel(batchId: number, itemId?: number): void {
    this.calls.push(`cancel ${batchId}${itemId === undefined ? '' : `/${itemId}`}`);
  }
  retry(batchId: number, itemIds?: number[]): void {
    this.calls.push(`retry ${batchId}${itemIds ? ` [${itemIds}]` : ''}`);
  }
  remove(batchId: number): void {
    this.calls.push(`remove ${batchId}`);
  }
}
