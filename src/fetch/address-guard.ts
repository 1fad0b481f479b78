// The SSRF guard: decides whether Signpost may open a connection to an IP address. A watchbook is written by
// an admin, but the feeds it names are not: any of them can redirect (or resolve) to the machine itself, to
// the office network or to the cloud metadata service. So every address is checked after DNS resolution, at
// connect time, on every hop (see guarded-lookup.ts and http.ts).
import { isIPv4, isIPv6 } from 'node:net';
import { FetchError } from './errors.js';

/** What an address is, for the guard and for the message on-call reads. */
export type AddressClass =
  'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'cgnat' | 'multicast' | 'reserved';

/**
 * Which addresses a fetch may reach:
 * - `public`: public addresses only (the default);
 * - `loopback`: public and loopback (tests and local development: a fixture server on 127.0.0.1, while
 *   every other internal range stays refused);
 * - `private`: everything except cloud metadata services (the watchbook's or CLI's `allowPrivate`, for
 *   feeds on an intranet). Metadata stays refused even then: no feed lives there, and a redirect from a
 *   compromised public feed to it is the classic SSRF that leaks cloud credentials.
 */
export type AddressPolicy = 'public' | 'loopback' | 'private';

type Range = readonly [prefix: bigint, bits: number, cls: AddressClass];

const v4 = (a: number, b: number, c: number, d: number): bigint => BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0);

// Most specific first: the first range that contains the address wins. IANA special-purpose registry:
// https://www.iana.org/assignments/iana-ipv4-special-registry/
const V4_RANGES: readonly Range[] = [
  [v4(169, 254, 169, 254), 32, 'metadata'], // AWS, GCP, Azure, OpenStack, Oracle
  [v4(169, 254, 170, 2), 32, 'metadata'], // AWS ECS task metadata
  [v4(100, 100, 100, 200), 32, 'metadata'], // Alibaba Cloud
  [v4(0, 0, 0, 0), 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'], // RFC 6598 shared address space
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24, 'reserved'], // documentation
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [v4(198, 51, 100, 0), 24, 'reserved'], // documentation
  [v4(203, 0, 113, 0), 24, 'reserved'], // documentation
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'], // includes 255.255.255.255
];

// https://www.iana.org/assignments/iana-ipv6-special-registry/
const V6_RANGES: readonly Range[] = [
  [0n, 128, 'unspecified'],
  [1n, 128, 'loopback'],
  [0xfd00_0ec2_0000_0000_0000_0000_0000_0254n, 128, 'metadata'], // AWS IMDS over IPv6
  [0x0100n << 112n, 64, 'reserved'], // discard-only
  [0x2001_0db8n << 96n, 32, 'reserved'], // documentation
  [0xfc00n << 112n, 7, 'private'], // unique local
  [0xfe80n << 112n, 10, 'link-local'],
  [0xfec0n << 112n, 10, 'private'], // deprecated site-local, still routed inside some networks
  [0xff00n << 112n, 8, 'multicast'],
];

const inRange = (value: bigint, width: number, [prefix, bits]: Range): boolean =>
  value >> BigInt(width - bits) === prefix >> BigInt(width - bits);

function classifyV4(value: bigint): AddressClass {
  return V4_RANGES.find((range) => inRange(value, 32, range))?.[2] ?? 'public';
}

/** IPv6 forms that carry an IPv4 address, which is then what decides: mapped, translated, compatible, NAT64, 6to4. */
function embeddedV4(value: bigint): bigint | undefined {
  const high96 = value >> 32n;
  const low32 = value & 0xffff_ffffn;
  if (high96 === 0xffffn) return low32; // ::ffff:a.b.c.d, IPv4-mapped
  if (high96 === 0xffff_0000n) return low32; // ::ffff:0:a.b.c.d, IPv4-translated (SIIT, RFC 2765 §2.1)
  if (high96 === 0n) return low32; // ::a.b.c.d, IPv4-compatible (deprecated, :: and ::1 are matched before)
  if (high96 === 0x0064_ff9bn << 64n) return low32; // 64:ff9b::/96, NAT64 well-known prefix (RFC 6052)
  if (value >> 112n === 0x2002n) return (value >> 80n) & 0xffff_ffffn; // 2002:aabb:ccdd::/48, 6to4
  return undefined;
}

const NAT64_LOCAL = 0x0064_ff9b_0001n; // 64:ff9b:1::/48, local-use NAT64 prefix (RFC 8215)
const TEREDO = 0x2001_0000n; // 2001::/32 (RFC 4380)

/**
 * Translation prefixes whose IPv4 address is not where the forms above look, or not only there. Neither
 * is ever `public`: a local-use NAT64 prefix leads into the network's own translator, and a Teredo address
 * is a tunnel to whatever its client address is.
 */
function translatedClass(value: bigint): AddressClass | undefined {
  if (value >> 80n === NAT64_LOCAL) {
    // The prefix length inside the /48 is the network's choice (RFC 6052 §2.2): metadata under any of them
    // stays metadata; everything else is the inside of this network.
    return nat64Candidates(value).some((v) => classifyV4(v) === 'metadata') ? 'metadata' : 'private';
  }
  if (value >> 96n === TEREDO) {
    // The client's IPv4 address is the low 32 bits, inverted (RFC 4380 §4).
    const cls = classifyV4(~value & 0xffff_ffffn);
    return cls === 'public' ? 'reserved' : cls;
  }
  return undefined;
}

/** The IPv4 address of a NAT64 address under each prefix length RFC 6052 §2.2 allows inside a /48. */
function nat64Candidates(value: bigint): bigint[] {
  const bytes = Array.from({ length: 16 }, (_, i) => Number((value >> BigInt(8 * (15 - i))) & 0xffn));
  // Bits 64 to 71 (byte 8) are always zero and never part of the IPv4 address.
  const skipU = [...bytes.slice(0, 8), ...bytes.slice(9)];
  const at = (from: number[], i: number) =>
    BigInt(((from[i]! << 24) | (from[i + 1]! << 16) | (from[i + 2]! << 8) | from[i + 3]!) >>> 0);
  return [at(skipU, 6), at(skipU, 7), at(skipU, 8), at(bytes, 12)]; // /48, /56, /64, /96
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(text: string): bigint {
  let groups = text;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  if (dotted) {
    const quad = parseV4(dotted[2] ?? '');
    groups = `${dotted[1] ?? ''}${(quad >> 16n).toString(16)}:${(quad & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = groups.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** Classifies an IP address in text form (brackets and a `%zone` suffix allowed). Non-addresses are `reserved`. */
export function classifyAddress(address: string): AddressClass {
  const text = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(text)) return classifyV4(parseV4(text));
  if (!isIPv6(text)) return 'reserved';
  const value = parseV6(text);
  const direct = V6_RANGES.find((range) => inRange(value, 128, range))?.[2];
  if (direct) return direct;
  const translated = translatedClass(value);
  if (translated) return translated;
  const inner = embeddedV4(value);
  return inner === undefined ? 'public' : classifyV4(inner);
}

/** Whether the policy lets a fetch connect to an address of this class. */
export function isAllowedClass(cls: AddressClass, policy: AddressPolicy): boolean {
  switch (policy) {
    case 'public':
      return cls === 'public';
    case 'loopback':
      return cls === 'public' || cls === 'loopback';
    case 'private':
      return cls !== 'metadata';
  }
}

/** Throws a permanent `blocked-address` FetchError unless the policy allows connecting to `address`. */
export function checkAddress(address: string, policy: AddressPolicy, host: string = address): void {
  const cls = classifyAddress(address);
  if (isAllowedClass(cls, policy)) return;
  const via = host === address ? '' : ` (${host})`;
  const hint = cls === 'metadata' ? '' : '; allow private addresses for this source if it is meant to be internal';
  throw new FetchError('blocked-address', `refused to connect to ${cls} address ${address}${via}${hint}`, {
    permanent: true,
  });
}
