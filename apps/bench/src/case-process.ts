// The entry of every process the runner starts (`dist/case-process.js`): it receives one
// request over IPC, loads the scenario, outlines it or measures one of its cases, answers, and
// exits. A case thus never shares a heap, a JIT or threads with another.
import type { ChildReply, ChildRequest } from './child-protocol.js';
import { outlineOf } from './harness.js';
import { loadScenario } from './load-scenario.js';
import { measureCase } from './measuring.js';

async function answer(request: ChildRequest): Promise<ChildReply> {
  const loaded = await loadScenario(request.path, request.quick);
  if (loaded.kind !== 'scenario') return loaded;
  const { scenario } = loaded;
  if (request.kind === 'outline') return { kind: 'outline', outline: outlineOf(scenario) };
  const benchCase = scenario.cases.find((c) => c.name === request.caseName);
  if (!benchCase) return { kind: 'error', error: `no case named '${request.caseName}'` };
  return { kind: 'case', measurement: await measureCase(benchCase, request.budget) };
}

if (!process.send) {
  console.error('case-process.js is started by the bench runner (pnpm bench), not by hand.');
  process.exit(2);
}
process.once('message', (request: ChildRequest) => {
  answer(request).then(
    (reply) => process.send!(reply, () => process.exit(0)),
    (error: unknown) =>
      process.send!({ kind: 'error', error: String(error) } satisfies ChildReply, () => process.exit(1)),
  );
});
