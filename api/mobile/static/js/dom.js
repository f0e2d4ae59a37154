// Builds DOM from data with textContent only: nothing the API sends is ever parsed as HTML.

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function show(screen) {
  const main = document.getElementById('screen');
  main.replaceChildren(screen);
  window.scrollTo(0, 0);
}

export function $(selector) {
  return document.querySelector(selector);
}

// replaceChildren that skips the null/false of optional parts, as h() does.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}
