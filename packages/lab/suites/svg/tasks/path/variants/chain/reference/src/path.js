import { shape } from './shapes.js';

export function pathElement(d, attributes = {}) {
  return shape('path', { d, ...attributes });
}
