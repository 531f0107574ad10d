// The SwinFUSE Models view (`swinfuse.models`): a thin vscode.TreeDataProvider over the registry. What each node
// shows is decided in model-tree.ts, without the vscode module.
import * as vscode from 'vscode';
import { Emitter } from '../viewer/emitter';
import type { ModelRegistry } from './model-registry';
import { childNodes, lookOf, rootNodes, type ModelNode } from './model-tree';

export const MODELS_VIEW_ID = 'swinfuse.models';

export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelNode> {
  // Our own emitter, not vscode.EventEmitter: same `event` signature, and it is disposable in tests too.
  private readonly changed = new Emitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event as vscode.Event<ModelNode | undefined>;
  private readonly subscription: { dispose(): unknown };

  /** `inUsePath`: the file `swinfuse.model` resolves to now, for the "(in use)" mark. */
  constructor(private readonly registry: ModelRegistry, private readonly inUsePath: () => string | null) {
    this.subscription = registry.onDidChange(() => this.refresh());
  }

  /** Redraws every node (after the registry or the setting changed). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: ModelNode): ModelNode[] {
    return node ? childNodes(node) : rootNodes(this.registry.list());
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const look = lookOf(node, this.inUsePath());
    const item = new vscode.TreeItem(look.label, !look.expandable ? vscode.TreeItemCollapsibleState.None
      : look.collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
    item.id = look.id;
    item.description = look.description;
    if (look.tooltip) item.tooltip = new vscode.MarkdownString(look.tooltip);
    item.contextValue = look.contextValue;
    if (look.icon) item.iconPath = new vscode.ThemeIcon(look.icon);
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
