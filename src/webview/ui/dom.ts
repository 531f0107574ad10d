// Small DOM helpers. No innerHTML with data, no inline style attributes (the webview's CSP has no 'unsafe-inline'):
// positions are set through the CSSOM (element.style), which CSP allows.
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, props: { className?: string; id?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.id) node.id = props.id;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function placeBox(node: HTMLElement, box: { left: number; top: number; width: number; height: number }): void {
  const s = node.style;
  const px = (v: number) => `${v}px`;
  if (s.left !== px(box.left)) s.left = px(box.left);
  if (s.top !== px(box.top)) s.top = px(box.top);
  if (s.width !== px(box.width)) s.width = px(box.width);
  if (s.height !== px(box.height)) s.height = px(box.height);
}

/** An option list for a vscode-single-select. */
export function setOptions(select: HTMLElement, options: readonly { value: string; label: string }[]): void {
  const current = Array.from(select.children).map((o) => `${o.getAttribute('value')}=${o.textContent}`).join('|');
  if (current === options.map((o) => `${o.value}=${o.label}`).join('|')) return;
  select.replaceChildren(...options.map((o) => el('vscode-option', { text: o.label, attrs: { value: o.value } })));
}

/** True when a key or pointer event comes from a form control, which keeps its own keys. */
export function fromControl(event: Event): boolean {
  const target = event.target as Element | null;
  return !!target?.closest?.('.swv-toolbar, .swv-side, input, vscode-textfield, vscode-single-select');
}
