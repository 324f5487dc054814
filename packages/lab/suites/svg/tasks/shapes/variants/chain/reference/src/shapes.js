import { attrs, escapeXml } from './format.js';

export function shape(tag, attributes = {}, content) {
  if (content === undefined) return `<${tag}${attrs(attributes)}/>`;
  return `<${tag}${attrs(attributes)}>${escapeXml(String(content))}</${tag}>`;
}

export function container(tag, attributes, children) {
  return `<${tag}${attrs(attributes)}>${children.join('')}</${tag}>`;
}
