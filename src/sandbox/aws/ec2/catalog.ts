// What every account sees the same way: the regions, each region's availability zones, and a small
// public image catalogue (one Debian 12 and one Ubuntu 24.04 image per architecture). kops calls
// DescribeRegions and DescribeAvailabilityZones whenever it builds its cloud (create -f, replace,
// get, validate) and DescribeImages when it validates instance groups for `update`.
import { AwsError } from '../errors.js';
import { el, list } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { applyFilters, parseFilters } from './filters.js';

export const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
] as const;

const ZONE_LETTERS = ['a', 'b', 'c'];

function endpointOf(region: string): string {
  return `ec2.${region}.amazonaws.com`;
}

export const describeRegions: Ec2Operation = {
  mutates: false,
  run({ q }) {
    const names = q.list('RegionName');
    for (const n of names)
      if (!(REGIONS as readonly string[]).includes(n))
        throw new AwsError('InvalidParameterValue', `Invalid region: ${n}`);
    const chosen = names.length > 0 ? names : [...REGIONS];
    const fields = {
      'region-name': (r: string) => [r],
      endpoint: (r: string) => [endpointOf(r)],
      'opt-in-status': () => ['opt-in-not-required'],
    };
    const matched = applyFilters(chosen, parseFilters(q), fields, () => ({}));
    return [
      list('regionInfo', matched, (r) => [
        el('regionName', r),
        el('regionEndpoint', endpointOf(r)),
        el('optInStatus', 'opt-in-not-required'),
      ]),
    ];
  },
};

interface Zone {
  zoneName: string;
  zoneId: string;
  region: string;
}

function zonesOf(region: string): Zone[] {
  const short = region
    .split('-')
    .map((p) => (/^\d+$/.test(p) ? p : p[0]))
    .join('');
  return ZONE_LETTERS.map((l, i) => ({ zoneName: `${region}${l}`, zoneId: `${short}-az${i + 1}`, region }));
}

export const describeAvailabilityZones: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    const zones = zonesOf(d.region);
    const names = q.list('ZoneName');
    const ids = q.list('ZoneId');
    for (const n of names)
      if (!zones.some((z) => z.zoneName === n))
        throw new AwsError('InvalidParameterValue', `Invalid availability zone: [${n}]`);
    for (const n of ids)
      if (!zones.some((z) => z.zoneId === n))
        throw new AwsError('InvalidParameterValue', `Invalid availability zone ID: [${n}]`);
    const chosen = zones.filter(
      (z) => (names.length === 0 || names.includes(z.zoneName)) && (ids.length === 0 || ids.includes(z.zoneId)),
    );
    const fields = {
      'zone-name': (z: Zone) => [z.zoneName],
      'zone-id': (z: Zone) => [z.zoneId],
      'region-name': (z: Zone) => [z.region],
      state: () => ['available'],
      'zone-type': () => ['availability-zone'],
    };
    const matched = applyFilters(chosen, parseFilters(q), fields, () => ({}));
    return [
      list('availabilityZoneInfo', matched, (z) => [
        el('zoneName', z.zoneName),
        el('zoneId', z.zoneId),
        el('zoneState', 'available'),
        el('regionName', z.region),
        el('zoneType', 'availability-zone'),
        el('optInStatus', 'opt-in-not-required'),
        el('groupName', z.region),
        el('networkBorderGroup', z.region),
        el('messageSet'),
      ]),
    ];
  },
};

interface Image {
  imageId: string;
  name: string;
  ownerId: string;
  alias: string;
  architecture: string;
  creationDate: string;
}

const DEBIAN_OWNER = '136693071363';
const UBUNTU_OWNER = '099720109477';

/** Stable per region and image: ami- plus 17 hex digits from a small hash. */
function amiId(region: string, name: string): string {
  let h = 0x811c9dc5;
  for (const c of `${region}/${name}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `ami-${h.toString(16).padStart(8, '0')}${'0'.repeat(9)}`;
}

export function imagesOf(region: string): Image[] {
  const base = [
    { name: 'debian-12-amd64-20261101-2000', ownerId: DEBIAN_OWNER, alias: 'debian', architecture: 'x86_64' },
    { name: 'debian-12-arm64-20261101-2000', ownerId: DEBIAN_OWNER, alias: 'debian', architecture: 'arm64' },
    {
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261101',
      ownerId: UBUNTU_OWNER,
      alias: 'ubuntu',
      architecture: 'x86_64',
    },
    {
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20261101',
      ownerId: UBUNTU_OWNER,
      alias: 'ubuntu',
      architecture: 'arm64',
    },
  ];
  return base.map((i) => ({ ...i, imageId: amiId(region, i.name), creationDate: '2026-11-01T20:00:00.000Z' }));
}

export const describeImages: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    const all = imagesOf(d.region);
    const ids = q.list('ImageId');
    const owners = q.list('Owner');
    for (const id of ids)
      if (!all.some((i) => i.imageId === id))
        throw new AwsError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    const chosen = all.filter(
      (i) =>
        (ids.length === 0 || ids.includes(i.imageId)) &&
        (owners.length === 0 || owners.some((o) => o === i.ownerId || o === i.alias || o === 'amazon')),
    );
    const fields = {
      name: (i: Image) => [i.name],
      'image-id': (i: Image) => [i.imageId],
      'owner-id': (i: Image) => [i.ownerId],
      architecture: (i: Image) => [i.architecture],
      state: () => ['available'],
      'is-public': () => ['true'],
      'root-device-type': () => ['ebs'],
      'virtualization-type': () => ['hvm'],
      'image-type': () => ['machine'],
    };
    const matched = applyFilters(chosen, parseFilters(q), fields, () => ({}));
    return [
      list('imagesSet', matched, (i) => [
        el('imageId', i.imageId),
        el('imageLocation', `${i.ownerId}/${i.name}`),
        el('imageState', 'available'),
        el('imageOwnerId', i.ownerId),
        el('creationDate', i.creationDate),
        el('isPublic', true),
        el('architecture', i.architecture),
        el('imageType', 'machine'),
        el('name', i.name),
        el('rootDeviceType', 'ebs'),
        el('rootDeviceName', '/dev/xvda'),
        el('virtualizationType', 'hvm'),
        el('hypervisor', 'xen'),
        el('enaSupport', true),
        list('blockDeviceMapping', [0], () => [
          el('deviceName', '/dev/xvda'),
          el('ebs', [el('volumeSize', 8), el('volumeType', 'gp3'), el('deleteOnTermination', true)]),
        ]),
      ]),
    ];
  },
};

/** DescribeVolumes: the emulator keeps no EBS volumes yet; kops' replace asks for its etcd volumes. */
export const describeVolumes: Ec2Operation = {
  mutates: false,
  run({ q }) {
    const ids = q.list('VolumeId');
    if (ids.length > 0) throw new AwsError('InvalidVolume.NotFound', `The volume '${ids[0]}' does not exist.`);
    const fields = {
      'volume-id': () => [],
      status: () => [],
      'attachment.instance-id': () => [],
      'availability-zone': () => [],
    };
    applyFilters([], parseFilters(q), fields, () => ({}));
    return [list('volumeSet', [], () => [])];
  },
};
