// What a call threw, as the parts two backends must agree on, or 'no throw'.
export function thrownBy(run: () => unknown): { kind: string; code: unknown; message: string } | 'no throw' {
  try {
    run();
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { kind: e.constructor.name, code: e.code, message: e.message };
  }
  return 'no throw';
}
