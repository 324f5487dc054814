const num = (n) => String(Number(n.toFixed(2)));
const TAU = 2 * Math.PI;

export function pieAngles(values) {
  if (values.some((v) => v < 0)) throw new RangeError('pie values must be non-negative');
  const total = values.reduce((s, v) => s + v, 0);
  let angle = 0;
  return values.map((value) => {
    const span = total === 0 ? 0 : (TAU * value) / total;
    const slice = { value, startAngle: angle, endAngle: angle + span };
    angle += span;
    return slice;
  });
}

export function slicePath(cx, cy, r, startAngle, endAngle) {
  if (endAngle - startAngle >= TAU - 1e-9) {
    return `M${num(cx)} ${num(cy - r)} A${num(r)} ${num(r)} 0 1 1 ${num(cx)} ${num(cy + r)} A${num(r)} ${num(r)} 0 1 1 ${num(cx)} ${num(cy - r)} Z`;
  }
  const point = (a) => `${num(cx + r * Math.sin(a))} ${num(cy - r * Math.cos(a))}`;
  const large = endAngle - startAngle > Math.PI ? 1 : 0;
  return `M${num(cx)} ${num(cy)} L${point(startAngle)} A${num(r)} ${num(r)} 0 ${large} 1 ${point(endAngle)} Z`;
}

export function pieChart(slices, { cx = 50, cy = 50, r = 40 } = {}) {
  const angles = pieAngles(slices.map((s) => s.value));
  const paths = slices.flatMap((s, i) =>
    s.value > 0 ? [`<path d="${slicePath(cx, cy, r, angles[i].startAngle, angles[i].endAngle)}" fill="${s.color}"/>`] : [],
  );
  return `<g class="pie">${paths.join('')}</g>`;
}
