// Small DOM helpers shared by the page's modules.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Assigning only on change avoids needless layout/style work on every tick.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
