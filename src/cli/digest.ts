// `signpost digest --preview`: a receiver's next digest as it would be sent.
import { buildDigest } from '../pipeline/digest.js';
import { renderDigestEmail } from '../notify/index.js';
import { loadOrReport } from './load.js';
import { withStore } from './with-store.js';

/** `signpost digest --preview RECEIVER`: the receiver's next digest as it stands, text and HTML, not sent. */
export async function runDigest(config: string, receiver: string | undefined, preview: boolean): Promise<number> {
  if (!preview || !receiver) {
    console.error('signpost digest: usage: signpost digest --preview RECEIVER');
    return 2;
  }
  const wb = loadOrReport(config);
  if (!wb) return 1;
  const target = wb.receivers.find((r) => r.id === receiver);
  if (!target?.digest) {
    console.error(
      `signpost digest: ${receiver} is not a receiver with a digest schedule; those are: ${
        wb.receivers
          .filter((r) => r.digest)
          .map((r) => r.id)
          .join(', ') || 'none'
      }`,
    );
    return 1;
  }
  return withStore(async (store) => {
    const digest = await buildDigest(receiver, await store.peekDigestAlerts(receiver), wb, store, Date.now());
    const email = renderDigestEmail(digest, { from: process.env.SMTP_FROM ?? 'Signpost', timeZone: wb.watch.timezone });
    const pictures = email.attachments?.map((a) => `${a.filename} (cid:${a.cid})`).join(', ');
    console.log(
      `Subject: ${email.subject}\n\n${email.text}\n\n----- HTML -----\n${email.html}${pictures ? `\n----- Pictures (attached, not shown here) -----\n${pictures}` : ''}`,
    );
    return 0;
  });
}
