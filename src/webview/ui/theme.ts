// The canvas background follows the VS Code theme (--vscode-editor-background on the webview's root).
export function readTheme(root: HTMLElement): [number, number, number] {
  const probe = document.createElement('div');
  probe.className = 'swv-theme-probe';
  root.append(probe);
  const color = getComputedStyle(probe).backgroundColor;
  probe.remove();
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(color);
  return m ? [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255] : [0.12, 0.12, 0.12];
}
