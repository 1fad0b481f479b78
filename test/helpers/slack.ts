// A webhook server in Slack's place on loopback (port 0), recording what it receives and answering as
// told, and a checker for the Block Kit limits our payloads must respect.
import type http from 'node:http';
import { startServer, type TestServer } from './server.js';

export interface WebhookRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The client's port: with the server's, it names the TCP connection (and so the process) that sent it. */
  clientPort: number;
}

export interface WebhookServer extends TestServer {
  requests: WebhookRequest[];
}

/** `answer` gets each request once its body is read and writes the response (status, headers, body, or nothing). */
export async function startWebhookServer(
  answer: (req: WebhookRequest, res: http.ServerResponse) => void,
): Promise<WebhookServer> {
  const requests: WebhookRequest[] = [];
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientPort: req.socket.remotePort ?? 0,
      };
      requests.push(request);
      answer(request, res);
    });
  });
  return { ...server, requests };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Problems with a Block Kit message (https://api.slack.com/reference/block-kit/blocks): known block types
 * only, the length limits, http(s) button URLs, and mrkdwn with no "<" other than a link Slack would draw.
 */
export function blockKitProblems(payload: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(payload)) return ['payload is not an object'];
  if (typeof payload.text !== 'string' || !payload.text) problems.push('no fallback text');
  const blocks = payload.blocks;
  if (!Array.isArray(blocks) || blocks.length === 0) return [...problems, 'no blocks'];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (at most 50)`);
  const text = (t: unknown, where: string, max: number, kinds = ['plain_text', 'mrkdwn']): void => {
    if (!isObject(t) || typeof t.text !== 'string' || typeof t.type !== 'string' || !kinds.includes(t.type)) {
      problems.push(`${where}: not a ${kinds.join('/')} text object`);
      return;
    }
    if (!t.text.length || t.text.length > max)
      problems.push(`${where}: text of ${t.text.length} characters (1 to ${max})`);
    if (t.type === 'mrkdwn' && /<(?!https?:\/\/[^\s<>|]+\|[^<>]*>)/.test(t.text))
      problems.push(`${where}: raw "<" in mrkdwn`);
    if (/<!|<@|<#/.test(t.text)) problems.push(`${where}: a mention or channel link`);
  };
  blocks.forEach((b: unknown, i) => {
    const where = `block ${i}`;
    if (!isObject(b)) return problems.push(`${where}: not an object`);
    switch (b.type) {
      case 'header':
        return text(b.text, where, 150, ['plain_text']);
      case 'section':
        text(b.text, where, 3000);
        if (b.accessory !== undefined) {
          const a = b.accessory;
          if (!isObject(a) || a.type !== 'button') return problems.push(`${where}: accessory is not a button`);
          text(a.text, `${where} button`, 75, ['plain_text']);
          if (typeof a.url !== 'string' || !/^https?:\/\//.test(a.url) || a.url.length > 3000)
            problems.push(`${where}: button url ${String(a.url)}`);
        }
        return;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 10)
          return problems.push(`${where}: 1 to 10 elements`);
        b.elements.forEach((e: unknown, j) => text(e, `${where} element ${j}`, 3000));
        return;
      case 'divider':
        return;
      default:
        problems.push(`${where}: unknown type ${String(b.type)}`);
    }
  });
  return problems;
}
