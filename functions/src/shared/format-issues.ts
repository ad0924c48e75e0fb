/** Zod issues as people read them: one `path: message` line each (config files, messages, metadata). */
import type { z } from 'zod';

/** Format zod issues as `path: message` lines. */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : '(root)';
    if (i.code === 'unrecognized_keys') {
      return `${where}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${where}: ${i.message}`;
  });
}
