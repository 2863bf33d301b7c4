/**
 * Where a JSON text first goes wrong, and what is wrong there, in words a person who edits a file by
 * hand understands (a trailing comma, a comment, single quotes). JSON.parse says little on Node 20
 * (often no position at all), so this scanner runs after JSON.parse has refused a text. It checks
 * the syntax only and builds nothing.
 */
export interface JsonSyntaxProblem {
  /** 1-based, counted in lines ending in \n. */
  line: number;
  /** 1-based, in characters from the start of the line. */
  column: number;
  problem: string;
}

class SyntaxProblem extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

const describe = (char: string | undefined): string => {
  if (char === undefined) return 'the end of the file';
  if (char === '\n' || char === '\r') return 'the end of the line';
  return JSON.stringify(char);
};

class Scanner {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.skipSpace();
    this.value('a value (the programme starts with {)');
    this.skipSpace();
    if (this.at < this.text.length) this.fail(`unexpected ${describe(this.peek())} after the end of the JSON value: everything must be inside the outer { }`);
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private fail(problem: string, offset = this.at): never {
    throw new SyntaxProblem(offset, problem);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text[this.at]!)) this.at++;
    if (this.text.startsWith('//', this.at) || this.text.startsWith('/*', this.at)) this.fail('JSON does not allow comments');
  }

  private value(expected: string): void {
    const char = this.peek();
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === "'") this.fail('text must be in double quotes ("…"), not single quotes');
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    WORD.lastIndex = this.at;
    const word = WORD.exec(this.text)?.[0];
    if (word === 'true' || word === 'false' || word === 'null') {
      this.at += word.length;
      return;
    }
    if (word !== undefined) this.fail(`expected ${expected}, found the word ${word}: text must be in double quotes`);
    this.fail(`expected ${expected}, found ${describe(char)}`);
  }

  private object(): void {
    this.at++; // {
    this.skipSpace();
    if (this.peek() === '}') {
      this.at++;
      return;
    }
    for (;;) {
      const char = this.peek();
      if (char === "'") this.fail('field names must be in double quotes ("…"), not single quotes');
      if (char !== '"') this.fail(`expected a field name in double quotes, found ${describe(char)}`);
      this.string();
      this.skipSpace();
      if (this.peek() !== ':') this.fail(`expected : after the field name, found ${describe(this.peek())}`);
      this.at++;
      this.skipSpace();
      this.value('a value after the :');
      if (this.closesAfter('}', "a field's value", 'field')) return;
    }
  }

  private array(): void {
    this.at++; // [
    this.skipSpace();
    if (this.peek() === ']') {
      this.at++;
      return;
    }
    for (;;) {
      this.value('a list item');
      if (this.closesAfter(']', 'a list item', 'item')) return;
    }
  }

  /**
   * After a field or a list item: true at the closing bracket (passed over), false after a comma with
   * another field or item to come.
   */
  private closesAfter(close: '}' | ']', after: string, member: string): boolean {
    this.skipSpace();
    const next = this.peek();
    if (next === close) {
      this.at++;
      return true;
    }
    if (next !== ',') this.fail(`expected , or ${close} after ${after}, found ${describe(next)}${next === '"' || next === '{' || next === '[' ? ' (a comma is missing)' : ''}`);
    const comma = this.at;
    this.at++;
    this.skipSpace();
    if (this.peek() === close) this.fail(`a comma before ${close} is not allowed: remove the comma after the last ${member}`, comma);
    return false;
  }

  private string(): void {
    const start = this.at;
    this.at++; // "
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('this text is never closed with a double quote', start);
      if (char === '"') {
        this.at++;
        return;
      }
      if (char === '\n' || char === '\r') this.fail('text cannot run over the end of a line: close it with " (write \\n for a line break)');
      if (char < ' ') this.fail(`a control character (code ${char.charCodeAt(0)}) is not allowed inside text`);
      if (char === '\\') {
        const escaped = this.text[this.at + 1];
        if (escaped === 'u') {
          HEX4.lastIndex = this.at + 2;
          if (!HEX4.test(this.text)) this.fail('\\u must be followed by four hexadecimal digits');
          this.at += 6;
          continue;
        }
        if (escaped === undefined || !ESCAPES.has(escaped)) this.fail(`\\${escaped ?? ''} is not an escape JSON knows: write \\\\ for a backslash`);
        this.at += 2;
        continue;
      }
      this.at++;
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(`expected a number, found ${describe(this.text[this.at + 1])} after the minus sign`);
    const end = this.at + match[0].length;
    const after = this.text[end];
    if (after !== undefined && /[0-9.eE+-]/.test(after)) {
      this.fail('this is not a number JSON accepts (write numbers like 10, 2.5 or 0.5; no leading zeros or trailing dots)');
    }
    this.at = end;
  }
}

/** The line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first syntax problem of a JSON text, or null when its syntax is valid. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  try {
    new Scanner(text).document();
    return null;
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error;
    return { ...lineAndColumn(text, error.offset), problem: error.problem };
  }
}
