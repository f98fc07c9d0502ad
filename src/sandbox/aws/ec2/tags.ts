// CreateTags / DeleteTags on any taggable resource, found by its id prefix.
import { AwsError, missingParameter } from '../errors.js';
import type { EmulatorData, Tags } from '../model.js';
import type { QueryParams } from '../query.js';
import { el } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { getAddress, getEni, getGroup, getInstance, getSubnet, getVpc } from './lookup.js';
import { checkTagCount, parseTagList } from './tag-rules.js';

/** The tag map of a resource, by id; an unknown id gives that type's NotFound code. */
function tagsOf(d: EmulatorData, id: string): Tags {
  const prefix = id.slice(0, id.lastIndexOf('-'));
  switch (prefix) {
    case 'i':
      return getInstance(d, id).tags;
    case 'eni':
      return getEni(d, id).tags;
    case 'subnet':
      return getSubnet(d, id).tags;
    case 'vpc':
      return getVpc(d, id).tags;
    case 'sg':
      return getGroup(d, id).tags;
    case 'eipalloc':
      return getAddress(d, id).tags;
    case 'key': {
      const k = d.keyPairs?.[id];
      if (k === undefined) throw new AwsError('InvalidKeyPair.NotFound', `The key pair ID '${id}' does not exist`);
      return k.tags;
    }
    default:
      throw new AwsError('InvalidID', `The ID '${id}' is not valid`);
  }
}

function resources(q: QueryParams): string[] {
  const ids = q.list('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  return ids;
}

export const createTags: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const ids = resources(q);
    const tags = parseTagList(q, 'Tag');
    if (Object.keys(tags).length === 0) throw missingParameter('Tag');
    for (const id of ids) {
      const target = tagsOf(d, id);
      Object.assign(target, tags);
      checkTagCount(target);
    }
    return [el('return', true)];
  },
};

/** A tag given with a value is deleted only when the value matches; without a value, whatever it holds. */
export const deleteTags: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const ids = resources(q);
    const wanted = q.structs('Tag').map((t) => ({ key: t.get('Key') ?? '', value: t.get('Value') }));
    for (const w of wanted)
      if (w.key.toLowerCase().startsWith('aws:'))
        throw new AwsError(
          'InvalidParameterValue',
          `Tag keys starting with 'aws:' are reserved for internal use: ${w.key}`,
        );
    for (const id of ids) {
      const target = tagsOf(d, id);
      if (wanted.length === 0) {
        for (const k of Object.keys(target)) if (!k.startsWith('aws:')) delete target[k];
        continue;
      }
      for (const w of wanted)
        if (w.key in target && (w.value === undefined || target[w.key] === w.value)) delete target[w.key];
    }
    return [el('return', true)];
  },
};
