// `https-redirect enable|disable [--app NAME]` as an edit of solokube.yaml's text: the yaml
// package's Document API changes the one value and keeps every comment and the layout (flow or
// block style) of the rest. The file must be valid before, and is validated again after.

import { isMap, isSeq, parseDocument } from 'yaml';
import { UsageError } from '../core/errors.js';
import { appHttpMode, type AppHttpMode } from '../ingress/settings.js';
import { parseConfig } from './load.js';
import type { SolokubeConfig } from './schema.js';

export interface AppModeRow {
  name: string;
  host: string;
  mode: AppHttpMode;
}

export interface RedirectEdit {
  text: string;
  changed: boolean;
  apps: AppModeRow[];
}

export function appModes(c: SolokubeConfig): AppModeRow[] {
  return c.apps.map((a) => ({
    name: a.name,
    host: a.host ?? `${a.name}.${c.appsDomain}`,
    mode: appHttpMode(a, c.httpsRedirect),
  }));
}

export function editHttpsRedirect(
  text: string,
  source: string,
  change: { enabled: boolean; app?: string },
): RedirectEdit {
  const before = parseConfig(text, source); // a broken file is reported as it is, nothing is written
  const doc = parseDocument(text, { uniqueKeys: true });
  if (change.app !== undefined) {
    const index = before.apps.findIndex((a) => a.name === change.app);
    if (index < 0) {
      const known = before.apps.map((a) => a.name).join(', ') || 'none';
      throw new UsageError(
        `no app named ${JSON.stringify(change.app)} in ${source} (apps: ${known})`,
        'Name one of the apps in the file, or leave out --app for all of them.',
      );
    }
    if (change.enabled && !before.apps[index]!.tls) {
      throw new UsageError(
        `app ${change.app} serves HTTP only (tls: false); there is no HTTPS to redirect to`,
        `Set tls: true for ${change.app} first (it then gets a certificate).`,
      );
    }
    doc.setIn(['apps', index, 'httpsRedirect'], change.enabled);
  } else {
    doc.set('httpsRedirect', change.enabled);
    // "For all apps" means no app keeps its own override.
    const apps = doc.get('apps', true);
    if (isSeq(apps))
      apps.items.forEach((item) => {
        if (isMap(item)) item.delete('httpsRedirect');
      });
  }
  const next = doc.toString();
  const after = parseConfig(next, source);
  return { text: next, changed: next !== text, apps: appModes(after) };
}
