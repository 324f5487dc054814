function trim(p) {
  let end = p.length;
  while (end > 0 && p[end - 1] === 0) end--;
  return p.slice(0, end);
}

export function polyAdd(p, q) {
  const out = [];
  for (let i = 0; i < Math.max(p.length, q.length); i++) out.push((p[i] ?? 0) + (q[i] ?? 0));
  return trim(out);
}

export function polyMul(p, q) {
  if (p.length === 0 || q.length === 0) return [];
  const out = new Array(p.length + q.length - 1).fill(0);
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < q.length; j++) out[i + j] += p[i] * q[j];
  }
  return trim(out);
}

export function polyEval(p, x) {
  let value = 0;
  for (let i = p.length - 1; i >= 0; i--) value = value * x + p[i];
  return value;
}

export function polyDerivative(p) {
  return trim(p.slice(1).map((c, i) => c * (i + 1)));
}

export function polyToString(p) {
  const terms = [];
  const q = trim(p);
  for (let i = q.length - 1; i >= 0; i--) {
    const c = q[i];
    if (c === 0) continue;
    const size = Math.abs(c);
    const power = i === 0 ? '' : i === 1 ? 'x' : `x^${i}`;
    const body = i > 0 && size === 1 ? power : `${size}${power}`;
    if (terms.length === 0) terms.push(c < 0 ? `-${body}` : body);
    else terms.push(c < 0 ? `- ${body}` : `+ ${body}`);
  }
  return terms.length === 0 ? '0' : terms.join(' ');
}
