import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { COMMANDS } from '../../../cli/main.js';
import { EVAL_QUEUE } from '../../../shared/queue/eval-job.js';
import { QUEUES } from '../../../shared/queue/queue-names.js';

const read = (path: string): Promise<string> => readFile(new URL(`../../../${path}`, import.meta.url), 'utf8');

// No Docker engine or cluster runs here, so the deployment files are checked for what can be checked statically.
describe('deployment files', () => {
  it('compose: every service has an image or a build, s2d services run real s2d commands, Redis never evicts', async () => {
    const compose = parse(await read('infra/compose.yaml')) as { services: Record<string, { image?: string; build?: { dockerfile: string }; command?: string[] }> };
    const services = Object.entries(compose.services);
    expect(services.map(([name]) => name).sort()).toEqual(['redis', 'simulator', 'worker']);
    for (const [, service] of services) {
      expect(service.image ?? service.build).toBeDefined();
      if (service.build !== undefined) {
        expect(service.build.dockerfile).toBe('infra/Dockerfile');
        expect(Object.keys(COMMANDS)).toContain(service.command?.[0]);
      }
    }
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['noeviction', '--appendonly']));
  });

  it('kubernetes: documents are well-formed and the worker runs `s2d worker` with a drain-friendly grace period', async () => {
    for (const file of ['infra/k8s/worker-deployment.yaml', 'infra/k8s/keda-scaledobject.yaml']) {
      const docs = parseAllDocuments(await read(file));
      for (const doc of docs) {
        expect(doc.errors).toEqual([]);
        const object = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
        expect(object.apiVersion).toMatch(/^[a-z0-9.]*\/?v\d/);
        expect(object.kind).toMatch(/^[A-Z]/);
        expect(object.metadata?.name).toBe('s2d-worker');
      }
    }
    const deployment = parseAllDocuments(await read('infra/k8s/worker-deployment.yaml'))[0]?.toJS() as {
      spec: { template: { spec: { terminationGracePeriodSeconds: number; containers: { args: string[]; env: { name: string; value?: string }[] }[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0]?.args).toEqual(['worker']);
    const deadlineMs = Number(pod.containers[0]?.env.find((e) => e.name === 'S2D_SHUTDOWN_DEADLINE_MS')?.value);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(deadlineMs);
  });

  it('KEDA: scales on the backlog of every queue a worker serves, and keeps one worker for delayed jobs to come due', async () => {
    const scaled = parse(await read('infra/k8s/keda-scaledobject.yaml')) as {
      spec: { minReplicaCount: number; triggers: { type: string; metadata: { listName: string } }[] };
    };
    const lists = scaled.spec.triggers.filter((t) => t.type === 'redis').map((t) => t.metadata.listName).sort();
    expect(lists).toEqual([...Object.values(QUEUES), EVAL_QUEUE].map((queue) => `s2d:${queue}:wait`).sort());
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });

  it('Dockerfile: Node 20, installs from the lock file, and starts the s2d launcher', async () => {
    const dockerfile = await read('infra/Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/s2d\.mjs"\]/);
    // Two stages: the build compiles, the image runs dist/ (no TypeScript compiler at run time).
    const [build, runtime] = dockerfile.split(/^FROM /m).slice(1);
    expect(build).toMatch(/RUN npm run build/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).not.toMatch(/COPY (cli|shared|workers|producers) /);
    // Every file or folder copied from the build context exists in the repository.
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of (sources ?? '').split(' ')) expect(existsSync(new URL(`../../../${source}`, import.meta.url)), source).toBe(true);
    }
  });
});
