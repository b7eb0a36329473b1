/** Curve colours per sweep configuration, in grid order (cycled): the Sweeps tab and the HTML report agree. */
export const SWEEP_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

export const sweepColour = (index: number): string => SWEEP_COLOURS[index % SWEEP_COLOURS.length];
