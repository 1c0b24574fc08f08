import type { WireMessage } from './wire';

/**
 * How messages travel over a byte-oriented socket (WebSocket). Stream data goes as a binary frame
 * (u32 big-endian stream id + payload) so bytes are never base64'd; everything else is JSON text.
 */
export function encodeMessage(message: WireMessage): string | Uint8Array<ArrayBuffer> {
  if (message.t === 'data') {
    const frame = new Uint8Array(4 + message.bytes.byteLength);
    new DataView(frame.buffer).setUint32(0, message.id);
    frame.set(message.bytes, 4);
    return frame;
  }
  return JSON.stringify(message);
}

/** Undecodable input yields a value that fails schema validation rather than throwing here. */
export function decodeMessage(data: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return { t: 'undecodable' };
    }
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < 4) return { t: 'undecodable' };
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  return { t: 'data', id, bytes: bytes.slice(4) };
}
