// Hosted zones read from the emulator's state file. The DNS server of the sandbox runs inside the
// lab's gateway namespace, where the emulator's loopback endpoint is out of reach; the file system
// is shared, and the emulator rewrites the file atomically after every change, before it answers.
// So a change Route 53 has acknowledged is visible to the next DNS query, as with Route 53's INSYNC.

import { statSync } from 'node:fs';
import type { HostedZoneRecord } from '../model.js';
import { loadState } from '../persist.js';

export function zonesFromStateFile(file: string): () => readonly HostedZoneRecord[] {
  let stamp = '';
  let zones: readonly HostedZoneRecord[] = [];
  return () => {
    let now: string;
    try {
      const s = statSync(file);
      now = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      stamp = '';
      zones = [];
      return zones; // no state (yet): every name is outside our zones, i.e. REFUSED
    }
    if (now !== stamp) {
      try {
        zones = Object.values(loadState(file)?.hostedZones ?? {});
        stamp = now;
      } catch {
        // Keep the last good view; the next query rereads.
      }
    }
    return zones;
  };
}
