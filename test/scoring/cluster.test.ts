import { describe, expect, it } from 'vitest';
import { fingerprint, hammingDistance, NEAR_DUPLICATE_BITS } from '../../src/items/index.js';
import { assignCluster, ClusterIndex, fingerprintDistance } from '../../src/scoring/index.js';
import { asText, storySets } from '../items/news-stories.js';

describe('fingerprintDistance', () => {
  const table: [name: string, a: string, b: string, bits: number][] = [
    ['is 0 for the same fingerprint', '0123456789abcdef', '0123456789abcdef', 0],
    ['counts one bit in the low half', '0000000000000000', '0000000000000001', 1],
    ['counts one bit in the high half', '0000000000000000', '8000000000000000', 1],
    ['counts bits in both halves', '00000000000000ff', 'ff00000000000000', 16],
    ['is 64 for complements', '0000000000000000', 'ffffffffffffffff', 64],
    ['ignores hex case', '0123456789ABCDEF', '0123456789abcdef', 0],
  ];
  it.each(table)('%s', (_, a, b, bits) => {
    expect(fingerprintDistance(a, b)).toBe(bits);
  });

  it('agrees with the items stage on real fingerprints', () => {
    const prints = Object.values(storySets).flatMap((set) =>
      [set.original, set.reworded, set.appended, set.retitled, ...set.sameTopic].map((s) => fingerprint(asText(s))),
    );
    for (const a of prints) for (const b of prints) expect(fingerprintDistance(a, b)).toBe(hammingDistance(a, b));
  });

  it.each(['', '0123', '0123456789abcdeg', '0123456789abcdef0'])('rejects %j, which is not 16 hex digits', (bad) => {
    expect(() => fingerprintDistance(bad, '0000000000000000')).toThrow(/^scoring: a fingerprint is 16 hex digits/);
  });
});

describe('assignCluster', () => {
  const a = '00000000000000ff'; // cluster A's member
  const b = 'ff00000000000000'; // cluster B's member, 16 bits from a
  const table: [
    name: string,
    fp: string,
    recent: { cluster: string; fingerprint: string }[],
    maxBits: number,
    cluster: string,
  ][] = [
    [
      'starts a cluster named by its own fingerprint when nothing is recent',
      '0123456789ABCDEF',
      [],
      4,
      '0123456789abcdef',
    ],
    ['joins the cluster of a near-duplicate', '00000000000000fe', [{ cluster: 'A', fingerprint: a }], 4, 'A'],
    ['joins at exactly maxBits', '000000000000000f', [{ cluster: 'A', fingerprint: a }], 4, 'A'],
    [
      'starts its own cluster one bit beyond maxBits',
      '0000000000000007',
      [{ cluster: 'A', fingerprint: a }],
      4,
      '0000000000000007',
    ],
    [
      'joins the nearest cluster, not the first listed',
      'f000000000000000',
      [
        { cluster: 'A', fingerprint: a },
        { cluster: 'B', fingerprint: b },
      ],
      4,
      'B',
    ],
    [
      'measures to every member of a cluster: the nearest member counts',
      '0000000000000f00',
      [
        { cluster: 'A', fingerprint: a },
        { cluster: 'A', fingerprint: '0000000000000f0f' },
      ],
      4,
      'A',
    ],
    [
      'breaks a tie by the smaller cluster id, whatever the order',
      '000000000000ffff',
      [
        { cluster: 'Z', fingerprint: '000000000000ff00' },
        { cluster: 'M', fingerprint: a },
      ],
      8,
      'M',
    ],
  ];
  it.each(table)('%s', (_, fp, recent, maxBits, cluster) => {
    expect(assignCluster(fp, recent, maxBits)).toBe(cluster);
  });

  it('breaks a tie the same way when recent is listed in the other order', () => {
    const recent = [
      { cluster: 'M', fingerprint: '00000000000000ff' },
      { cluster: 'Z', fingerprint: '000000000000ff00' },
    ];
    expect(assignCluster('000000000000ffff', recent, 8)).toBe('M');
    expect(assignCluster('000000000000ffff', [...recent].reverse(), 8)).toBe('M');
  });

  it('is deterministic: a rerun gives the same id', () => {
    const recent = [{ cluster: 'A', fingerprint: a }];
    expect(assignCluster('123456789abcdef0', recent, 4)).toBe(assignCluster('123456789abcdef0', recent, 4));
  });

  it.each(Object.entries(storySets))(
    '%s: puts syndicated copies of a story in one cluster, other stories in others',
    (_, set) => {
      const recent: { cluster: string; fingerprint: string }[] = [];
      const clusterOf = (text: string) => {
        const fp = fingerprint(text);
        const cluster = assignCluster(fp, recent, NEAR_DUPLICATE_BITS);
        recent.push({ cluster, fingerprint: fp });
        return cluster;
      };
      const original = clusterOf(asText(set.original));
      expect(original).toBe(fingerprint(asText(set.original)));
      for (const copy of [set.reworded, set.appended, set.retitled]) expect(clusterOf(asText(copy))).toBe(original);
      const others = set.sameTopic.map((s) => clusterOf(asText(s)));
      expect(others).not.toContain(original);
      expect(new Set(others).size).toBe(2);
    },
  );
});

describe('ClusterIndex', () => {
  /** Distinct fingerprints far apart: i spread over both halves by a multiplicative hash. */
  const far = (i: number) =>
    (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0') +
    (Math.imul(i + 7, 0x85ebca6b) >>> 0).toString(16).padStart(8, '0');

  it('clusters as assignCluster does, on the table above and on real stories', () => {
    const recent = [
      { cluster: 'B', fingerprint: 'ff00000000000000' },
      { cluster: 'A', fingerprint: '00000000000000ff' },
    ];
    for (const fp of ['00000000000000fe', '0000000000000007', 'ff00000000000001', '0123456789abcdef']) {
      expect(new ClusterIndex(recent, 4, 100).assign(fp)).toBe(assignCluster(fp, recent, 4));
    }
    for (const set of Object.values(storySets)) {
      const index = new ClusterIndex([], NEAR_DUPLICATE_BITS, 100);
      const original = index.assign(fingerprint(asText(set.original)));
      for (const copy of [set.reworded, set.appended, set.retitled])
        expect(index.assign(fingerprint(asText(copy)))).toBe(original);
    }
  });

  it('remembers what it assigned: a later copy in the same batch joins an earlier one', () => {
    const index = new ClusterIndex([], 4, 10);
    const first = index.assign('00000000000000ff');
    expect(index.assign('00000000000000fe')).toBe(first);
  });

  it('compares an item with the newest `capacity` fingerprints only, however large the batch', () => {
    // A huge feed costs items x capacity comparisons, not items squared: a twin more than `capacity`
    // items back is out of reach and starts a cluster of its own; one within reach is found.
    const capacity = 50;
    const index = new ClusterIndex([], 4, capacity);
    const twin = '00000000000000ff';
    const first = index.assign(twin);
    for (let i = 0; i < capacity - 1; i++) index.assign(far(i));
    expect(index.assign(twin)).toBe(first);
    for (let i = 0; i < capacity; i++) index.assign(far(1000 + i));
    expect(index.assign('00000000000000fe')).toBe('00000000000000fe');
  });

  it('keeps the newest of the stored fingerprints it starts from', () => {
    const recent = [
      { cluster: 'NEW', fingerprint: '00000000000000ff' },
      { cluster: 'OLD', fingerprint: 'ff00000000000000' },
    ];
    const index = new ClusterIndex(recent, 4, 1);
    expect(index.assign('ff00000000000001')).toBe('ff00000000000001');
    expect(new ClusterIndex(recent, 4, 1).assign('00000000000000fe')).toBe('NEW');
  });
});
