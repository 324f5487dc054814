export function derivative(f, x, h = 1e-5) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

export function forwardDerivative(f, x, h = 1e-7) {
  return (f(x + h) - f(x)) / h;
}

export function secondDerivative(f, x, h = 1e-4) {
  return (f(x + h) - 2 * f(x) + f(x - h)) / (h * h);
}

export function gradient(f, point, h = 1e-5) {
  return point.map((_, i) => {
    const plus = [...point];
    const minus = [...point];
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}
