// CSS-pixel boxes → WebGL viewport/scissor rectangles (device pixels, origin bottom-left).
export interface GlRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

interface CssBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A CSS box (left/top in canvas CSS px) in device pixels, edges rounded to the nearest device pixel. */
export function deviceRect(box: CssBox, dpr: number, canvasHeight: number): GlRect {
  const x = Math.round(box.left * dpr);
  const w = Math.round((box.left + box.width) * dpr) - x;
  const top = Math.round(box.top * dpr);
  const h = Math.round((box.top + box.height) * dpr) - top;
  return { x, y: canvasHeight - top - h, w, h };
}

/** The box covering every device pixel a CSS box touches. */
export function deviceRectOuter(box: CssBox, dpr: number, canvasHeight: number): GlRect {
  const x = Math.floor(box.left * dpr);
  const w = Math.ceil((box.left + box.width) * dpr) - x;
  const top = Math.floor(box.top * dpr);
  const h = Math.ceil((box.top + box.height) * dpr) - top;
  return { x, y: canvasHeight - top - h, w, h };
}

export function intersect(a: GlRect, b: GlRect): GlRect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.w, b.x + b.w) - x;
  const h = Math.min(a.y + a.h, b.y + b.h) - y;
  return w > 0 && h > 0 ? { x, y, w, h } : null;
}
