// Email through a pooled SMTP transport from SMTP_URL. One sendEmail() is one message to the receiver's
// addresses; a failure comes back as a NotifyError that says whether to retry.
import nodemailer from 'nodemailer';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo, Transporter } from 'nodemailer';
import { deadline } from './deadline.js';
import { NotifyError, classifyError, inContext } from './errors.js';
import type { RenderedEmail } from './render-email.js';

export type EmailTransport = Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/** The server of each transport, without credentials, for error messages. */
const servers = new WeakMap<EmailTransport, string>();

export interface EmailTransportOptions {
  /** To connect and to get the greeting, each (default 10 s). */
  connectionTimeoutMs?: number;
  /** Idle time on an open connection before it is dropped (default 60 s). */
  socketTimeoutMs?: number;
  /** Connections the pool opens at most (default 2: alerts are few, servers limit per client). */
  maxConnections?: number;
}

/** "smtps://mail.example.org:465" without user or password, for messages and logs. */
export function redactSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparsable SMTP_URL)';
  }
}

/**
 * A pooled transport for `smtp://[user:pass@]host[:port]` (STARTTLS when offered; `?requireTLS=true` to
 * insist) or `smtps://` (TLS from the start). nodemailer options may be added as query parameters
 * (`?ignoreTLS=true` for a local test server); they win over `opts`. Close it with `transport.close()`.
 */
export function createEmailTransport(smtpUrl: string, opts: EmailTransportOptions = {}): EmailTransport {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch (cause) {
    throw new NotifyError('config', 'SMTP_URL is not a URL (expected smtp://host:port or smtps://host:port)', {
      cause,
    });
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new NotifyError('config', `SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new NotifyError('config', 'SMTP_URL has no host');
  const timeout = opts.connectionTimeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections ?? 2,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    // Our only attachments are pictures rendered in memory; nothing should make the transport read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
  servers.set(transport, redactSmtpUrl(smtpUrl));
  return transport;
}

/** The transport for `SMTP_URL`, or a config error naming the missing variable. */
export function createEmailTransportFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  opts?: EmailTransportOptions,
): EmailTransport {
  const smtpUrl = env.SMTP_URL?.trim();
  if (!smtpUrl) throw new NotifyError('config', 'SMTP_URL is not set: email receivers cannot be sent to');
  return createEmailTransport(smtpUrl, opts);
}

export interface EmailResult {
  messageId: string;
  accepted: string[];
  /**
   * Addresses the server refused while accepting the others. The message went out, so the send counts as
   * done (a retry would repeat it to everyone); these are for the log.
   */
  rejected: { address: string; smtpCode?: number; permanent: boolean; message: string }[];
  response?: string;
}

export interface SendEmailOptions {
  /** The whole send: connection, envelope and data. */
  timeoutMs: number;
  /** Cancels the send (shutdown); reported as reason `aborted`. */
  signal?: AbortSignal;
}

type RejectedError = { recipient?: unknown; responseCode?: unknown; permanent?: unknown; message?: unknown };

/** Sends one rendered email to `to`; resolves when the server accepted it for at least one address. */
export async function sendEmail(
  transport: EmailTransport,
  to: readonly string[],
  rendered: RenderedEmail,
  opts: SendEmailOptions,
): Promise<EmailResult> {
  const server = servers.get(transport) ?? 'SMTP';
  const where = `email ${rendered.messageId} via ${server}`;
  if (to.length === 0) throw new NotifyError('invalid-recipient', `${where}: the receiver has no address`);
  const limit = deadline(opts.timeoutMs, opts.signal);
  let info: SMTPPoolSentMessageInfo;
  try {
    info = await transport.sendMail({
      from: rendered.from,
      to: [...to],
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: rendered.messageId,
      headers: rendered.headers,
      // Inline parts (multipart/related): the HTML shows them by Content-ID, clients do not list them as files.
      ...(rendered.attachments?.length && {
        attachments: rendered.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
          cid: a.cid,
          contentDisposition: 'inline' as const,
        })),
      }),
      signal: limit.signal,
    });
  } catch (err) {
    if (limit.timedOut)
      throw new NotifyError('timeout', `${where}: no answer within ${opts.timeoutMs} ms`, { cause: err });
    if (opts.signal?.aborted) throw new NotifyError('aborted', `${where}: the send was cancelled`, { cause: err });
    throw inContext(classifyError(err), where);
  } finally {
    limit.done();
  }
  const errors = (Array.isArray(info.rejectedErrors) ? info.rejectedErrors : []) as RejectedError[];
  return {
    messageId: info.messageId,
    accepted: (info.accepted ?? []).map(String),
    rejected: (info.rejected ?? []).map((address) => {
      const e = errors.find((r) => r.recipient === address);
      const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
      return {
        address: String(address),
        ...(code !== undefined && { smtpCode: code }),
        permanent: typeof e?.permanent === 'boolean' ? e.permanent : code !== undefined && code >= 500,
        message: typeof e?.message === 'string' ? e.message : 'rejected',
      };
    }),
    ...(typeof info.response === 'string' && { response: info.response }),
  };
}
