// What every EC2 operation handler receives, and what it returns: the response members that go
// after `<requestId>` inside `<{Op}Response>`.
import type { EmulatorConfig } from '../config.js';
import type { EmulatorData } from '../model.js';
import type { QueryParams } from '../query.js';
import type { XmlChild } from '../xml.js';

export interface Ec2Context {
  data: EmulatorData;
  q: QueryParams;
  config: EmulatorConfig;
}

export interface Ec2Operation {
  /** Read-only operations skip the copy-and-commit transaction. */
  mutates: boolean;
  run(ctx: Ec2Context): XmlChild[];
}
