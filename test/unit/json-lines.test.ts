/** Config issue paths → lines of the JSON in the config editor. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig, formatPath, parseConfig } from '../../edge/config.ts';
import { jsonPathLines, lineOfPath } from '../../edge/dashboard/json-lines.ts';

type Key = string | number;

/** Every node of a JSON value with its path (the document itself excluded). */
function nodes(value: unknown, path: Key[] = [], out: { path: Key[]; value: unknown }[] = []): { path: Key[]; value: unknown }[] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push({ path: [...path, i], value: v }), nodes(v, [...path, i], out)));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (out.push({ path: [...path, k], value: v }), nodes(v, [...path, k], out));
  return out;
}

/** The line a node must map to: an object member's key line, an array element's first line. */
function expectNodeLines(doc: unknown, text: string): void {
  const map = jsonPathLines(text);
  const lines = text.split('\n');
  for (const n of nodes(doc)) {
    const line = lineOfPath(map, formatPath(n.path));
    const shown = lines[line - 1]!.trim();
    const last = n.path[n.path.length - 1]!;
    if (typeof last === 'string') expect(shown.startsWith(`${JSON.stringify(last)}:`), `${formatPath(n.path)} → line ${line}: ${shown}`).toBe(true);
    else expect(shown.startsWith(JSON.stringify(n.value, null, 2).split('\n')[0]!), `${formatPath(n.path)} → line ${line}: ${shown}`).toBe(true);
  }
}

describe('jsonPathLines + lineOfPath', () => {
  it('finds every node of the pretty-printed default config on its own line', () => {
    const config = defaultConfig();
    expectNodeLines(config, JSON.stringify(config, null, 2));
  });

  it('finds every node of arbitrary JSON, including keys that need brackets', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const doc = { root: value, 'odd key': [value], '': 1, 'quote"d': { 'a.b': 2 } };
        expectNodeLines(doc, JSON.stringify(doc, null, 2));
      }),
      { numRuns: 150 },
    );
  });

  it('maps the issues parseConfig reports to the lines they are about', () => {
    const config = structuredClone(defaultConfig()) as unknown as { segments: { rule: unknown; name: unknown }[]; slots: Record<string, unknown[]> };
    config.segments[3]!.rule = { all: [{ metric: 'sessions', window: 30, op: 'bigger', value: 3 }] };
    config.segments[5]!.name = '';
    config.slots['hero-banner'] = [{ segment: 'no-such-segment', priority: 1, html: '' }];
    const text = JSON.stringify(config, null, 2);
    const result = parseConfig(JSON.parse(text));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = text.split('\n');
    const map = jsonPathLines(text);
    const at = (path: string) => lines[lineOfPath(map, path) - 1]!.trim();
    const paths = result.errors.map((e) => e.path);
    expect(paths).toContain('segments[3].rule.all[0].op');
    expect(at('segments[3].rule.all[0].op')).toBe('"op": "bigger",');
    expect(paths).toContain('segments[5].name');
    expect(at('segments[5].name')).toBe('"name": "",');
  });

  it('falls back to the nearest existing ancestor, then to line 1', () => {
    const text = '{\n  "segments": [\n    {\n      "id": "a"\n    }\n  ],\n  "slots": {\n    "hero-banner": []\n  }\n}';
    const map = jsonPathLines(text);
    expect(lineOfPath(map, 'segments[0].rule')).toBe(3); // the object that lacks "rule"
    expect(lineOfPath(map, 'segments[7].id')).toBe(2); // no such element: the array
    expect(lineOfPath(map, 'slots["hero-banner"][0].segment')).toBe(8);
    expect(lineOfPath(map, 'experiments')).toBe(1);
    expect(lineOfPath(map, '')).toBe(1);
  });

  it('is not fooled by brackets, quotes and newlines escaped inside strings', () => {
    const text = '{\n  "a": "x\\"}]{[,",\n  "b": "line\\nbreak",\n  "c": [\n    "\\\\",\n    2\n  ]\n}';
    const map = jsonPathLines(text);
    expect(lineOfPath(map, 'b')).toBe(3);
    expect(lineOfPath(map, 'c[1]')).toBe(6);
  });

  it('puts everything of single-line JSON on line 1 and survives broken input', () => {
    expect(Object.values(jsonPathLines(JSON.stringify(defaultConfig()))).every((l) => l === 1)).toBe(true);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const map = jsonPathLines(s);
        for (const line of Object.values(map)) expect(line).toBeGreaterThanOrEqual(1);
      }),
    );
    expect(jsonPathLines('{\n "a": [1,\f\u00a0 2,\n').a).toBe(2);
  });

  it('works as standalone source, the way the editor page inlines it', () => {
    // The page embeds Function#toString output; nothing may depend on module scope.
    const standalone = new Function('__name', `return [(${jsonPathLines.toString()}), (${lineOfPath.toString()})];`)((f: unknown) => f) as [typeof jsonPathLines, typeof lineOfPath];
    const text = JSON.stringify({ segments: [{ id: 'x', rule: { all: [{ op: 'gte' }] } }] }, null, 2);
    expect(standalone[1](standalone[0](text), 'segments[0].rule.all[0].op')).toBe(lineOfPath(jsonPathLines(text), 'segments[0].rule.all[0].op'));
  });
});
