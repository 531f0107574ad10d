// Render on demand: a request schedules one animation frame; more requests before it runs add nothing.
export class FrameLoop {
  private pending = 0;
  private disposed = false;

  constructor(private readonly draw: (startMs: number) => void) {}

  request(): void {
    if (this.pending || this.disposed) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw(performance.now());
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending) cancelAnimationFrame(this.pending);
    this.pending = 0;
  }
}
