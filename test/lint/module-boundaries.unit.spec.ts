// The boundary rules in eslint.config.mjs are the architecture's guard rails; this proves they
// fire. Each probe is a real file in a real package (so type-aware linting sees it), linted by the
// repo's own ESLint in a child process, then removed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const ESLINT = join(ROOT, 'node_modules', '.bin', 'eslint');
const PROBE_DIR = '__lint_probe__';

interface Probe {
  readonly what: string;
  readonly file: string;
  readonly code: string;
  readonly rule: string;
}

const probes: Probe[] = [
  {
    what: "a relative import into another package's src/",
    file: `services/intake/src/${PROBE_DIR}/deep-relative.ts`,
    code: "import { loadDispatchConfig } from '../../../dispatch/src/config';\nexport const probe = loadDispatchConfig;\n",
    rule: 'import-x/no-relative-packages',
  },
  {
    what: "a service importing another service's internals by path",
    file: `services/intake/src/${PROBE_DIR}/deep-path.ts`,
    code: "import { caseDecider } from '../../../../services/dispatch/src/domain';\nexport const probe = caseDecider;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a library importing a service',
    file: `libs/contracts/src/${PROBE_DIR}/lib-to-service.ts`,
    code: "import { DISPATCH_DEFAULTS } from '@yiwang/dispatch';\nexport const probe = DISPATCH_DEFAULTS;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'domain code importing an I/O package',
    file: `services/dispatch/src/domain/${PROBE_DIR}/impure.ts`,
    code: "import { MongoEventStore } from '@yiwang/kernel-mongodb';\nexport const probe = MongoEventStore;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'production code importing test helpers',
    file: `services/dispatch/src/application/${PROBE_DIR}/helpers.ts`,
    code: "import { until } from '@yiwang/testing';\nexport const probe = until;\n",
    rule: 'no-restricted-imports',
  },
];

const lint = (files: string[]): { status: number | null; out: string } => {
  const r = spawnSync(ESLINT, ['--no-warn-ignored', '--format', 'json', ...files], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout };
};

describe('module boundary lint rules', () => {
  const written: string[] = [];
  beforeAll(() => {
    for (const p of probes) {
      mkdirSync(dirname(join(ROOT, p.file)), { recursive: true });
      writeFileSync(join(ROOT, p.file), p.code);
      written.push(dirname(join(ROOT, p.file)));
    }
  });
  afterAll(() => {
    for (const d of written) rmSync(d, { recursive: true, force: true });
  });

  it('refuses every probe with the rule that guards it, and names it', () => {
    const { status, out } = lint(probes.map((p) => p.file));
    expect(status).toBe(1);
    const results = JSON.parse(out) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>;
    for (const p of probes) {
      const result = results.find((r) => r.filePath === join(ROOT, p.file));
      const rules = (result?.messages ?? []).map((m) => m.ruleId);
      expect({ what: p.what, fired: rules.includes(p.rule) }).toEqual({ what: p.what, fired: true });
    }
  }, 120_000);

  it('accepts the same imports through public modules', () => {
    const file = `test/lint/${PROBE_DIR}/public.ts`;
    mkdirSync(dirname(join(ROOT, file)), { recursive: true });
    written.push(dirname(join(ROOT, file)));
    writeFileSync(join(ROOT, file), "import { loadDispatchConfig } from '@yiwang/dispatch';\nexport const probe = loadDispatchConfig;\n");
    const { status, out } = lint([file]);
    expect({ status, out: status === 0 ? '' : out }).toEqual({ status: 0, out: '' });
  }, 120_000);
});
