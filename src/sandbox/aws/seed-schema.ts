// Validation of seeds arriving as JSON (POST /_sandbox/seed); the type annotation keeps the schema
// and the documented EmulatorSeed interface in step.
import { z } from 'zod';
import { isIpv4 } from '../../config/validators.js';
import type { EmulatorSeed } from './seed-types.js';

const tags = z.record(z.string(), z.string()).optional();
const ipv4 = z.string().refine(isIpv4, 'must be a dotted-quad IPv4 address');
const cidr = z.cidrv4();

const rule = z
  .object({
    ipProtocol: z.string().min(1),
    fromPort: z.number().int().optional(),
    toPort: z.number().int().optional(),
    cidrIp: cidr.optional(),
    cidrIpv6: z.string().optional(),
    groupId: z.string().optional(),
    prefixListId: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();

export const seedSchema: z.ZodType<EmulatorSeed> = z
  .object({
    eipQuota: z.number().int().min(0).optional(),
    vpcs: z
      .array(
        z.object({ vpcId: z.string().optional(), cidrBlock: cidr, isDefault: z.boolean().optional(), tags }).strict(),
      )
      .optional(),
    subnets: z
      .array(
        z
          .object({
            subnetId: z.string().optional(),
            vpcId: z.string(),
            cidrBlock: cidr,
            availabilityZone: z.string().optional(),
            mapPublicIpOnLaunch: z.boolean().optional(),
            tags,
          })
          .strict(),
      )
      .optional(),
    securityGroups: z
      .array(
        z
          .object({
            groupId: z.string().optional(),
            groupName: z.string().min(1),
            description: z.string().optional(),
            vpcId: z.string(),
            tags,
            ingress: z.array(rule).optional(),
            egress: z.array(rule).optional(),
          })
          .strict(),
      )
      .optional(),
    instances: z
      .array(
        z
          .object({
            instanceId: z.string().optional(),
            instanceType: z.string().optional(),
            imageId: z.string().optional(),
            state: z.enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']).optional(),
            subnetId: z.string(),
            privateIpAddress: ipv4.optional(),
            secondaryPrivateIpAddresses: z.array(ipv4).optional(),
            publicIp: ipv4.optional(),
            associatePublicIp: z.boolean().optional(),
            securityGroupIds: z.array(z.string()).optional(),
            networkInterfaceId: z.string().optional(),
            keyName: z.string().optional(),
            launchTime: z.string().optional(),
            tags,
            macAddress: z
              .string()
              .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/)
              .optional(),
            iamRole: z.string().min(1).optional(),
            metadataOptions: z
              .object({
                httpTokens: z.enum(['required', 'optional']).optional(),
                httpPutResponseHopLimit: z.number().int().min(1).max(64).optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .optional(),
    networkInterfaces: z
      .array(
        z
          .object({
            networkInterfaceId: z.string().optional(),
            subnetId: z.string(),
            privateIpAddresses: z.array(ipv4).optional(),
            groupIds: z.array(z.string()).optional(),
            description: z.string().optional(),
            tags,
            attachment: z
              .object({ instanceId: z.string(), deviceIndex: z.number().int().min(0) })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .optional(),
    addresses: z
      .array(
        z
          .object({
            allocationId: z.string().optional(),
            publicIp: ipv4.optional(),
            tags,
            association: z
              .object({
                networkInterfaceId: z.string().optional(),
                instanceId: z.string().optional(),
                privateIpAddress: ipv4.optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .optional(),
    hostedZones: z
      .array(
        z
          .object({
            id: z.string().optional(),
            name: z.string().min(1),
            privateZone: z.boolean().optional(),
            comment: z.string().optional(),
            callerReference: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    records: z
      .array(
        z
          .object({
            zone: z.string().min(1),
            name: z.string().min(1),
            type: z.string().min(1),
            ttl: z.number().int().min(0).optional(),
            values: z.array(z.string()).optional(),
            publicIpOfInstance: z.string().optional(),
            alias: z
              .object({ hostedZoneId: z.string(), dnsName: z.string(), evaluateTargetHealth: z.boolean().optional() })
              .strict()
              .optional(),
            setIdentifier: z.string().optional(),
            weight: z.number().int().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
