import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle.ts';

// The Certificate Transparency reference tree (RFC 6962 test data, unchanged by RFC 9162).
const CT_ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const hex = (hs: Hash[]) => hs.map((h) => h.toString('hex'));
const CT = CT_ENTRIES.map((e) => leafHash(Buffer.from(e, 'hex')));
const flip = (h: Hash) => {
  const b = Buffer.from(h);
  b[0] = b[0]! ^ 1;
  return b;
};

describe('the record log’s Merkle tree (RFC 9162)', () => {
  it('gives the reference roots for 0..8 leaves', () => {
    for (let n = 0; n <= 8; n++) expect(rootOf(CT.slice(0, n)).toString('hex'), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it('gives the reference inclusion proofs, and they verify', () => {
    for (const [i, n, proof] of CT_INCLUSION) {
      expect(hex(inclusionProof(i, CT.slice(0, n)))).toEqual(proof);
      const root = Buffer.from(CT_ROOTS[n]!, 'hex');
      expect(
        verifyInclusion(
          i,
          n,
          CT[i]!,
          proof.map((p) => Buffer.from(p, 'hex')),
          root,
        ),
      ).toBe(true);
    }
  });

  it('gives the reference consistency proofs, and they verify', () => {
    for (const [m, n, proof] of CT_CONSISTENCY) {
      expect(hex(consistencyProof(m, CT.slice(0, n)))).toEqual(proof);
      const p = proof.map((x) => Buffer.from(x, 'hex'));
      expect(verifyConsistency(m, n, p, Buffer.from(CT_ROOTS[m]!, 'hex'), Buffer.from(CT_ROOTS[n]!, 'hex'))).toBe(true);
    }
  });

  const leaves = Array.from({ length: 64 }, (_, i) => leafHash(Buffer.from(`record item ${i}`)));
  const roots = Array.from({ length: 65 }, (_, n) => rootOf(leaves.slice(0, n)));

  it('proves every leaf of every tree of 1..64 leaves, and refuses a wrong leaf, index or root', () => {
    for (let n = 1; n <= 64; n++) {
      const tree = leaves.slice(0, n);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, tree);
        expect(verifyInclusion(i, n, tree[i]!, proof, roots[n]!), `${i} of ${n}`).toBe(true);
        expect(verifyInclusion(i, n, flip(tree[i]!), proof, roots[n]!)).toBe(false);
        expect(verifyInclusion(i, n, tree[i]!, proof, flip(roots[n]!))).toBe(false);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, tree[i]!, proof, roots[n]!)).toBe(false);
      }
    }
  });

  it('proves every tree of 1..64 leaves consistent with each earlier one', () => {
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, leaves.slice(0, n));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `${m} -> ${n}`).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, proof, flip(roots[m]!), roots[n]!)).toBe(false);
      }
    }
  });

  it('detects a fork: a log that rewrote an old leaf cannot prove itself consistent with a head kept before', () => {
    const kept = { size: 20, root: roots[20]! };
    const forked = [...leaves.slice(0, 40)];
    forked[7] = leafHash(Buffer.from('a quietly replaced item'));
    const forkedRoot = rootOf(forked);
    // Neither an honest proof nor one computed from the forked log reconciles the kept head with the forked one.
    expect(verifyConsistency(kept.size, 40, consistencyProof(kept.size, forked), kept.root, forkedRoot)).toBe(false);
    expect(
      verifyConsistency(kept.size, 40, consistencyProof(kept.size, leaves.slice(0, 40)), kept.root, forkedRoot),
    ).toBe(false);
  });
});
