// The local stand-in for a licensed SMS provider: a real HTTP endpoint (`POST /local/sms-provider`)
// that takes what the http adapter (shared/adapters/sms.ts) sends a provider, and an outbox of what it
// was given, newest first, at `GET /local/sms` — a page, or JSON (`Accept: application/json`: a list of
// {to, text, at}). So a new user sees the code arrive. `npm start` prints each message with the
// number masked (the page shows it whole: it is the phone's screen). Kept in the data folder.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import * as path from 'node:path';
import { maskMobile } from '../shared/domain/sms';
import type { HttpSmsRequest } from '../shared/adapters/sms';

export interface OutboxMessage {
  to: string;
  text: string;
  at: string;
}

const MAX_KEPT = 500;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(messages: readonly OutboxMessage[]): string {
  const rows = messages
    .map((m) => `<li><p class="meta"><span>${escapeHtml(m.to)}</span> · <time datetime="${escapeHtml(m.at)}">${escapeHtml(m.at)}</time></p><p>${escapeHtml(m.text)}</p></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>本地短信收件箱 · Local SMS outbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}ol{list-style:none;padding:0}li{border:1px solid #767676;border-radius:.5rem;padding:.5rem 1rem;margin:.5rem 0}.meta{color:#4a4a4a;font-size:.9rem}</style>
</head>
<body><main>
<h1>本地短信收件箱 <span lang="en">Local SMS outbox</span></h1>
<p>本机模拟的短信服务商收到的短信，最新的在前。<span lang="en">What the emulated SMS provider was given, newest first. Reload to see new messages.</span></p>
${messages.length ? `<ol>${rows}</ol>` : '<p>暂无短信。<span lang="en">No messages yet.</span></p>'}
</main></body></html>
`;
}

export class LocalSmsOutbox {
  private readonly messages: OutboxMessage[];

  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void,
  ) {
    this.messages = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as OutboxMessage[]) : [];
  }

  static inDataDir(dataDir: string, log: (line: string) => void): LocalSmsOutbox {
    return new LocalSmsOutbox(path.join(dataDir, 'sms-outbox.json'), log);
  }

  /** Newest first. */
  list(): OutboxMessage[] {
    return [...this.messages].reverse();
  }

  private receive(request: HttpSmsRequest, now: Date): OutboxMessage {
    const message = { to: request.phoneNumber, text: `【${request.signName}】${request.text}`, at: now.toISOString() };
    this.messages.push(message);
    this.messages.splice(0, Math.max(0, this.messages.length - MAX_KEPT));
    writeFileSync(this.file, JSON.stringify(this.messages));
    this.log(`短信 SMS → ${maskMobile(message.to)}: ${message.text}  (/local/sms)`);
    return message;
  }

  /** Answers requests under /local/sms…; false for any other path. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<boolean> {
    if (pathname === '/local/sms-provider' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let request: HttpSmsRequest;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HttpSmsRequest;
        if (typeof request.phoneNumber !== 'string' || typeof request.text !== 'string' || typeof request.signName !== 'string') throw new Error('fields');
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 'InvalidRequest', message: 'phoneNumber, signName and text are required' }));
        return true;
      }
      this.receive(request, new Date());
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 'OK' }));
      return true;
    }
    if (pathname === '/local/sms' && (req.method === 'GET' || req.method === 'HEAD')) {
      const wantsJson = (req.headers.accept ?? '').includes('application/json');
      res.writeHead(200, {
        'Content-Type': wantsJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(wantsJson ? JSON.stringify(this.list()) : page(this.list()));
      return true;
    }
    return false;
  }
}
