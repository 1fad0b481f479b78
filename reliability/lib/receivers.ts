// The Slack and SMTP stand-ins as the scenarios drive them: a webhook whose answer can be switched (200,
// 429 with Retry-After, 500), recording per item what it accepted; and an SMTP server that can be taken
// down and brought back on the same port.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { startWebhookServer, type WebhookServer } from '../../test/helpers/slack.js';
import { idsIn } from './book.js';

export type SlackMode = { status: 200 } | { status: 429; retryAfterS: number } | { status: 500 };

export interface SlackStandIn {
  url: string;
  /** Item ids of desk messages answered 200, one entry per message (repeats are duplicates). */
  accepted: string[];
  /** When each accepted desk message arrived, by id (first arrival). */
  firstAt: Map<string, number>;
  /** Answers given to desk messages, by status. */
  answers: Map<number, number>;
  /** Desk messages that named no item or several. */
  malformed: number;
  mode: SlackMode;
  close(): Promise<void>;
}

export async function startSlack(): Promise<SlackStandIn> {
  const stand: Omit<SlackStandIn, 'url' | 'close'> = {
    accepted: [],
    firstAt: new Map(),
    answers: new Map(),
    malformed: 0,
    mode: { status: 200 },
  };
  const server: WebhookServer = await startWebhookServer((req, res) => {
    if (req.path !== '/desk') return void res.writeHead(200).end('ok');
    const mode = stand.mode;
    stand.answers.set(mode.status, (stand.answers.get(mode.status) ?? 0) + 1);
    if (mode.status === 429)
      return void res.writeHead(429, { 'retry-after': String(mode.retryAfterS) }).end('rate limited');
    if (mode.status === 500) return void res.writeHead(500).end('internal error');
    const ids = idsIn(req.body);
    if (ids.length !== 1) stand.malformed++;
    for (const id of ids) {
      stand.accepted.push(id);
      if (!stand.firstAt.has(id)) stand.firstAt.set(id, Date.now());
    }
    res.writeHead(200).end('ok');
  });
  return Object.assign(stand, { url: server.url, close: () => server.close() });
}

export interface SmtpStandIn {
  url: string;
  /** Item ids of accepted emails, one entry per email. */
  accepted: string[];
  firstAt: Map<string, number>;
  /** Message-IDs of accepted emails, one entry per email. */
  messageIds: string[];
  up(): boolean;
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpStandIn> {
  let server: SMTPServer | undefined;
  let port = 0;
  const stand = { accepted: [] as string[], firstAt: new Map<string, number>(), messageIds: [] as string[] };
  const listen = async (): Promise<void> => {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              const ids = idsIn(`${mail.subject ?? ''}\n${mail.text ?? ''}`);
              for (const id of ids) {
                stand.accepted.push(id);
                if (!stand.firstAt.has(id)) stand.firstAt.set(id, Date.now());
              }
              stand.messageIds.push(mail.messageId ?? '');
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.server.address() as AddressInfo).port;
    server = s;
  };
  await listen();
  return Object.assign(stand, {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    up: () => server !== undefined,
    stop: async () => {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: listen,
  });
}
