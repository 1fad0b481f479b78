import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  classifyAddress,
  isAllowedClass,
  type AddressClass,
  type AddressPolicy,
} from '../../src/fetch/address-guard.js';
import { FetchError } from '../../src/fetch/errors.js';

// Table: [address, class].
const addresses: [string, AddressClass][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.15.255.255', 'public'],
  ['172.32.0.1', 'public'],
  ['192.168.1.1', 'private'],
  ['192.169.0.1', 'public'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.63.255.255', 'public'],
  ['100.128.0.1', 'public'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.10', 'reserved'],
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['93.184.216.34', 'public'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::', 'unspecified'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'private'],
  ['fd00:ec2::254', 'metadata'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  // IPv4-mapped and other IPv6 forms that carry an IPv4 address: the IPv4 address decides.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::FFFF:7F00:0001', 'loopback'],
  ['[::ffff:127.0.0.1]', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:192.168.0.1', 'private'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:a9fe:a9fe', 'metadata'],
  ['::ffff:100.64.0.1', 'cgnat'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::ffff:8.8.8.8', 'public'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b::10.1.1.1', 'private'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  // IPv4-translated (SIIT, ::ffff:0:0/96): the IPv4 address decides.
  ['::ffff:0:a9fe:a9fe', 'metadata'],
  ['::ffff:0:169.254.169.254', 'metadata'],
  ['::ffff:0:7f00:1', 'loopback'],
  ['::ffff:0:10.0.0.1', 'private'],
  ['::ffff:0:8.8.8.8', 'public'],
  // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): the network's own translator, never public; metadata under
  // any prefix length the /48 allows stays metadata.
  ['64:ff9b:1::a9fe:a9fe', 'metadata'],
  ['64:ff9b:1::169.254.169.254', 'metadata'],
  ['64:ff9b:1:a9fe:a9:fe00::', 'metadata'], // a /48 translator: 169.254 in bits 48-63, 169.254 in bits 72-87
  ['64:ff9b:1:0:a9:fea9:fe00:0', 'metadata'], // a /64 translator
  ['64:ff9b:1::8.8.8.8', 'private'],
  ['64:ff9b:1::7f00:1', 'private'],
  ['64:ff9b:1:ffff::1', 'private'],
  // Teredo (2001::/32): a tunnel, never public; the client's IPv4 address (inverted in the low 32 bits)
  // decides when it is not public.
  ['2001:0000:4136:e378:8000:63bf:3fff:fdd2', 'reserved'], // RFC 4380's example: client 192.0.2.45
  ['2001::5601:5601', 'metadata'], // client ~0x56015601 = 169.254.169.254
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // client 127.0.0.1
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'reserved'], // client 8.8.8.8, public: the tunnel is still not
  ['2001:4860:4860::8888', 'public'], // outside the Teredo /32
  ['2002:7f00:1::', 'loopback'],
  ['2002:c0a8:101::1', 'private'],
  ['not-an-address', 'reserved'],
  ['example.org', 'reserved'],
];

describe('classifyAddress', () => {
  it.each(addresses)('classifies %s as %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});

const CLASSES: AddressClass[] = [
  'public',
  'loopback',
  'private',
  'link-local',
  'metadata',
  'unspecified',
  'cgnat',
  'multicast',
  'reserved',
];
// Table: which classes each policy allows.
const allowed: Record<AddressPolicy, AddressClass[]> = {
  public: ['public'],
  loopback: ['public', 'loopback'],
  private: ['public', 'loopback', 'private', 'link-local', 'unspecified', 'cgnat', 'multicast', 'reserved'],
};

describe('isAllowedClass', () => {
  const cases = (Object.keys(allowed) as AddressPolicy[]).flatMap((policy) =>
    CLASSES.map((cls): [AddressPolicy, AddressClass, boolean] => [policy, cls, allowed[policy].includes(cls)]),
  );
  it.each(cases)('policy %s, class %s: allowed %s', (policy, cls, expected) => {
    expect(isAllowedClass(cls, policy)).toBe(expected);
  });

  it('keeps cloud metadata refused even when private addresses are allowed', () => {
    expect(isAllowedClass('metadata', 'private')).toBe(false);
  });
});

describe('checkAddress', () => {
  it('passes a public address under the default policy', () => {
    expect(() => checkAddress('93.184.216.34', 'public')).not.toThrow();
  });

  it('throws a permanent blocked-address FetchError naming the class and the host', () => {
    let error: unknown;
    try {
      checkAddress('10.0.0.7', 'loopback', 'intranet.example');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ reason: 'blocked-address', permanent: true });
    expect((error as Error).message).toBe(
      'fetch: refused to connect to private address 10.0.0.7 (intranet.example); allow private addresses for this source if it is meant to be internal',
    );
  });

  it('refuses an IPv4-mapped loopback address under the public policy', () => {
    expect(() => checkAddress('::ffff:127.0.0.1', 'public')).toThrow(/loopback address/);
  });
});
