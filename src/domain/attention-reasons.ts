// Why an appointment needs a person (unconfirmed, reply:<message id>, delivery_failed:<template>...)
// and which of those reasons a person resolves: shared by the workflow and, once a lifecycle has
// ended, by the API that resolves them in its projection.

/**
 * The reasons a resolution clears: the one named (exactly, or every one of its kind: "reply" clears
 * each reply:<id>), or all; otherwise a sentence saying why there is nothing to clear.
 */
export function attentionToResolve(reasons: readonly string[], reason: string | undefined): string[] | string {
  if (reasons.length === 0) return 'cannot resolve: nothing needs attention';
  if (reason === undefined) return [...reasons];
  const matching = reasons.filter((r) => r === reason || r.startsWith(`${reason}:`));
  if (matching.length === 0) return `cannot resolve "${reason}": the appointment needs attention for ${reasons.join(', ')}`;
  return matching;
}

/** The timeline's line for a resolution: what was cleared, by whom, and the note left. */
export function describeResolution(resolved: readonly string[], actor: string, note: string | undefined): string {
  return `${resolved.join(', ')} by ${actor}${note ? `: ${note}` : ''}`;
}
