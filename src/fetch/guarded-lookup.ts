// DNS resolution with the SSRF guard applied to every address it returns. Node calls this from inside
// net.connect, so the address checked is the address connected to: a hostname that resolved to a public
// address for the check and to 127.0.0.1 for the connection (DNS rebinding) cannot slip through, because
// there is only one resolution. IP literals never reach a lookup; http.ts checks those itself.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { checkAddress, type AddressPolicy } from './address-guard.js';

/** The resolver underneath: node:dns `lookup` by default, replaceable in tests to simulate hostile DNS. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for http.request that resolves every address of the host and refuses the connection if any
 * of them is outside the policy. Refusing on any (rather than picking an allowed one) keeps a host that
 * mixes public and internal records from being used to reach the internal one on a retry.
 */
export function guardedLookup(policy: AddressPolicy, resolver: Resolver = systemResolver): LookupFunction {
  return (hostname: string, options: LookupOptions, done) => {
    resolver(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return done(err, '');
      const first = addresses[0];
      try {
        if (!first) throw Object.assign(new Error(`no addresses for ${hostname}`), { code: 'ENOTFOUND' });
        for (const { address } of addresses) checkAddress(address, policy, hostname);
      } catch (error) {
        return done(error as NodeJS.ErrnoException, '');
      }
      if (options.all) done(null, addresses);
      else done(null, first.address, first.family);
    });
  };
}
