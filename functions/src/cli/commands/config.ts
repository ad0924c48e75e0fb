/** `retrain config`: show the effective config, or render the schema as YAML or Markdown docs. */
import type { Command } from 'commander';
import { renderConfigMarkdown, renderConfigYaml } from '../../config/docs.ts';
import { loadConfig } from '../../config/load.ts';
import { createOutput } from '../output.ts';

/** Register the command. */
export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('Validate and print the effective config (defaults filled in), or render its reference')
    .option('--config <file>', 'config file (default: config/retraining.yaml)')
    .option('--yaml', 'print the default config file, every setting commented')
    .option('--docs', 'print the Markdown reference table of every setting')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  retrain config --config config/retraining.yaml --json\n  retrain config --docs')
    .action((opts: { config?: string; yaml?: boolean; docs?: boolean; json?: boolean }) => {
      const out = createOutput({ json: opts.json });
      if (opts.yaml) return void process.stdout.write(renderConfigYaml());
      if (opts.docs) return void process.stdout.write(`${renderConfigMarkdown()}\n`);
      const loaded = loadConfig(opts.config);
      out.result({ source: loaded.source, hash: loaded.hash, config: loaded.config }, (v) => `# ${v.source} (sha256 ${v.hash.slice(0, 12)})\n${JSON.stringify(v.config, null, 2)}`);
    });
}
