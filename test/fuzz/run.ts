/**
 * The fuzzer's command line:
 *
 *   node --import tsx test/fuzz/run.ts [iterations per target = 10000] [--seed N] [--target name[,name]]
 *   node --import tsx test/fuzz/run.ts --replay <target> <hex>
 *
 * Prints, per target, the iteration count, the outcome counts (clean outcomes and typed errors by
 * alert/class) and every crash (untyped exception) with its reproducing input as hex. Exits 1 when
 * any target crashed.
 */
import { buildTargets, fuzz, replay, type FuzzResult } from './targets.js';

async function main(argv: string[]): Promise<number> {
  const targets = await buildTargets();
  if (argv[0] === '--replay') {
    const t = targets.find((x) => x.name === argv[1]);
    if (!t || !argv[2]) throw new Error(`usage: --replay <${targets.map((x) => x.name).join('|')}> <hex>`);
    console.log(replay(t, argv[2]) ?? 'ok');
    return 0;
  }
  let iterations = 10000;
  let seed = 1;
  let only: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--target') only = argv[++i]!.split(',');
    else if (/^\d+$/.test(a)) iterations = Number(a);
    else throw new Error(`unknown argument ${a}`);
  }
  const results: FuzzResult[] = [];
  for (const t of targets) {
    if (only && !only.includes(t.name)) continue;
    const r = fuzz(t, iterations, seed);
    results.push(r);
    const counts = Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    console.log(
      `${t.name.padEnd(20)} ${String(r.iterations).padStart(7)} iterations in ${(r.ms / 1000).toFixed(1)} s, ${r.crashes.length ? `${r.outcomes['CRASH']} CRASHES` : 'no crash'}`,
    );
    console.log(`  ${counts}`);
    for (const c of r.crashes)
      console.log(
        `  CRASH at iteration ${c.iteration}: ${c.error}\n  replay: node --import tsx test/fuzz/run.ts --replay ${c.target} ${c.inputHex.slice(0, 20000)}`,
      );
  }
  return results.some((r) => r.crashes.length) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
