/**
 * The engine multiplexes a non-TTY container's stdout and stderr on one attach stream: each
 * frame is an 8-byte header (stream id, three zero bytes, big-endian uint32 length) and then
 * that many bytes. Frames may be split across or packed into socket reads.
 */
export interface FrameSink {
  push(chunk: Buffer): void;
  /** Call at the end of the stream; false when it ended inside a frame. */
  end(): boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** The first protocol violation seen; after it nothing more is accepted. */
  readonly error: string | null;
}

const HEADER = 8;

export function frameSink(maxBytes: number): FrameSink {
  let pending: Buffer = Buffer.alloc(0);
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  let total = 0;
  let error: string | null = null;

  const drain = () => {
    while (error === null && pending.length >= HEADER) {
      const stream = pending[0];
      if (pending[1] !== 0 || pending[2] !== 0 || pending[3] !== 0 || (stream !== 0 && stream !== 1 && stream !== 2)) {
        error = "attach stream: malformed frame header";
        return;
      }
      const length = pending.readUInt32BE(4);
      if (pending.length < HEADER + length) return;
      const body = pending.subarray(HEADER, HEADER + length);
      total += length;
      if (total > maxBytes) {
        error = `attach stream: output larger than ${maxBytes} bytes`;
        return;
      }
      // Stream 0 (stdin) is never written back for a container that has none; keep it out.
      if (stream === 1) out.push(Buffer.from(body));
      else if (stream === 2) errOut.push(Buffer.from(body));
      pending = pending.subarray(HEADER + length);
    }
  };

  return {
    push(chunk) {
      if (error !== null) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      drain();
    },
    end() {
      if (error === null && pending.length > 0) error = "attach stream: ended inside a frame";
      return error === null;
    },
    get stdout() {
      return Buffer.concat(out).toString("utf8");
    },
    get stderr() {
      return Buffer.concat(errOut).toString("utf8");
    },
    get error() {
      return error;
    },
  };
}
