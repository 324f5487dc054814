export function estimateTextWidth(text, fontSize = 10) {
  return text.length * fontSize * 0.6;
}

export function truncateText(text, maxWidth, fontSize = 10) {
  if (estimateTextWidth(text, fontSize) <= maxWidth) return text;
  for (let keep = text.length - 1; keep >= 0; keep--) {
    const candidate = `${text.slice(0, keep)}…`;
    if (estimateTextWidth(candidate, fontSize) <= maxWidth) return candidate;
  }
  return '';
}

export function wrapText(text, maxWidth, fontSize = 10) {
  const words = text.split(/ +/).filter((w) => w !== '');
  const lines = [];
  let current = '';
  for (const word of words) {
    const next = current === '' ? word : `${current} ${word}`;
    if (current !== '' && estimateTextWidth(next, fontSize) > maxWidth) {
      lines.push(current);
      current = word;
    } else {
      current = next;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
