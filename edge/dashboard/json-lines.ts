/**
 * Maps config issue paths (`segments[3].rule.all[0].op`, as edge/config.ts
 * formats them) to line numbers in the JSON text the marketer is editing, so the
 * editor can show each error next to its line.
 *
 * The config editor runs these two functions in the browser: the page inlines
 * them with Function#toString. So each is self-contained (no imports, no helper
 * functions, no closures over module scope) and tolerant of half-typed JSON.
 */

/**
 * Every value's path → the 1-based line where it starts (for an object member,
 * the line of its key). The document itself is `''` → 1.
 */
export function jsonPathLines(text: string): Record<string, number> {
  const lines: Record<string, number> = { '': 1 };
  const stack: { arr: boolean; path: string; index: number; member: string | null }[] = [];
  const n = text.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const ch = text.charAt(i);
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ':') {
      i++;
      continue;
    }
    const top = stack.length > 0 ? stack[stack.length - 1]! : null;
    if (ch === ',') {
      if (top && top.arr) top.index++;
      else if (top) top.member = null;
      i++;
      continue;
    }
    if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
      continue;
    }
    // Where a value starting here lives (an object member's key was already recorded).
    let path = '';
    if (top && top.arr) path = `${top.path}[${top.index}]`;
    else if (top) path = top.member ?? top.path;
    if (ch === '"') {
      let j = i + 1;
      while (j < n && text.charAt(j) !== '"' && text.charAt(j) !== '\n') j += text.charAt(j) === '\\' ? 2 : 1;
      if (top && !top.arr && top.member === null) {
        // A member name: format it as edge/config.ts formatPath does.
        let key = text.slice(i + 1, j);
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {}
        const member = /^[A-Za-z_$][\w$]*$/.test(key) ? (top.path ? `${top.path}.${key}` : key) : `${top.path}[${JSON.stringify(key)}]`;
        top.member = member;
        if (!(member in lines)) lines[member] = line;
      } else if (!(path in lines)) {
        lines[path] = line;
      }
      i = j + 1;
      continue;
    }
    if (!(path in lines)) lines[path] = line;
    if (ch === '{' || ch === '[') {
      stack.push({ arr: ch === '[', path, index: 0, member: null });
      i++;
      continue;
    }
    // A number, true, false or null (or stray text): skip to the next delimiter.
    i++;
    while (i < n && !/[\s,\]}:"]/.test(text.charAt(i))) i++;
  }
  return lines;
}

/**
 * The line for an issue path: the path itself, else its nearest ancestor that
 * exists in the text (a missing key points at the object that lacks it), else line 1.
 */
export function lineOfPath(lines: Readonly<Record<string, number>>, path: string): number {
  let p = path;
  for (let guard = 0; guard < 1000; guard++) {
    if (Object.prototype.hasOwnProperty.call(lines, p)) return lines[p]!;
    if (p === '') return 1;
    const m = /^(.*?)(?:\.[A-Za-z_$][\w$]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\])$/.exec(p);
    p = m ? m[1]! : '';
  }
  return 1;
}
