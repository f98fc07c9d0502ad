// Tag parsing and validation shared by CreateTags and every TagSpecifications parameter.
import { AwsError } from '../errors.js';
import type { Tags } from '../model.js';
import type { QueryParams } from '../query.js';
import { el, list, type Xml } from '../xml.js';

export const MAX_TAGS_PER_RESOURCE = 50;

export function parseTagList(q: QueryParams, prefix: string): Tags {
  const tags: Tags = {};
  for (const t of q.structs(prefix)) {
    const key = t.get('Key');
    if (key === undefined || key === '') throw new AwsError('InvalidParameterValue', 'Tag key must not be empty');
    if (key.toLowerCase().startsWith('aws:'))
      throw new AwsError(
        'InvalidParameterValue',
        `Tag keys starting with 'aws:' are reserved for internal use: ${key}`,
      );
    if (key.length > 128)
      throw new AwsError('InvalidParameterValue', `Tag key exceeds the maximum length of 128 characters: ${key}`);
    const value = t.get('Value') ?? '';
    if (value.length > 256)
      throw new AwsError(
        'InvalidParameterValue',
        `Tag value exceeds the maximum length of 256 characters for key ${key}`,
      );
    tags[key] = value;
  }
  return tags;
}

/** Tags from `TagSpecification.N` for one resource type; any other resource type is refused. */
export function tagsFromSpecifications(q: QueryParams, resourceType: string): Tags {
  const tags: Tags = {};
  for (const spec of q.structs('TagSpecification')) {
    const type = spec.get('ResourceType');
    if (type !== resourceType) {
      throw new AwsError(
        'InvalidParameterValue',
        `'${type ?? ''}' is not a valid taggable resource type for this operation.`,
      );
    }
    Object.assign(tags, parseTagList(spec, 'Tag'));
  }
  checkTagCount(tags);
  return tags;
}

export function checkTagCount(tags: Tags): void {
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
    throw new AwsError(
      'TagLimitExceeded',
      `The maximum number of tags (${MAX_TAGS_PER_RESOURCE}) per resource has been exceeded`,
    );
  }
}

export function tagSet(tags: Tags, container = 'tagSet'): Xml {
  return list(container, Object.entries(tags), ([key, value]) => [el('key', key), el('value', value)]);
}
