// The admin API's body for an Auto Scaling group (POST /_sandbox/autoscaling/group), checked before
// it reaches the state.
import { z } from 'zod';

const tags = z.record(z.string(), z.string());

export const autoScalingGroupSchema = z.object({
  name: z.string().min(1).max(255),
  minSize: z.number().int().min(0),
  maxSize: z.number().int().min(0),
  subnetId: z.string().min(1),
  template: z.object({
    instanceType: z.string().min(1),
    imageId: z.string().min(1),
    securityGroupIds: z.array(z.string()),
    keyName: z.string().optional(),
    tags,
    userData: z.string().optional(),
    iamRole: z.string().min(1).optional(),
  }),
  tags: tags.optional(),
  adopt: z.array(z.string()).optional(),
});
