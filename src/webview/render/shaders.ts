// One fragment shader draws a slice: window/level and colour map on the scalar slice, then the probability heat
// map, then labels (filled or outline only). SCREEN_MAPPED maps fragment coordinates to voxels (2D panes: the same
// affine map the pointer uses); without it the quad's uv is used (the 3D pane's planes). The crosshair is DOM.
export const SLICE_VERTEX = /* glsl */ `
out vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

// Layers are compiled in or out with defines (SCREEN_MAPPED, HAS_IMAGE, LABELS, OUTLINE, PROBABILITY,
// MASK, MASK_OUTLINE)
// rather than tested per pixel: a software rasterizer (SwiftShader) pays for every branch on every pixel.
export const SLICE_FRAGMENT = /* glsl */ `
precision highp float;
precision highp int;
precision highp sampler2D;

uniform vec3 uRowH;
uniform vec3 uRowV;
uniform ivec2 uSize;
uniform sampler2D uImage;
uniform sampler2D uLut;
uniform vec2 uWindow;
uniform sampler2D uLabels;
uniform sampler2D uPalette;
uniform float uLabelOpacity;
uniform sampler2D uMask;
uniform sampler2D uMaskPalette;
uniform float uMaskOpacity;
uniform sampler2D uProb;
uniform sampler2D uHeat;
uniform float uProbOpacity;
uniform float uProbThreshold;
uniform vec3 uBackground;

in vec2 vUv;
out vec4 fragColor;

#ifdef LABELS
int labelAt(ivec2 p) {
  return int(texelFetch(uLabels, p, 0).r * 255.0 + 0.5);
}
#endif
#ifdef MASK
int maskAt(ivec2 p) {
  return int(texelFetch(uMask, p, 0).r * 255.0 + 0.5);
}
#endif

void main() {
#ifdef SCREEN_MAPPED
  vec2 c = vec2(dot(uRowH, vec3(gl_FragCoord.xy, 1.0)), dot(uRowV, vec3(gl_FragCoord.xy, 1.0)));
#else
  vec2 c = vUv * vec2(uSize) - 0.5;
#endif
  ivec2 p = ivec2(floor(c + 0.5));
  vec3 color = uBackground;
  if (p.x >= 0 && p.y >= 0 && p.x < uSize.x && p.y < uSize.y) {
#ifdef HAS_IMAGE
    float v = texelFetch(uImage, p, 0).r;
    float t = clamp((v - uWindow.x) / max(uWindow.y - uWindow.x, 1e-30), 0.0, 1.0);
    color = texelFetch(uLut, ivec2(int(t * 255.0 + 0.5), 0), 0).rgb;
#endif
#ifdef PROBABILITY
    float q = texelFetch(uProb, p, 0).r;
    if (q > 0.0 && q >= uProbThreshold) {
      vec3 h = texelFetch(uHeat, ivec2(int(clamp(q, 0.0, 1.0) * 255.0 + 0.5), 0), 0).rgb;
      color = mix(color, h, uProbOpacity);
    }
#endif
#ifdef LABELS
    int l = labelAt(p);
    if (l > 0) {
      vec4 pc = texelFetch(uPalette, ivec2(l, 0), 0);
#ifdef OUTLINE
      bool edge = p.x == 0 || p.y == 0 || p.x == uSize.x - 1 || p.y == uSize.y - 1
        || labelAt(p + ivec2(1, 0)) != l || labelAt(p - ivec2(1, 0)) != l
        || labelAt(p + ivec2(0, 1)) != l || labelAt(p - ivec2(0, 1)) != l;
      if (pc.a > 0.0 && edge) color = mix(color, pc.rgb, uLabelOpacity);
#else
      if (pc.a > 0.0) color = mix(color, pc.rgb, uLabelOpacity);
#endif
    }
#endif
#ifdef MASK
    // The edited mask, above the other overlays.
    int m = maskAt(p);
    if (m > 0) {
      vec4 mc = texelFetch(uMaskPalette, ivec2(m, 0), 0);
#ifdef MASK_OUTLINE
      bool medge = p.x == 0 || p.y == 0 || p.x == uSize.x - 1 || p.y == uSize.y - 1
        || maskAt(p + ivec2(1, 0)) != m || maskAt(p - ivec2(1, 0)) != m
        || maskAt(p + ivec2(0, 1)) != m || maskAt(p - ivec2(0, 1)) != m;
      if (mc.a > 0.0 && medge) color = mix(color, mc.rgb, uMaskOpacity);
#else
      if (mc.a > 0.0) color = mix(color, mc.rgb, uMaskOpacity);
#endif
    }
#endif
  }
  fragColor = vec4(color, 1.0);
}
`;
