import { add, compare, mul, rational } from './rational.js';

export function polyEvalRational(p, r) {
  let value = rational(0);
  for (let i = p.length - 1; i >= 0; i--) value = add(mul(value, r), rational(p[i]));
  return value;
}

function positiveDivisors(n) {
  const out = [];
  for (let d = 1; d <= Math.abs(n); d++) if (n % d === 0) out.push(d);
  return out;
}

export function rationalRoots(p) {
  let q = p.slice(0, trim(p).length);
  const roots = [];
  if (q.length > 1 && q[0] === 0) {
    roots.push(rational(0));
    while (q[0] === 0) q = q.slice(1);
  }
  if (q.length > 1) {
    for (const a of positiveDivisors(q[0])) {
      for (const b of positiveDivisors(q[q.length - 1])) {
        for (const candidate of [rational(a, b), rational(-a, b)]) {
          const seen = roots.some((r) => compare(r, candidate) === 0);
          if (!seen && polyEvalRational(q, candidate).num === 0) roots.push(candidate);
        }
      }
    }
  }
  return roots.sort(compare);
}
