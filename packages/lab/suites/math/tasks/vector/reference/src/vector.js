function assertSameLength(u, v) {
  if (u.length !== v.length) throw new RangeError(`vector lengths differ: ${u.length} and ${v.length}`);
}

export function dot(u, v) {
  assertSameLength(u, v);
  return u.reduce((sum, x, i) => sum + x * v[i], 0);
}

export function add(u, v) {
  assertSameLength(u, v);
  return u.map((x, i) => x + v[i]);
}

export function sub(u, v) {
  assertSameLength(u, v);
  return u.map((x, i) => x - v[i]);
}

export function scale(v, k) {
  return v.map((x) => x * k);
}

export function norm(v) {
  return Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
}

export function normalize(v) {
  const length = norm(v);
  if (length === 0) throw new RangeError('cannot normalize a zero vector');
  return scale(v, 1 / length);
}

export function cross(u, v) {
  if (u.length !== 3 || v.length !== 3) throw new RangeError('cross product needs two 3-vectors');
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

export function angle(u, v) {
  const cos = dot(normalize(u), normalize(v));
  return Math.acos(Math.min(1, Math.max(-1, cos)));
}
