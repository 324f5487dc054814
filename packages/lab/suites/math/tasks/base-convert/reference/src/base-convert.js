const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const ROMAN = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

function assertBase(base) {
  if (!Number.isInteger(base) || base < 2 || base > 36) throw new RangeError(`base must be an integer in [2, 36], got ${base}`);
}

export function toBase(n, base) {
  assertBase(base);
  if (!Number.isSafeInteger(n)) throw new RangeError(`expected a safe integer, got ${n}`);
  if (n === 0) return '0';
  let rest = Math.abs(n);
  let out = '';
  while (rest > 0) {
    out = DIGITS[rest % base] + out;
    rest = Math.floor(rest / base);
  }
  return n < 0 ? `-${out}` : out;
}

export function fromBase(text, base) {
  assertBase(base);
  const negative = text.startsWith('-');
  const body = (negative ? text.slice(1) : text).toLowerCase();
  if (body === '') throw new SyntaxError('no digits');
  let value = 0;
  for (const ch of body) {
    const digit = DIGITS.indexOf(ch);
    if (digit < 0 || digit >= base) throw new SyntaxError(`'${ch}' is not a base-${base} digit`);
    value = value * base + digit;
  }
  return negative ? -value : value;
}

export function toRoman(n) {
  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new RangeError(`Roman numerals cover 1..3999, got ${n}`);
  let rest = n;
  let out = '';
  for (const [value, symbol] of ROMAN) {
    while (rest >= value) {
      out += symbol;
      rest -= value;
    }
  }
  return out;
}

/** Parses greedily, then accepts only if the canonical form round-trips. */
export function fromRoman(text) {
  let rest = text;
  let value = 0;
  for (const [v, symbol] of ROMAN) {
    while (rest.startsWith(symbol)) {
      value += v;
      rest = rest.slice(symbol.length);
    }
  }
  if (rest !== '' || value < 1 || value > 3999 || toRoman(value) !== text) {
    throw new SyntaxError(`not a canonical Roman numeral: '${text}'`);
  }
  return value;
}
