import { it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { startModelServer } from '../support/model-server';
import { startOpencode } from '../support/opencode';

function crc32(buf: Buffer): number { let c, crc = 0xffffffff; for (const b of buf) { c = (crc ^ b) & 0xff; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crc = (crc >>> 8) ^ c; } return (crc ^ 0xffffffff) >>> 0; }
function chunk(type: string, data: Buffer): Buffer { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td)); return Buffer.concat([len, td, crc]); }
function png(): Buffer { const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(1, 0); ihdr.writeUInt32BE(1, 4); ihdr[8] = 8; ihdr[9] = 2; return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))]); }
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
it('probe', async () => {
  const model = await startModelServer();
  const oc = await startOpencode({ modelBaseUrl: model.baseUrl });
  try {
    for (const [mime, bytes, filename] of [['image/png', png(), 'p.png'], ['image/jpeg', JPEG, 'p.jpg'], ['application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n'), 'a.pdf'], ['text/plain', Buffer.from('hi'), 'a.txt']] as const) {
      const s = await oc.json<{ id: string }>('/session', { method: 'POST', body: {} });
      const r = await oc.fetch(`/session/${s.id}/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parts: [{ type: 'file', mime, filename, url: `data:${mime};base64,${bytes.toString('base64')}` }, { type: 'text', text: 'what is it' }] }), signal: AbortSignal.timeout(30000) }).catch((e) => e);
      console.log(mime, 'status', r.status ?? r.message, r.text ? (await r.text()).slice(0, 600) : '');
      console.log(model.chatRequests().slice(-1).map((q) => q.outcome + JSON.stringify((q.body as any).messages.at(-1)).slice(0, 800)));
    }
    console.log(oc.logs().slice(-3000));
  } finally {
    await oc.stop();
    await model.close();
  }
}, 120000);
