import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RunningLab } from '../../src/lab/index.js';

/**
 * Writes `dir/vigil.yaml` whose `network:` section points at the running lab (resolver, the lab
 * CA copied beside it, port map) — what an agency on an internal resolver writes — with the
 * lab's organisation and the given mail domains and websites. The DNS and connect timeouts are
 * those a loaded 2-core machine needs (AXFR timed out at 3 s there). Returns the file's path.
 */
export function writeLabNetworkConfig(lab: RunningLab, dir: string, targets: { mail: unknown; websites: unknown }): string {
  copyFileSync(lab.caFile, join(dir, 'lab-ca.pem'));
  const file = join(dir, 'vigil.yaml');
  writeFileSync(
    file,
    stringify({
      organisation: lab.organisationConfig().organisation,
      network: { resolver: `${lab.resolver.host}:${lab.resolver.port}`, ca: ['lab-ca.pem'], portMap: lab.portMap, dnsTimeoutMs: 8000, connectTimeoutMs: 10000 },
      mail: targets.mail,
      websites: targets.websites,
    }),
  );
  return file;
}
