// The local server serves the pages as CloudFront does with compression on (lib/web.ts): Brotli when
// the browser accepts it, else gzip, for text types from 1,000 bytes, with Vary: Accept-Encoding.
import * as http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET with exactly the headers given (fetch would add and undo its own Accept-Encoding). */
function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(pathname, inject('baseUrl')), { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('web pages, compressed as CloudFront compresses them', () => {
  it.each(['/form.page.js', '/index.html', '/styles.css'])('%s: Brotli when accepted, gzip otherwise, the same bytes once decoded', async (pathname) => {
    const identity = await get(pathname);
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toBe('Accept-Encoding');
    expect(Number(identity.headers['content-length'])).toBe(identity.body.length);

    const br = await get(pathname, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.body.length).toBeLessThan(identity.body.length / 2);
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);

    const gzip = await get(pathname, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);
  });

  it('honours q=0 (Brotli refused: gzip) and sends no body for HEAD', async () => {
    expect((await get('/form.page.js', { 'Accept-Encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
    const head = await get('/form.page.js', { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.body.length).toBe(0);
  });

  it('leaves files under 1,000 bytes as they are (CloudFront compresses from 1,000 bytes)', async () => {
    const icon = await get('/favicon.svg', { 'Accept-Encoding': 'br, gzip' });
    expect(icon.status).toBe(200);
    expect(icon.body.length).toBeLessThan(1000);
    expect(icon.headers['content-encoding']).toBeUndefined();
  });
});
