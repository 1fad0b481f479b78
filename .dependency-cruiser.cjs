// Import boundaries of DESIGN.md: data flows one way. A stage imports model/ and its own files and, where
// the flow allows, an earlier stage's public index; pipeline/ composes the stages, and jobs/ and cli/ run it.
// src/ never imports jobs/.
const STAGES = [
  'config',
  'fetch',
  'parse',
  'items',
  'rules',
  'scoring',
  'alerts',
  'notify',
  'store',
  'queue',
  'web',
  'pipeline',
];

// What each stage may import besides model/ and itself (earlier stages it builds on).
const ALLOWED = {
  config: ['rules'], // the loader checks match expressions with the rule compiler
  fetch: [],
  parse: [],
  items: [],
  rules: [],
  scoring: [],
  alerts: ['scoring'],
  notify: ['alerts'],
  store: [],
  queue: [],
  pipeline: ['fetch', 'parse', 'items', 'rules', 'scoring', 'store', 'alerts', 'notify', 'queue'], // deliver() sends through notify/; a permanent failure is BullMQ's UnrecoverableError
  web: ['store', 'queue', 'scoring'], // the overview groups evidence into events as scoring counts them
};

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'model-is-types-only',
      comment: 'model/ holds shared types and imports nothing of ours',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/(?!model/)' },
    },
    ...STAGES.map((stage) => ({
      name: `${stage}-boundary`,
      comment: `${stage}/ imports model/, itself${ALLOWED[stage].length ? ` and ${ALLOWED[stage].join(', ')}` : ''} only`,
      severity: 'error',
      from: { path: `^src/${stage}/` },
      to: { path: `^src/(?!(model|${[stage, ...ALLOWED[stage]].join('|')})/)` },
    })),
    {
      name: 'only-queue-imports-bullmq',
      severity: 'error',
      from: { path: '^src/(?!queue/)' },
      to: { path: 'node_modules/bullmq/' },
    },
    {
      name: 'src-does-not-import-tests',
      comment: 'the library does not reach into tests, benchmarks or scripts',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'src-does-not-import-jobs',
      comment:
        'jobs/ runs the library, not the other way round: the process entry (jobs/main.ts) hands the worker role to the CLI',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^jobs/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
