import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { workerRegistry } from '../../../shared/metrics/worker-metrics.js';
import { registerFleetGauges } from '../../../workers/metrics/fleet-gauges.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: { refId: string; expr: string }[];
}

describe('infra/grafana/s2d-dashboard.json', () => {
  it('is a Grafana dashboard whose every query names metrics the workers export', async () => {
    const dashboard = JSON.parse(await readFile(new URL('../../../infra/grafana/s2d-dashboard.json', import.meta.url), 'utf8')) as { uid: string; schemaVersion: number; panels: Panel[] };
    expect(dashboard.uid).toBe('s2d-fleet');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const fleet = new Registry();
    // Registering the fleet gauges needs no connection: they read Redis only when scraped.
    registerFleetGauges(fleet, { redis: null as never, prefix: 'x', runs: null as never, queues: [] });
    const exported = new Set([...workerRegistry.getMetricsAsArray(), ...fleet.getMetricsAsArray()].map((metric) => metric.name));
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      expect(ids.has(panel.id), `panel id ${panel.id} repeats`).toBe(false);
      ids.add(panel.id);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        const names = expr.match(/\bs2d_[a-z0-9_]+/g) ?? [];
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        // Histogram series carry _bucket/_sum/_count; counters keep their _total name.
        for (const name of names) expect(exported.has(name.replace(/_(bucket|sum|count)$/, '')), `${panel.title}: ${name}`).toBe(true);
      }
    }
  });
});
