// ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. Fingerprints follow what EC2 reports for imported
// keys (kops compares them to decide whether its key pair changed): RSA = MD5 of the DER public key
// in colon hex; ed25519 = base64 SHA-256 of the SSH wire key.
import { createHash, createPublicKey } from 'node:crypto';
import { AwsError, missingParameter } from '../errors.js';
import { ec2Id } from '../ids.js';
import type { EmulatorData, KeyPairRecord } from '../model.js';
import { el, list } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { applyFilters, parseFilters, type FilterFields } from './filters.js';
import { tagSet, tagsFromSpecifications } from './tag-rules.js';

function wireParts(blob: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let pos = 0; pos + 4 <= blob.length;) {
    const len = blob.readUInt32BE(pos);
    parts.push(blob.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return parts;
}

const invalidKey = () => new AwsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');

/** Type and fingerprint of an OpenSSH public key line, or InvalidKey.Format. */
export function parsePublicKey(line: string): { keyType: 'rsa' | 'ed25519'; fingerprint: string } {
  const [type, b64] = line.trim().split(/\s+/);
  if (b64 === undefined) throw invalidKey();
  const blob = Buffer.from(b64, 'base64');
  const parts = wireParts(blob);
  if (parts[0]?.toString() !== type) throw invalidKey();
  if (type === 'ssh-ed25519' && parts[1]?.length === 32) {
    return { keyType: 'ed25519', fingerprint: createHash('sha256').update(blob).digest('base64') };
  }
  if (type === 'ssh-rsa' && parts.length === 3) {
    const b64url = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b).toString('base64url');
    const der = createPublicKey({
      key: { kty: 'RSA', e: b64url(parts[1]!), n: b64url(parts[2]!) },
      format: 'jwk',
    }).export({ type: 'spki', format: 'der' });
    return { keyType: 'rsa', fingerprint: createHash('md5').update(der).digest('hex').match(/../g)!.join(':') };
  }
  throw invalidKey();
}

const keys = (d: EmulatorData): Record<string, KeyPairRecord> => (d.keyPairs ??= {});

function keyXml(k: KeyPairRecord) {
  return [
    el('keyPairId', k.keyPairId),
    el('keyName', k.keyName),
    el('keyFingerprint', k.keyFingerprint),
    el('keyType', k.keyType),
    el('publicKey', k.publicKeyMaterial),
    el('createTime', k.createTime),
    tagSet(k.tags),
  ];
}

export const importKeyPair: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const name = q.required('KeyName');
    if (name.length > 255) throw new AwsError('InvalidParameterValue', 'Key name is too long');
    if (Object.values(keys(d)).some((k) => k.keyName === name))
      throw new AwsError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
    const material = Buffer.from(q.required('PublicKeyMaterial'), 'base64').toString('utf8');
    const parsed = parsePublicKey(material);
    const record: KeyPairRecord = {
      keyPairId: ec2Id(d, 'key'),
      keyName: name,
      keyType: parsed.keyType,
      keyFingerprint: parsed.fingerprint,
      publicKeyMaterial: material.trim(),
      createTime: new Date().toISOString(),
      tags: tagsFromSpecifications(q, 'key-pair'),
    };
    keys(d)[record.keyPairId] = record;
    return [
      el('keyFingerprint', record.keyFingerprint),
      el('keyName', name),
      el('keyPairId', record.keyPairId),
      tagSet(record.tags),
    ];
  },
};

const FILTERS: FilterFields<KeyPairRecord> = {
  'key-name': (k) => [k.keyName],
  'key-pair-id': (k) => [k.keyPairId],
  fingerprint: (k) => [k.keyFingerprint],
  'key-type': (k) => [k.keyType],
};

export const describeKeyPairs: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    const all = Object.values(keys(d));
    const names = q.list('KeyName');
    const ids = q.list('KeyPairId');
    for (const n of names)
      if (!all.some((k) => k.keyName === n))
        throw new AwsError('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`);
    for (const n of ids)
      if (!all.some((k) => k.keyPairId === n))
        throw new AwsError('InvalidKeyPair.NotFound', `The key pair ID '${n}' does not exist`);
    const chosen = all.filter(
      (k) => (names.length === 0 || names.includes(k.keyName)) && (ids.length === 0 || ids.includes(k.keyPairId)),
    );
    return [
      list(
        'keySet',
        applyFilters(chosen, parseFilters(q), FILTERS, (k) => k.tags),
        keyXml,
      ),
    ];
  },
};

/** Deleting a key that does not exist succeeds, as in EC2. */
export const deleteKeyPair: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const name = q.get('KeyName');
    const id = q.get('KeyPairId');
    if (name === undefined && id === undefined) throw missingParameter('KeyName');
    const found = Object.values(keys(d)).find((k) => (id !== undefined ? k.keyPairId === id : k.keyName === name));
    if (found) delete keys(d)[found.keyPairId];
    return [el('return', true), ...(found ? [el('keyPairId', found.keyPairId)] : [])];
  },
};
