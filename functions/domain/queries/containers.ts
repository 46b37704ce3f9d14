import * as z from 'zod/mini';
import { defined } from '../defined.js';
import { opaqueToken } from '../schemas/fields.js';
import { defineQuery, type RecordIssue, recordSchema } from './types.js';

export const containerRecordSchema = recordSchema(() => z.strictObject({ containerId: opaqueToken, parentId: z.nullable(opaqueToken) }));
export type ContainerRecord = z.infer<ReturnType<typeof containerRecordSchema>>;

/**
 * Depth of every container (a root is 1), or the index of a record whose parent is missing
 * or which lies on a cycle. Iterative: deep chains cannot overflow the stack.
 */
function depthsOf(records: readonly ContainerRecord[]): { depths: Int32Array; issues: [number, RecordIssue][] } {
  const indexById = new Map<string, number>();
  for (const [i, c] of records.entries()) indexById.set(c.containerId, i);
  const depths = new Int32Array(records.length); // 0 = unknown, -1 = on the current path, -2 = broken
  const issues: [number, RecordIssue][] = [];
  for (let start = 0; start < records.length; start++) {
    if (depths[start] !== 0) continue;
    const path: number[] = [];
    let at = start;
    let base = 0;
    for (;;) {
      const known = depths[at] ?? 0;
      if (known > 0) { base = known; break; }
      if (depths[at] === -2) { base = -2; break; }
      if (depths[at] === -1) {
        issues.push([at, { path: ['parentId'], message: 'containers form a cycle' }]);
        base = -2;
        break;
      }
      depths[at] = -1;
      path.push(at);
      const { parentId } = defined(records[at], 'a container record');
      if (parentId === null) { base = 0; break; }
      const parent = indexById.get(parentId);
      if (parent === undefined) {
        issues.push([at, { path: ['parentId'], message: 'names no containerId of this upload' }]);
        base = -2;
        break;
      }
      at = parent;
    }
    for (const onPath of path.reverse()) {
      base = base === -2 ? -2 : base + 1;
      depths[onPath] = base;
    }
  }
  return { depths, issues };
}

export function summarizeContainers(records: readonly ContainerRecord[]) {
  const { depths } = depthsOf(records);
  let roots = 0;
  let maxDepth = 0;
  records.forEach((c, i) => {
    if (c.parentId === null) roots += 1;
    const depth = depths[i] ?? 0;
    if (depth > maxDepth) maxDepth = depth;
  });
  return { total: records.length, roots, maxDepth };
}

export const containers = defineQuery({
  queryType: 'containers',
  optional: false,
  record: containerRecordSchema,
  uniqueBy: ['containerId'],
  checkAll: (records, report) => {
    for (const [index, issue] of depthsOf(records).issues) if (!report(index, issue)) return;
  },
  summarize: summarizeContainers,
});
