// Assigning our secondary private IP so that it is provably ours whenever a run stops. Private IPs
// carry no tags, and a counted AssignPrivateIpAddresses names the address only in its answer: a run
// killed between that answer and the ENI tag recording it left an address nobody could prove was
// ours (it stayed, billed nothing but taking a slot, and a rerun assigned a second one).
//
// So the address is chosen here, from the subnet's free ones, and recorded on the ENI FIRST; only
// then is exactly that address assigned. Whatever a kill interrupts, a rerun finds either the
// address on the ENI with its record (ours) or a record naming an address that is not on the ENI,
// which the surplus step removes. If another interface takes the chosen address in between
// (InvalidIPAddress.InUse), its record is taken back and another address is chosen.

import { DescribeNetworkInterfacesCommand, AssignPrivateIpAddressesCommand } from '../sdk/ec2.js';
import type { DescribeNetworkInterfacesCommandOutput } from '@aws-sdk/client-ec2';
import { SolokubeError } from '../../core/errors.js';
import { debug, warn } from '../../core/io.js';
import type { ResourceContext } from '../../core/resource.js';
import type { AwsClients } from '../clients.js';
import { createOnce } from '../create-once.js';
import { awsErrorCode } from '../errors.js';
import { pickFreeSubnetAddress } from '../subnet-addresses.js';
import type { ControlPlane } from './control-plane.js';

/** How many chosen addresses may be taken from under us before the run gives up. */
const MAX_CHOICES = 3;

export interface RecordedAssignment {
  clients: AwsClients;
  /** Writes the ENI tag that names `address` as ours. */
  record(address: string): Promise<unknown>;
  /** Removes that tag again. */
  forget(address: string): Promise<unknown>;
  /** Whether `address` is on the ENI now (a fresh read). */
  isOnEni(address: string): Promise<boolean>;
}

/** Every private address in use in the subnet, by any interface. */
async function subnetAddressesInUse(clients: AwsClients, subnetId: string, signal: AbortSignal): Promise<Set<string>> {
  const used = new Set<string>();
  let NextToken: string | undefined;
  do {
    const out: DescribeNetworkInterfacesCommandOutput = await clients.call(
      'ec2:DescribeNetworkInterfaces',
      signal,
      (o) =>
        clients.ec2.send(
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: 'subnet-id', Values: [subnetId] }],
            ...(NextToken ? { NextToken } : {}),
          }),
          o,
        ),
    );
    for (const eni of out.NetworkInterfaces ?? [])
      for (const p of eni.PrivateIpAddresses ?? []) if (p.PrivateIpAddress) used.add(p.PrivateIpAddress);
    NextToken = out.NextToken;
  } while (NextToken);
  return used;
}

/** Chooses, records, then assigns one secondary IP on the control-plane ENI; returns the address. */
export async function assignRecordedSecondaryIp(
  ctx: ResourceContext,
  cp: ControlPlane,
  a: RecordedAssignment,
): Promise<string> {
  const { clients } = a;
  const takenUnderUs = new Set<string>();
  for (let choice = 1; ; choice++) {
    const inUse = await subnetAddressesInUse(clients, cp.subnetId, ctx.signal);
    for (const ip of takenUnderUs) inUse.add(ip);
    const address = pickFreeSubnetAddress(cp.subnetCidr, inUse);
    if (address === undefined)
      throw new SolokubeError({
        code: 'aws.subnet-full',
        message: `subnet ${cp.subnetId} (${cp.subnetCidr}) has no free address for a secondary IP`,
        remedy: 'Free an address in the subnet (an unused network interface or secondary IP), then rerun.',
        actor: 'user',
      });
    await a.record(address);
    try {
      await createOnce({
        what: 'AssignPrivateIpAddresses',
        io: ctx.io,
        signal: ctx.signal,
        create: async () => {
          await clients.call('ec2:AssignPrivateIpAddresses', ctx.signal, (o) =>
            clients.ec2Once.send(
              new AssignPrivateIpAddressesCommand({
                NetworkInterfaceId: cp.networkInterfaceId,
                PrivateIpAddresses: [address],
              }),
              o,
            ),
          );
          return true;
        },
        recheck: async () => ((await a.isOnEni(address)) ? true : undefined),
      });
      return address;
    } catch (err) {
      await forgetUnassigned(ctx, a, address);
      if (awsErrorCode(err) === 'InvalidIPAddress.InUse' && choice < MAX_CHOICES) {
        debug(ctx.io, `${address} was taken by another interface before our assignment; choosing another`);
        takenUnderUs.add(address);
        continue;
      }
      throw err;
    }
  }
}

/**
 * The assignment failed: the record must not outlive it. A failure to remove it is only said, since
 * the surplus step of the next run removes a record whose address is not on the ENI.
 */
async function forgetUnassigned(ctx: ResourceContext, a: RecordedAssignment, address: string): Promise<void> {
  try {
    if (await a.isOnEni(address)) return;
    await a.forget(address);
  } catch (err) {
    warn(
      ctx.io,
      `the record of ${address} (never assigned) could not be removed (${err instanceof Error ? err.message : String(err)}); the next run removes it`,
    );
  }
}
