const BUILT_IN_FUNCTIONS = {
  sqrt: Math.sqrt, abs: Math.abs, min: Math.min, max: Math.max, floor: Math.floor, ceil: Math.ceil,
  round: Math.round, ln: Math.log, exp: Math.exp, sin: Math.sin, cos: Math.cos,
};
const CONSTANTS = { pi: Math.PI, e: Math.E };
const TOKEN = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/%^(),]))/y;

function tokenize(text) {
  const tokens = [];
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const match = TOKEN.exec(text);
    if (!match) {
      const at = pos + (text.slice(pos).length - text.slice(pos).trimStart().length);
      throw new SyntaxError(`unexpected character '${text[at]}' at position ${at}`);
    }
    const start = match.index + match[0].length - (match[1] ?? match[2] ?? match[3]).length;
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]), pos: start });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', value: match[2], pos: start });
    else tokens.push({ kind: match[3], pos: start });
    pos = TOKEN.lastIndex;
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

export function evaluate(expression, { variables = {}, functions = {} } = {}) {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (kind) => {
    const token = tokens[i];
    if (token.kind !== kind) throw new SyntaxError(`expected '${kind}' at position ${token.pos}`);
    i++;
    return token;
  };

  const parseExpression = () => {
    let value = parseTerm();
    while (peek().kind === '+' || peek().kind === '-') {
      const op = tokens[i++].kind;
      const right = parseTerm();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  };
  const parseTerm = () => {
    let value = parseUnary();
    while (['*', '/', '%'].includes(peek().kind)) {
      const op = tokens[i++].kind;
      const right = parseUnary();
      if (op !== '*' && right === 0) throw new RangeError('division by zero');
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  };
  const parseUnary = () => {
    if (peek().kind === '-') {
      i++;
      return -parseUnary();
    }
    if (peek().kind === '+') {
      i++;
      return parseUnary();
    }
    return parsePower();
  };
  const parsePower = () => {
    const base = parsePrimary();
    if (peek().kind !== '^') return base;
    i++;
    return base ** parseUnary();
  };
  const parsePrimary = () => {
    const token = peek();
    if (token.kind === 'number') {
      i++;
      return token.value;
    }
    if (token.kind === '(') {
      i++;
      const value = parseExpression();
      expect(')');
      return value;
    }
    if (token.kind === 'name') {
      i++;
      if (peek().kind === '(') {
        i++;
        const args = [];
        if (peek().kind !== ')') {
          args.push(parseExpression());
          while (peek().kind === ',') {
            i++;
            args.push(parseExpression());
          }
        }
        expect(')');
        const fn = Object.hasOwn(functions, token.value) ? functions[token.value] : BUILT_IN_FUNCTIONS[token.value];
        if (typeof fn !== 'function') throw new ReferenceError(`unknown function '${token.value}'`);
        return fn(...args);
      }
      if (Object.hasOwn(variables, token.value)) return variables[token.value];
      if (Object.hasOwn(CONSTANTS, token.value)) return CONSTANTS[token.value];
      throw new ReferenceError(`unknown variable '${token.value}'`);
    }
    throw new SyntaxError(`unexpected ${token.kind === 'end' ? 'end of input' : `'${token.kind}'`} at position ${token.pos}`);
  };

  const value = parseExpression();
  if (peek().kind !== 'end') throw new SyntaxError(`unexpected '${peek().kind}' at position ${peek().pos}`);
  return value;
}
