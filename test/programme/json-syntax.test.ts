import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxProblem, lineAndColumn } from '../../hub/programme/json-syntax.ts';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonSyntaxProblem', () => {
  it('finds nothing wrong in any JSON that JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        expect(findJsonSyntaxProblem(JSON.stringify(value, null, indent))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on damaged JSON: a problem exactly when JSON.parse refuses the text', () => {
    const damaged = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '/', "'", '-', '.', '0', 'e', '\n', '\\', 'x'))
      .map(([value, from, length, insert]) => {
        const text = JSON.stringify(value, null, 1);
        const at = from % (text.length + 1);
        return text.slice(0, at) + insert + text.slice(at + (length % 3));
      });
    fc.assert(
      fc.property(damaged, (text) => {
        expect(findJsonSyntaxProblem(text) === null).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('places the problem on the right line and column', () => {
    expect(findJsonSyntaxProblem('{\n  "a": 1,\n  "b": [1, 2,]\n}')).toEqual({
      line: 3,
      column: 13,
      problem: 'a comma before ] is not allowed: remove the comma after the last item',
    });
    expect(findJsonSyntaxProblem('{"a": 01}')?.problem).toMatch(/not a number JSON accepts/);
    expect(findJsonSyntaxProblem('{"a": "\\q"}')?.problem).toBe('\\q is not an escape JSON knows: write \\\\ for a backslash');
    expect(findJsonSyntaxProblem('{} {}')?.problem).toMatch(/after the end of the JSON value/);
  });

  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
