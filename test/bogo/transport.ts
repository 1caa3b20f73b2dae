/**
 * The shim's transports: the socket, and for -async BoringSSL's async BIO (ssl/test/async_bio.cc):
 * a filter that returns "retry" on every read and write until the shim grants quota, one byte at a
 * time (RetryAsync in handshake_util.cc), so the library sees WANT_READ/WANT_WRITE at every byte.
 */
import { connect, type Socket } from 'node:net';
import { SocketTransport } from '../../src/index.js';
import type { Transport, TransportRead, TransportWrite } from '../../src/index.js';

/** async_bio.cc's AsyncBio: read and write quotas; the write quota can be switched off (DoRead does). */
export class AsyncTransport implements Transport {
  readQuota = 0;
  writeQuota = 0;
  enforceWriteQuota = true;

  constructor(readonly inner: SocketTransport) {}

  read(max: number): TransportRead {
    if (this.readQuota === 0) return { wouldBlock: true };
    const r = this.inner.read(Math.min(max, this.readQuota));
    if ('data' in r) this.readQuota -= r.data.length;
    return r;
  }

  write(bytes: Uint8Array): TransportWrite {
    if (!this.enforceWriteQuota) return this.inner.write(bytes);
    if (this.writeQuota === 0) return { wouldBlock: true };
    const w = this.inner.write(bytes.subarray(0, Math.min(bytes.length, this.writeQuota)));
    if ('n' in w) this.writeQuota -= w.n;
    return w;
  }
}

/** Opens the TCP connection to the runner (loopback, ::1 with -ipv6) and sends the shim id (u64 LE). */
export function connectRunner(port: number, ipv6: boolean, shimId: bigint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ipv6 ? '::1' : '127.0.0.1', port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      const id = Buffer.alloc(8);
      id.writeBigUInt64LE(shimId);
      socket.write(id);
      resolve(socket);
    });
  });
}

/**
 * Half-closes and drains the socket before letting it go (bssl_shim's set_drain_on_close): the
 * runner's last writes are read, so it never sees a reset.
 */
export function drainAndClose(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.on('error', () => socket.destroy());
    socket.resume();
    socket.end();
  });
}
