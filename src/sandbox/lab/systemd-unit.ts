// Renders a systemd service unit for a program given as an argv (pure). systemd splits ExecStart
// itself (no shell), so each word is double-quoted with systemd's escapes: backslash and quote
// are escaped, `%` (specifiers) doubled, `$` (variable expansion) doubled.

export interface ServiceUnit {
  description: string;
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  after?: readonly string[];
  wants?: readonly string[];
  /** oneshot units run to completion (RemainAfterExit); simple ones are restarted when they exit. */
  type?: 'simple' | 'oneshot';
}

export function systemdWord(word: string): string {
  if (/[\n\r]/.test(word)) throw new Error(`a systemd ExecStart word cannot hold a newline: ${JSON.stringify(word)}`);
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export function renderServiceUnit(u: ServiceUnit): string {
  const oneshot = u.type === 'oneshot';
  return [
    '# written by the solokube lab',
    '[Unit]',
    `Description=${u.description}`,
    ...(u.after?.length ? [`After=${u.after.join(' ')}`] : []),
    ...(u.wants?.length ? [`Wants=${u.wants.join(' ')}`] : []),
    '',
    '[Service]',
    `Type=${oneshot ? 'oneshot' : 'simple'}`,
    ...Object.entries(u.env ?? {}).map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}`),
    `ExecStart=${u.argv.map(systemdWord).join(' ')}`,
    ...(oneshot ? ['RemainAfterExit=yes'] : ['Restart=always', 'RestartSec=2']),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
