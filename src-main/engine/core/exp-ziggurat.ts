/**
 * Tables for drawing unit exponential variates with the ziggurat method (Marsaglia & Tsang,
 * "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000: 256
 * layers, constants from the paper). One 32-bit draw picks a layer (low 8 bits) and a point in
 * it (high 24 bits); about 98.9% of draws land inside the layer's rectangle and cost one
 * multiply, against a logarithm for inversion. Rng.expZiggurat uses them.
 */
const LAYERS = 256;
/** Right edge of the base layer (start of the tail) and the area of each layer. */
export const ZIGGURAT_R = 7.697117470131487;
const AREA = 3.949659822581572e-3;
/** 24 magnitude bits per draw. */
const SCALE = 2 ** 24;

/** k[i]: a 24-bit magnitude below k[i] is inside layer i's rectangle (accept at once). */
export const zigK = new Float64Array(LAYERS);
/** w[i]: magnitude × w[i] is x in layer i. */
export const zigW = new Float64Array(LAYERS);
/** f[i] = exp(-x_i) at the layer's right edge (f[0] = 1 at x = 0 side is layer 0's top). */
export const zigF = new Float64Array(LAYERS);

(function build() {
  let de = ZIGGURAT_R;
  let te = de;
  const q = AREA / Math.exp(-de);
  zigK[0] = Math.floor((de / q) * SCALE);
  zigK[1] = 0;
  zigW[0] = q / SCALE;
  zigW[LAYERS - 1] = de / SCALE;
  zigF[0] = 1;
  zigF[LAYERS - 1] = Math.exp(-de);
  for (let i = LAYERS - 2; i >= 1; i--) {
    de = -Math.log(AREA / de + Math.exp(-de));
    zigK[i + 1] = Math.floor((de / te) * SCALE);
    te = de;
    zigF[i] = Math.exp(-de);
    zigW[i] = de / SCALE;
  }
})();
