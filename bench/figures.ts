// What a scenario reports: figures for ARO beside the same figure for bare Temporal (the ratio is ARO's
// divided by the baseline's), and plain notes such as status code counts.

export interface Figure {
  scenario: string;
  name: string;
  unit: string;
  aro: number;
  /** The bare-Temporal baseline's figure; null when the figure has no baseline. */
  bare: number | null;
}

export interface ScenarioResult {
  figures: Figure[];
  notes: string[];
}

export function ratio(figure: Figure): number | null {
  return figure.bare === null || figure.bare === 0 ? null : figure.aro / figure.bare;
}
