// The response body's flow control: bytes that arrive before a consumer is attached are buffered,
// and a consumer that pauses the connection while those are handed over (the bandwidth limit does,
// on its first chunk) keeps it paused. Attaching used to resume the connection regardless, so
// --limit-rate let most files through at full speed.
import assert from 'node:assert/strict';
import { createDispatcher, getFollowingRedirects } from '../../src/core/http';
import { Cancellation } from '../../src/core/cancellation';
import { DEFAULT_OPTIONS } from '../../src/core/types';
import { payload, startHostileServer, type HostileServer } from '../support/hostileServer';

const BODY_BYTES = 8 * 1024 * 1024;
/** Less than the client buffers before a consumer is attached, so it does not pause by itself. */
const FIRST_PART = 256 * 1024;

describe('response body flow control (integration)', () => {
  let server: HostileServer;
  const body = payload(BODY_BYTES);
  before(async () => {
    server = await startHostileServer();
    // A first part, then the rest in 1 MiB writes, once the client has attached its consumer.
    server.route('/flow/big.bin', (_req, res, ctx) => {
      res.writeHead(200, { 'content-length': BODY_BYTES });
      res.write(body.subarray(0, FIRST_PART));
      const more = (offset: number) => {
        if (offset >= BODY_BYTES) return void res.end();
        res.write(body.subarray(offset, offset + 1024 * 1024));
        ctx.later(40, () => more(offset + 1024 * 1024));
      };
      ctx.later(250, () => more(FIRST_PART));
    });
  });
  after(() => server.close());

  it('a consumer that pauses while the early bytes are handed over gets nothing more until it resumes', async () => {
    const dispatcher = createDispatcher({ ...DEFAULT_OPTIONS });
    try {
      const response = await getFollowingRedirects(dispatcher, server.url('/flow/big.bin'), () => ({}), new Cancellation());
      // Let the first part arrive before anyone consumes it (the engine decides names, opens files...).
      await new Promise((resolve) => setTimeout(resolve, 100));
      let received = 0;
      let afterAttach = 0;
      let chunksAfterAttach = 0;
      let attached = false;
      let resolveEnd!: () => void;
      const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
      response.exchange.consume({
        onData(chunk) {
          received += chunk.length;
          if (attached) {
            afterAttach += chunk.length;
            chunksAfterAttach++;
          }
          else response.exchange.pause();
        },
        onEnd: () => resolveEnd(),
        onError: (err) => assert.fail(err),
      });
      attached = true;
      const early = received;
      assert.equal(early, FIRST_PART, 'the first part arrived before the consumer');
      // The server sends the rest meanwhile. A paused connection stops reading after the data it
      // already holds (undici hands over what one socket read returned, then stops).
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.ok(chunksAfterAttach <= 1 && afterAttach < BODY_BYTES - FIRST_PART, `paused: ${chunksAfterAttach} chunks, ${afterAttach} bytes arrived`);
      response.exchange.resume();
      await ended;
      assert.equal(received, BODY_BYTES, 'the whole body once resumed');
    } finally {
      await dispatcher.destroy();
    }
  });
});
