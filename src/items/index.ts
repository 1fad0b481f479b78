// Items: RawEntry -> Item. Readable text, canonical links, stable keys and near-duplicate fingerprints.
export { canonicalUrl } from './canonical-url.js';
export { decodeEntities } from './entities.js';
export { htmlToText } from './html-text.js';
export { type KeyBasis, type KeyKind, itemKey, keyBasis, keyFrom } from './key.js';
export { type ItemBatch, toItem, toItems } from './normalize.js';
export { fingerprint, hammingDistance, isNearDuplicate, NEAR_DUPLICATE_BITS } from './simhash.js';
